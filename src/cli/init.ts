/**
 * `gatescope init DIR` and `gatescope notebooks DIR`: a folder of one's own to write notebooks in.
 *
 * init writes DIR/package.json (gatescope, and tslab and/or Deno), a starter notebook and the
 * chosen kernels, which live in DIR/.jupyter (Jupyter finds them through JUPYTER_PATH, which the
 * folder's `npm run jupyter` sets; the user's own Jupyter setup is untouched), then runs
 * `npm install`. By default both kernels; Deno's is dropped again, with a note, where its binary
 * does not run after the install (a platform Deno's npm package has no build for).
 * The kernel runs under a Python that really has Jupyter: found by asking each candidate to
 * import jupyter_client, not assumed from PATH (tslab's own installer takes the first python3,
 * which may have no Jupyter, and exits 0).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { GatescopeError } from "../errors";
import { writeFileAtomic } from "../io/atomic";
import { gatescopePackage } from "../package-root";
import { parseCommandArgs } from "./args";
import { KERNEL_KINDS, KERNELS, kernelChoice, kernelSpecJson, type KernelKind } from "./kernels";

/** What init and notebooks take: one folder. */
const FOLDER = { one: "folder", many: "folders", min: 1, max: 1 };

/** Where, under the folder, Jupyter looks for kernels (JUPYTER_PATH). */
export const JUPYTER_DIR = path.join(".jupyter", "share", "jupyter");
const CANDIDATES = ["python3", "/usr/bin/python3", "python"];

export interface InitArgs {
  dir: string;
  from: string | null;
  python: string | null;
  install: boolean;
  /** null: both, Deno's only where it runs. */
  kernels: KernelKind[] | null;
}

export function parseInitArgs(argv: string[]): InitArgs {
  const given = parseCommandArgs("init", argv, FOLDER);
  const args: InitArgs = { dir: given.operands[0], from: null, python: null, install: true, kernels: null };
  for (const flag of given.given) {
    const v = given.value(flag)!;
    if (flag === "--no-install") args.install = false;
    else if (flag === "--from") args.from = v;
    else if (flag === "--python") args.python = v;
    else if (flag === "--kernel") args.kernels = kernelChoice(v, "init: --kernel");
    else throw new Error(`init: ${flag} is declared in help.ts but has no branch in parseInitArgs`);
  }
  return args;
}

/**
 * The first candidate Python that imports `modules` (what a kernel folder needs, by default; the notebook runner
 * asks for nbconvert too), with what each other one said. `who` is the command that asks.
 */
export function findJupyterPython(
  explicit: string | null,
  modules = ["jupyter_client", "jupyter_core"],
  who = "init",
): string {
  const tried: string[] = [];
  for (const py of explicit ? [explicit] : CANDIDATES) {
    const r = spawnSync(py, ["-c", `import ${modules.join(", ")}`], { encoding: "utf8" });
    if (!r.error && r.status === 0) return py;
    const why = r.error ? "not found" : (r.stderr.trim().split("\n").at(-1) ?? `exit ${r.status}`);
    tried.push(`${py} (${why})`);
  }
  throw new GatescopeError(
    `${who}: expected a Python with Jupyter (${modules.join(", ")}), got ${tried.join("; ")}. Install Jupyter ` +
      "(apt-get install jupyter-notebook jupyter-nbconvert, or pip install notebook nbconvert) or pass --python PATH",
  );
}

function starterNotebook(): string {
  return fs.readFileSync(path.join(gatescopePackage().root, "templates", "starter.ipynb"), "utf8");
}

/** package.json for the folder: its dependencies, and `npm run jupyter` with the kernels in view. */
function folderPackage(dir: string, from: string, python: string, kernels: KernelKind[]): string {
  const own = JSON.parse(fs.readFileSync(path.join(gatescopePackage().root, "package.json"), "utf8"));
  const name = path
    .basename(path.resolve(dir))
    .toLowerCase()
    .replace(/[^a-z0-9-._]+/g, "-")
    .replace(/^[-._]+/, "");
  const jupyter = `JUPYTER_PATH=${JUPYTER_DIR} ${python} -m jupyter`;
  const root = process.getuid?.() === 0 ? " --allow-root" : ""; // Jupyter refuses root otherwise (containers)
  return `${JSON.stringify(
    {
      name: name || "notebooks",
      private: true,
      scripts: { jupyter: `${jupyter} notebook${root}`, lab: `${jupyter} lab${root}` },
      dependencies: {
        gatescope: from,
        ...Object.fromEntries(kernels.map((k) => [k, own.devDependencies[k] as string])),
      },
      // npm 11 runs a dependency's install script only where allowScripts approves it: gatescope's builds its
      // native kernels; the rest are the reviews gatescope's own package.json records (deno, zeromq, core-js).
      allowScripts: { gatescope: true, ...own.allowScripts },
    },
    null,
    2,
  )}\n`;
}

