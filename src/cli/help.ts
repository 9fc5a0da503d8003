/**
 * Every command's help, in one table: `gatescope --help`, `gatescope help CMD` and
 * `gatescope CMD --help` print from it, and the one parser (args.ts) reads every command's flags from it, so a flag
 * cannot exist without its line of help.
 */
import * as os from "os";
import { PRESETS } from "../experiment/presets";

export interface Option {
  flag: string;
  /** The value's placeholder; none for a switch. */
  arg?: string;
  /** What holds when the option is not given. */
  default?: string;
  text: string;
  /** May be given more than once, each value kept (any other option given twice is refused). */
  repeat?: boolean;
  /** Its values are another program's options: `--flag -x` takes -x as the value, not as an option. */
  dashValues?: boolean;
}

export interface CommandHelp {
  usage: string;
  summary: string;
  options: Option[];
  /** Extra lines after the options: environment, examples. */
  notes?: string[];
}

export const COMMANDS: Record<string, CommandHelp> = {
  reproduce: {
    usage: "gatescope reproduce [OPTION]...",
    summary: "the vanishing-gradient comparison, RNN vs LSTM vs GRU, headless; resumes where it stopped",
    options: [
      { flag: "--preset", arg: PRESETS.join("|"), default: "quick", text: "which experiment (tiny: seconds)" },
      { flag: "--spec", arg: "FILE", default: "none", text: "an experiment spec as JSON instead of a preset" },
      { flag: "--seed", arg: "S", default: "0", text: "the seed every run's seeds derive from" },
      { flag: "--out", arg: "DIR", default: "gatescope-results", text: "where runs, results and the report go" },
      { flag: "--dry-run", text: "print the runs and an estimated CPU time; run nothing" },
      {
        flag: "--executor",
        arg: "local|slurm|list",
        default: "local",
        text: "a worker pool here, a Slurm array, " + "or one run-one command per unfinished run",
      },
      {
        flag: "--jobs",
        arg: "N",
        default: `the core count (${os.cpus().length} here), at most 4 × cores`,
        text: "runs at once (local)",
      },
      {
        flag: "--threads",
        arg: "1|2|auto",
        default: "auto",
        text: "threads per run (auto: 2 when the runs going at " + "once leave two cores each)",
      },
      { flag: "--max-parallel", arg: "K", default: "no limit", text: "array tasks at once (slurm)" },
      {
        flag: "--sbatch-arg",
        arg: "ARG",
        default: "none",
        text: "passed to sbatch; repeat for more (slurm)",
        repeat: true,
        dashValues: true,
      },
      { flag: "--no-wait", text: "submit and return; `gatescope collect DIR` later (slurm)" },
    ],
  },
  "run-one": {
    usage: "gatescope run-one DIR [--index I] [--weights FILE]",
    summary: "run I of the experiment in DIR, on one thread (what a Slurm array task runs)",
    options: [
      {
        flag: "--index",
        arg: "I",
        default: "SLURM_ARRAY_TASK_ID, else JOB_COMPLETION_INDEX",
        text: "which run, counting from 0",
      },
      {
        flag: "--weights",
        arg: "FILE",
        default: "none",
        text: "also write the selected weights (safetensors); a finished run trains again to its run file's numbers",
      },
    ],
  },
  collect: {
    usage: "gatescope collect DIR",
    summary: "merge DIR's finished runs into results.json, report.html and summary.md",
    options: [],
  },
  writeup: {
    usage: "gatescope writeup DIR [--out DIR2]",
    summary: "figures (SVG, PNG), tables (Markdown, LaTeX), references.bib and a methods paragraph from DIR",
    options: [{ flag: "--out", arg: "DIR2", default: "DIR/writeup", text: "where the files go" }],
  },
  "verify-torch": {
    usage: "gatescope verify-torch FILE...",
    summary: "check gatescope against PyTorch reference files (scripts/make_torch_fixtures.py writes them)",
    options: [],
  },
  gradcheck: {
    usage: "gatescope gradcheck [KIND...] [--all] [--require FILE]...",
    summary: "Float64 finite-difference check of cells: the worst relative error per parameter",
    options: [
      { flag: "--all", text: "every registered kind and every value of each enumerable option" },
      {
        flag: "--require",
        arg: "FILE",
        default: "none",
        text: "a JavaScript file that registers your own cells; repeat for more",
        repeat: true,
      },
    ],
  },
  init: {
    usage: "gatescope init DIR [OPTION]...",
    summary: "a notebook folder: package.json, project-local kernels (tslab, Deno) and a starter notebook",
    options: [
      {
        flag: "--from",
        arg: "SPEC",
        default: "this gatescope's own folder (file:…)",
        text: "what npm installs as " + "gatescope: a version, a tarball, a path or a git URL",
      },
      {
        flag: "--python",
        arg: "PATH",
        default: "the first of python3, /usr/bin/python3, python with Jupyter",
        text: "the Python whose Jupyter runs the kernel",
      },
      {
        flag: "--kernel",
        arg: "tslab|deno|both",
        default: "both (Deno's only where its binary runs)",
        text: "the Jupyter kernels the folder gets; a notebook runs unchanged under either",
      },
      { flag: "--no-install", text: "write the files only; run `npm install` yourself" },
    ],
  },
  notebooks: {
    usage: "gatescope notebooks DIR",
    summary: "copy the shipped notebooks into DIR (an `init` folder), never overwriting a file",
    options: [],
  },
  "static-images": {
    usage: "gatescope static-images NOTEBOOK...",
    summary:
      "add a PNG beside every chart of executed notebooks (in place), so GitHub, nbviewer and " +
      "untrusted JupyterLab show them; where scripts run, the charts stay interactive",
    options: [],
  },
  data: {
    usage: "gatescope data linux-kernel|fortunes [OPTION]...",
    summary:
      "build a character corpus offline from a Debian package (linux-source-6.1: the kernel's .c/.h files, " +
      "shuffled, as Karpathy et al. 2015; fortunes: English prose), with its package version and SHA-256",
    options: [
      { flag: "--out", arg: "FILE", default: "data/NAME.txt", text: "the text; its manifest goes to FILE.json" },
      { flag: "--seed", arg: "S", default: "0", text: "the shuffle's seed" },
      {
        flag: "--characters",
        arg: "N",
        default: "6206996 (the paper's size, second-hand)",
        text: "the kernel corpus's length",
      },
      { flag: "--source", arg: "PATH", default: "where Debian installs the package's data", text: "read it here" },
    ],
  },
  help: { usage: "gatescope help [COMMAND]", summary: "this text, or one command's", options: [] },
};

