/**
 * Installing anywhere: `npm pack` makes a complete package (built by prepack, notebooks and the
 * starter inside); `gatescope init` makes a folder that installs that tarball from npm's registry
 * and registers its own kernel; the starter notebook then runs in real Jupyter with that kernel
 * and draws its charts; `gatescope notebooks` copies the shipped notebooks beside it.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { JUPYTER_DIR } from "../../src/cli/init";
import { KERNELS } from "../../src/cli/kernels";
import { CLI, REPO } from "../helpers/paths";
import { tmpDir } from "../helpers/tmp";

const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
const shipped = fs.readdirSync(path.join(REPO, "notebooks")).filter((f) => f.endsWith(".ipynb"));

describe("gatescope init: a notebook folder of one's own", function () {
  this.timeout(10 * 60 * 1000);
  const dir = tmpDir("init");
  const folder = path.join(dir, "my notebooks");
  let tarball = "";

  it("npm pack builds (prepack) and ships the code, kernels, kit, notebooks and starter", () => {
    const r = spawnSync("npm", ["pack", "--json", "--pack-destination", dir], { cwd: REPO, encoding: "utf8" });
    expect(r.status, r.stderr).to.equal(0);
    const [info] = JSON.parse(r.stdout.slice(r.stdout.indexOf("[")));
    const files = info.files.map((f: { path: string }) => f.path);
    for (const f of [
      "dist/src/index.js",
      "dist/src/cli/main.js",
      "dist/kernel-lib/index.js",
      "kernel-lib/package.json",
      "wasm/build/kernels.wasm",
      "wasm/build/kernels-relaxed.wasm",
      "templates/starter.ipynb",
      "scripts/prepare.js",
      "prebuilds/linux-x64/gatescope.node",
      "binding.gyp",
      "native/src/kernels.inl",
      ...shipped.map((n) => `notebooks/${n}`),
    ]) {
      expect(files, f).to.include(f);
    }
    expect(files.filter((f: string) => /^(src|test|node_modules|dist-test)\//.test(f))).to.deep.equal([]);
    tarball = path.join(dir, info.filename);
  });

  it("init writes the folder, installs the tarball and registers both kernels under a Python with Jupyter", () => {
    // named relative to where init runs, as a user would; the folder's package.json gets it absolute
    const r = spawnSync(process.execPath, [CLI, "init", folder, "--from", `./${path.basename(tarball)}`], {
      cwd: dir,
      encoding: "utf8",
    });
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    const pkg = JSON.parse(fs.readFileSync(path.join(folder, "package.json"), "utf8"));
    expect(pkg.dependencies.gatescope).to.equal(tarball);
    const asRoot = process.getuid?.() === 0 ? " --allow-root" : "";
    expect(pkg.allowScripts).to.deep.equal({ gatescope: true, deno: true, zeromq: true, "core-js": false });
    expect(pkg.scripts.jupyter).to.match(/^JUPYTER_PATH=\.jupyter\/share\/jupyter \S*python\S* -m jupyter notebook/);
    expect(pkg.scripts.jupyter.endsWith(`notebook${asRoot}`)).to.equal(true);
    const python = pkg.scripts.jupyter.split(" ")[1];
    expect(spawnSync(python, ["-c", "import jupyter_client"]).status, python).to.equal(0);
    expect(Object.keys(pkg.dependencies).sort()).to.deep.equal(["deno", "gatescope", "tslab"]);
    for (const kind of ["tslab", "deno"] as const) {
      const spec = JSON.parse(
        fs.readFileSync(path.join(folder, JUPYTER_DIR, "kernels", KERNELS[kind].name, "kernel.json"), "utf8"),
      );
      expect(spec.argv[0]).to.equal(path.join(folder, "node_modules", ".bin", kind));
      expect(fs.existsSync(spec.argv[0]), kind).to.equal(true);
    }
    // installed as a copy from the tarball, not a link back into this repository
    expect(fs.lstatSync(path.join(folder, "node_modules", "gatescope")).isSymbolicLink()).to.equal(false);
    // the prebuilt addon loads there: no compiler ran (npm runs no dependency's install script here)
    const installed = path.join(folder, "node_modules", "gatescope");
    expect(fs.existsSync(path.join(installed, "build")), "nothing compiled at install").to.equal(false);
    const info = spawnSync(process.execPath, ["-e", `console.log(require(".").backendInfo().name)`], {
      cwd: installed,
      encoding: "utf8",
      env: { ...process.env, GATESCOPE_BACKEND: "" },
    });
    expect(info.stdout.trim(), info.stderr).to.match(/^native-/);
  });

  it("the starter notebook runs with the folder's own kernels, learns, and draws its charts in each", () => {
    const r = spawnSync(
      process.execPath,
      [path.join(REPO, "scripts/notebooks.js"), "--out", path.join(dir, "out"), path.join(folder, "starter.ipynb")],
      { encoding: "utf8", cwd: REPO },
    );
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout.match(/PASS charts starter\.html: 2 of 2 drawn/g)).to.have.length(2);
    const printed = ["tslab", "deno"].map((kernel) => {
      const nb = JSON.parse(fs.readFileSync(path.join(dir, "out", kernel, "starter.ipynb"), "utf8"));
      return nb.cells
        .flatMap((c: { outputs?: { text?: string[] }[] }) => c.outputs ?? [])
        .map((o: { text?: string[] }) => (o.text ?? []).join(""))
        .join("");
    });
    const mse = Number(/test MSE ([\d.]+) \(baseline 0\.167\): solved/.exec(printed[0])?.[1]);
    expect(mse, printed[0]).to.be.below(0.01);
    expect(printed[1], "Deno's kernel prints the same").to.equal(printed[0]);
  });

  it("notebooks copies the shipped notebooks and never overwrites one", () => {
    fs.writeFileSync(path.join(folder, shipped[0]), "mine");
    const r = cli("notebooks", folder);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.include(`kept ${shipped[0]} (already there)`);
    expect(fs.readFileSync(path.join(folder, shipped[0]), "utf8")).to.equal("mine");
    for (const f of shipped.slice(1)) {
      expect(fs.readFileSync(path.join(folder, f), "utf8")).to.equal(
        fs.readFileSync(path.join(REPO, "notebooks", f), "utf8"),
      );
    }
  });

  it("--kernel tslab gives a folder tslab's kernel only", () => {
    const only = path.join(dir, "tslab only");
    const r = cli("init", only, "--kernel", "tslab", "--no-install");
    expect(r.status, r.stderr).to.equal(0);
    expect(fs.readdirSync(path.join(only, JUPYTER_DIR, "kernels"))).to.deep.equal([KERNELS.tslab.name]);
    const pkg = JSON.parse(fs.readFileSync(path.join(only, "package.json"), "utf8"));
    expect(Object.keys(pkg.dependencies).sort()).to.deep.equal(["gatescope", "tslab"]);
  });

  it("refuses a folder that has a package.json, and a Python without Jupyter, changing nothing", () => {
    const again = cli("init", folder, "--no-install");
    expect(again.status).to.equal(2);
    expect(again.stderr).to.include("expected a folder without package.json, got one (nothing was changed)");
    const fresh = path.join(dir, "fresh");
    const r = cli("init", fresh, "--python", "/nonexistent/python3");
    expect(r.status).to.equal(2);
    expect(r.stderr).to.include(
      "expected a Python with Jupyter (jupyter_client, jupyter_core), got /nonexistent/python3 (not found)",
    );
    expect(fs.existsSync(fresh)).to.equal(false);
  });
});