function kernelDir(dir: string, kind: KernelKind): string {
  return path.join(dir, JUPYTER_DIR, "kernels", KERNELS[kind].name);
}

/** Whether Deno's binary, as npm installed it in the folder, runs on this machine. */
function denoRuns(dir: string): boolean {
  const r = spawnSync(path.join(dir, "node_modules", ".bin", "deno"), ["--version"], { encoding: "utf8" });
  return !r.error && r.status === 0;
}

export function initCommand(argv: string[], out: (line: string) => void): number {
  const args = parseInitArgs(argv);
  const python = findJupyterPython(args.python);
  const dir = path.resolve(args.dir);
  if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) {
    throw new GatescopeError(`init: ${dir}: expected a folder, got a file`);
  }
  const pkg = path.join(dir, "package.json");
  if (fs.existsSync(pkg)) {
    throw new GatescopeError(`init: ${dir}: expected a folder without package.json, got one (nothing was changed)`);
  }
  // A tarball or folder named relative to here: npm would read it relative to DIR.
  const from =
    args.from === null
      ? `file:${gatescopePackage().root}`
      : fs.existsSync(args.from)
        ? path.resolve(args.from)
        : args.from;
  const kernels = args.kernels ?? [...KERNEL_KINDS];
  for (const kind of kernels) {
    fs.mkdirSync(kernelDir(dir, kind), { recursive: true });
    const bin = path.join(dir, "node_modules", ".bin", kind);
    writeFileAtomic(path.join(kernelDir(dir, kind), "kernel.json"), kernelSpecJson(kind, bin));
  }
  const starter = path.join(dir, "starter.ipynb");
  if (!fs.existsSync(starter)) writeFileAtomic(starter, starterNotebook());
  const ignore = path.join(dir, ".gitignore");
  if (!fs.existsSync(ignore)) writeFileAtomic(ignore, "node_modules/\n.jupyter/\n.ipynb_checkpoints/\n");
  writeFileAtomic(pkg, folderPackage(dir, from, python, kernels));
  const names = kernels.map((k) => `"${KERNELS[k].name}"`).join(" and ");
  out(`wrote ${pkg} (gatescope from ${from}), starter.ipynb and kernel(s) ${names} under ${JUPYTER_DIR}`);
  if (args.install) {
    out(`npm install in ${dir} …`);
    const r = spawnSync("npm", ["install", "--no-audit", "--no-fund"], { cwd: dir, stdio: "inherit" });
    if (r.error || r.status !== 0) {
      throw new GatescopeError(
        `init: npm install in ${dir}: expected success, got ${r.error ? r.error.message : `exit ${r.status}`} ` +
          "(the files are written; fix the cause and run npm install there)",
      );
    }
    if (kernels.includes("deno") && !denoRuns(dir)) {
      if (args.kernels !== null) {
        throw new GatescopeError(
          `init: --kernel ${args.kernels.length > 1 ? "both" : "deno"}: expected Deno's binary to run here, ` +
            `got one that does not (${path.join(dir, "node_modules", ".bin", "deno")} --version failed)`,
        );
      }
      fs.rmSync(kernelDir(dir, "deno"), { recursive: true, force: true });
      out(`note: Deno does not run on this machine; the folder has tslab's kernel only`);
    }
  }
  out(`next: cd ${dir} && npm run jupyter    (Jupyter with the folder's kernels; Python: ${python})`);
  out(`      gatescope notebooks ${dir}     (copies the shipped notebooks beside the starter)`);
  return 0;
}

export function notebooksCommand(argv: string[], out: (line: string) => void): number {
  const [folder] = parseCommandArgs("notebooks", argv, FOLDER).operands;
  const dir = path.resolve(folder);
  if (!KERNEL_KINDS.some((k) => fs.existsSync(kernelDir(dir, k)))) {
    out(`note: ${dir} has no kernel of its own; "gatescope init ${folder}" makes one`);
  }
  fs.mkdirSync(dir, { recursive: true });
  const shipped = path.join(gatescopePackage().root, "notebooks");
  for (const f of fs
    .readdirSync(shipped)
    .filter((n) => n.endsWith(".ipynb"))
    .sort()) {
    const target = path.join(dir, f);
    if (fs.existsSync(target)) out(`  kept ${f} (already there)`);
    else {
      writeFileAtomic(target, fs.readFileSync(path.join(shipped, f)));
      out(`  wrote ${f}`);
    }
  }
  return 0;
}
