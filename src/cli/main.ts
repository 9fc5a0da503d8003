#!/usr/bin/env node
/** The `gatescope` command. */
import { GatescopeError } from "../errors";
import { verifyTorch } from "./verify-torch";
import { reproduce } from "./reproduce";
import { writeupCommand } from "./writeup";
import { runOneCommand } from "./run-one";
import { collectCommand } from "./collect";
import { gradcheckCommand } from "./gradcheck";

const USAGE = `gatescope — recurrent networks you can see inside

usage:
  gatescope reproduce [--preset tiny|quick|paper | --spec FILE] [--seed S] [--out DIR] [--dry-run]
                      [--executor local|slurm|list] [--jobs N] [--threads 1|2|auto]
                      [--max-parallel K] [--sbatch-arg ARG]... [--no-wait]      (slurm)
                                   the vanishing-gradient comparison: RNN vs LSTM vs GRU
  gatescope run-one DIR [--index I]
                                   run I of the experiment in DIR (I defaults to
                                   SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX)
  gatescope collect DIR            merge DIR's finished runs into results.json and report.html
  gatescope writeup DIR [--out DIR2]
                                   figures (SVG, PNG), tables (Markdown, LaTeX), references.bib
                                   and a methods paragraph from a results directory
  gatescope verify-torch FILE...   check gatescope against PyTorch reference files
  gatescope gradcheck [KIND...|--all] [--require FILE]...
                                   Float64 finite-difference check of cells (--all: every
                                   registered kind and option value); FILE registers your own
  gatescope help                   this text

environment:
  GATESCOPE_BACKEND=js|wasm        force the reference TypeScript or the WebAssembly SIMD kernels
`;

export async function main(argv: string[], out: (line: string) => void = (l) => console.log(l)): Promise<number> {
  const [command, ...rest] = argv.filter((a) => a !== "--debug");
  switch (command) {
    case "reproduce":
      return reproduce(rest, out);
    case "verify-torch":
      return verifyTorch(rest, out);
    case "writeup":
      return writeupCommand(rest, out);
    case "run-one":
      return runOneCommand(rest, out);
    case "collect":
      return collectCommand(rest, out);
    case "gradcheck":
      return gradcheckCommand(rest, out);
    case undefined:
    case "help":
    case "--help":
    case "-h":
      out(USAGE);
      return command === undefined ? 2 : 0;
    default:
      throw new GatescopeError(
        "expected a command (reproduce, run-one, collect, writeup, verify-torch, gradcheck, help), " +
          `got "${command}"\n\n${USAGE}`,
      );
  }
}

/**
 * How a failure reaches the user: bad input (a GatescopeError: it says what was expected and what
 * came) on stderr with exit 2 and no stack; anything else is our bug — exit 1, a short line asking
 * for a report, and the stack only with --debug.
 */
export function reportFailure(err: unknown, debug: boolean, write: (line: string) => void): number {
  if (err instanceof GatescopeError) {
    write(`gatescope: ${err.message}`);
    return 2;
  }
  const e = err instanceof Error ? err : new Error(String(err));
  write(`gatescope: internal error: ${e.message}`);
  write(
    debug
      ? (e.stack ?? "")
      : "please report this (with the command you ran) at https://github.com/gatescope/gatescope/issues; " +
          "rerun with --debug for the stack",
  );
  return 1;
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  main(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.exitCode = reportFailure(err, argv.includes("--debug"), (l) => console.error(l));
    },
  );
}
