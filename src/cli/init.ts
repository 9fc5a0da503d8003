/**
 * `gatescope init DIR` and `gatescope notebooks DIR`: a folder of one's own to write notebooks in.
 *
 * init writes DIR/package.json (gatescope and tslab), a starter notebook and a tslab kernel that
 * lives in DIR/.jupyter (Jupyter finds it through JUPYTER_PATH, which the folder's
 * `npm run jupyter` sets; the user's own Jupyter setup is untouched), then runs `npm install`.
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
import { flagsOf } from "./help";

/** The kernel's name: the shipped notebooks ask for it, so they run in an init folder as they are. */
export const KERNEL_NAME = "gatescope-tslab";
/** Where, under the folder, Jupyter looks for kernels (JUPYTER_PATH). */
export const JUPYTER_DIR = path.join(".jupyter", "share", "jupyter");
const CANDIDATES = ["python3", "/usr/bin/python3", "python"];

export interface InitArgs {
  dir: string;
  from: string | null;
  python: string | null;
  install: boolean;
}

export function parseInitArgs(argv: string[]): InitArgs {
  const { valued, switches } = flagsOf("init");
  const args: InitArgs = { dir: "", from: null, python: null, install: true };
  const dirs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--no-install") args.install = false;
    else if (valued.includes(a)) {
      const v = argv[++i];
      if (v === undefined) throw new GatescopeError(`init: ${a}: expected a value, got none`);
      if (a === "--from") args.from = v;
      else args.python = v;
    } else if (a.startsWith("-")) {
      throw new GatescopeError(`init: expected a folder or one of ${[...valued, ...switches].join(", ")}, got "${a}"`);
    } else dirs.push(a);
  }
  if (dirs.length !== 1) throw new GatescopeError(`init: expected one folder, got ${dirs.length}`);
  args.dir = dirs[0];
  return args;
}

/** The first candidate Python that imports jupyter_client, with what each other one said. */
export function findJupyterPython(explicit: string | null): string {
  const tried: string[] = [];
  for (const py of explicit ? [explicit] : CANDIDATES) {
    const r = spawnSync(py, ["-c", "import jupyter_client, jupyter_core"], { encoding: "utf8" });
    if (!r.error && r.status === 0) return py;
    const why = r.error ? "not found" : (r.stderr.trim().split("\n").at(-1) ?? `exit ${r.status}`);
    tried.push(`${py} (${why})`);
  }
  throw new GatescopeError(
    `init: expected a Python with Jupyter (jupyter_client), got ${tried.join("; ")}. Install Jupyter ` +
      "(apt-get install jupyter-notebook, or pip install notebook) or pass --python PATH",
  );
}

function starterNotebook(): string {
  return fs.readFileSync(path.join(gatescopePackage().root, "templates", "starter.ipynb"), "utf8");
}

/** package.json for the folder: its dependencies, and `npm run jupyter` with the kernel in view. */
function folderPackage(dir: string, from: string, python: string): string {
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
      dependencies: { gatescope: from, tslab: own.devDependencies.tslab },
    },
    null,
    2,
  )}\n`;
}

function kernelSpec(dir: string): string {
  const tslab = path.join(path.resolve(dir), "node_modules", ".bin", "tslab");
  const spec = {
    argv: [tslab, "kernel", "--config-path", "{connection_file}"],
    display_name: "TypeScript (gatescope)",
    language: "typescript",
  };
  return `${JSON.stringify(spec, null, 2)}\n`;
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
  fs.mkdirSync(path.join(dir, JUPYTER_DIR, "kernels", KERNEL_NAME), { recursive: true });
  writeFileAtomic(path.join(dir, JUPYTER_DIR, "kernels", KERNEL_NAME, "kernel.json"), kernelSpec(dir));
  const starter = path.join(dir, "starter.ipynb");
  if (!fs.existsSync(starter)) writeFileAtomic(starter, starterNotebook());
  const ignore = path.join(dir, ".gitignore");
  if (!fs.existsSync(ignore)) writeFileAtomic(ignore, "node_modules/\n.jupyter/\n.ipynb_checkpoints/\n");
  writeFileAtomic(pkg, folderPackage(dir, from, python));
  out(`wrote ${pkg} (gatescope from ${from}), starter.ipynb and a kernel "${KERNEL_NAME}" under ${JUPYTER_DIR}`);
  if (args.install) {
    out(`npm install in ${dir} …`);
    const r = spawnSync("npm", ["install", "--no-audit", "--no-fund"], { cwd: dir, stdio: "inherit" });
    if (r.error || r.status !== 0) {
      throw new GatescopeError(
        `init: npm install in ${dir}: expected success, got ${r.error ? r.error.message : `exit ${r.status}`} ` +
          "(the files are written; fix the cause and run npm install there)",
      );
    }
  }
  out(`next: cd ${dir} && npm run jupyter    (Jupyter with the folder's kernel; Python: ${python})`);
  out(`      gatescope notebooks ${dir}     (copies the shipped notebooks beside the starter)`);
  return 0;
}

export function notebooksCommand(argv: string[], out: (line: string) => void): number {
  if (argv.length !== 1 || argv[0].startsWith("-")) {
    throw new GatescopeError(`notebooks: expected one folder, got ${argv.length ? `"${argv.join(" ")}"` : "none"}`);
  }
  const dir = path.resolve(argv[0]);
  if (!fs.existsSync(path.join(dir, JUPYTER_DIR, "kernels", KERNEL_NAME))) {
    out(`note: ${dir} has no kernel of its own; "gatescope init ${argv[0]}" makes one`);
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
