/**
 * `npm run docs` (scripts/docs.js): the API reference builds with every TypeDoc warning an error,
 * so a public export without a doc comment fails; every relative link in README.md and docs/
 * resolves; every generated block equals what the committed files give today.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { REPO } from "../helpers/paths";

const docs = (...args: string[]) =>
  spawnSync(process.execPath, [path.join(REPO, "scripts/docs.js"), ...args], { cwd: REPO, encoding: "utf8" });

describe("docs (npm run docs)", function () {
  this.timeout(5 * 60 * 1000);

  it("builds the API reference without a warning, and the pages' links and generated blocks hold", () => {
    const r = docs();
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.match(/documents checked: links resolve, generated blocks current/);
    expect(fs.existsSync(path.join(REPO, "build/docs/index.html"))).to.equal(true);
  });

  it("README.md stays a front page: at most 150 lines", () => {
    expect(fs.readFileSync(path.join(REPO, "README.md"), "utf8").split("\n").length).to.be.at.most(150);
  });

  it("fails a page with a stale generated block, an unknown generator or a broken link", () => {
    const dir = path.join(REPO, "build", "docs-check");
    fs.mkdirSync(dir, { recursive: true });
    const page = path.join(dir, "page.md");
    fs.writeFileSync(
      page,
      [
        "<!-- generated: presets -->",
        "| preset | runs |",
        "<!-- end generated -->",
        "<!-- generated: no-such-table -->",
        "<!-- end generated -->",
        "[gone](nowhere.md) and [fine](page.md) and [web](https://example.org/x.md)",
        "",
      ].join("\n"),
    );
    const r = docs("--no-api", page);
    expect(r.status).to.equal(1);
    expect(r.stderr).to.include(`build/docs-check/page.md: generated block "presets" is stale`);
    expect(r.stderr).to.include(`generated block "no-such-table": expected one of results, presets, torch-fixtures`);
    expect(r.stderr).to.include("link to nowhere.md: no such file");
    expect(r.stderr).not.to.include("page.md: link to page.md");
    expect(r.stderr).not.to.include("example.org");
    // --write brings the stale block up to date; then only the unknown generator and the link remain.
    expect(docs("--no-api", "--write", page).status).to.equal(1);
    expect(fs.readFileSync(page, "utf8")).to.match(/\| `paper` \| \d+ \| \d+ \|/);
    expect(docs("--no-api", page).stderr).not.to.include("stale");
  });

  it("refuses a public export without a doc comment (the same TypeDoc settings on a one-file package)", () => {
    const dir = path.join(REPO, "build", "docs-undocumented");
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, "index.ts"),
      "/** Documented. */\nexport function documented(): number {\n  return 1;\n}\n" +
        "export function forgotten(): number {\n  return 2;\n}\n",
    );
    fs.writeFileSync(
      path.join(dir, "tsconfig.json"),
      JSON.stringify({ compilerOptions: { target: "ES2022", module: "commonjs", strict: true }, files: ["index.ts"] }),
    );
    fs.writeFileSync(
      path.join(dir, "typedoc.json"),
      JSON.stringify({
        extends: ["../../typedoc.json"],
        entryPoints: ["index.ts"],
        tsconfig: "tsconfig.json",
        out: "out",
      }),
    );
    const typedoc = path.join(REPO, "node_modules/typedoc/bin/typedoc"); // its package exports no bin path
    const r = spawnSync(process.execPath, [typedoc, "--options", "typedoc.json"], { cwd: dir, encoding: "utf8" });
    expect(r.status, r.stdout + r.stderr).not.to.equal(0);
    expect(r.stdout + r.stderr).to.match(/forgotten.*does not have any documentation/);
    expect(r.stdout + r.stderr).not.to.match(/documented \(/);
  });
});