export const GLOBAL: Option[] = [
  { flag: "--help", text: "this text; after a command, that command's help" },
  { flag: "--version", text: "gatescope's version" },
  { flag: "--debug", text: "on an internal error, print the stack" },
];

const ENVIRONMENT = [
  "environment:",
  "  GATESCOPE_BACKEND=js|native|native-base|native-avx2|native-avx512|wasm|wasm-simd|wasm-relaxed-simd",
  "      the kernels (default: the fastest this runtime has)",
  "  GATESCOPE_THREADS=1|2|auto   threads per model (default: auto)",
];

const WIDTH = 100;

/** `text` in lines of at most WIDTH columns, each after `indent` spaces (the first after `head`). */
function wrap(head: string, indent: number, text: string): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && indent + line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  const first = head.length < indent ? head.padEnd(indent) : `${head}\n${" ".repeat(indent)}`;
  return first + lines.join(`\n${" ".repeat(indent)}`);
}

function optionLines(options: Option[]): string[] {
  const heads = options.map((o) => `  ${o.flag}${o.arg ? ` ${o.arg}` : ""}`);
  const indent = Math.min(32, Math.max(...heads.map((h) => h.length)) + 2);
  return options.map((o, i) => wrap(heads[i], indent, `${o.text}${o.default ? ` (default: ${o.default})` : ""}`));
}

/** One command's help: usage, what it does, every option with its default. */
export function commandHelp(name: string): string {
  const c = COMMANDS[name];
  const lines = [`usage: ${c.usage}`, "", wrap("", 0, c.summary)];
  if (c.options.length) lines.push("", "options:", ...optionLines(c.options));
  return [...lines, "", ...ENVIRONMENT].join("\n");
}

/** The overview: every command in one line. */
export function overview(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length)) + 4;
  return [
    "gatescope — recurrent networks you can see inside",
    "",
    "usage: gatescope COMMAND [OPTION]...      gatescope COMMAND --help for its options and defaults",
    "",
    "commands:",
    ...Object.entries(COMMANDS).map(([k, c]) => wrap(`  ${k}`, width, c.summary)),
    "",
    "options:",
    ...optionLines(GLOBAL),
    "",
    ...ENVIRONMENT,
  ].join("\n");
}
