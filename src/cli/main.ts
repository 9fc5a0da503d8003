#!/usr/bin/env node
/** The `gatescope` command. */
import { verifyTorch } from "./verify-torch";
import { reproduce } from "./reproduce";
import { writeupCommand } from "./writeup";
import { runOneCommand } from "./run-one";
import { collectCommand } from "./collect";

const USAGE = `gatescope — recurrent networks you can see inside

usage:
  gatescope reproduce [--preset tiny|quick|paper | --spec FILE] [--seed S] [--out DIR] [--dry-run]
                      [--executor local|slurm|list] [--jobs N]
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
  gatescope help                   this text

environment:
  GATESCOPE_BACKEND=js|wasm        force the reference TypeScript or the WebAssembly SIMD kernels
`;

export async function main(argv: string[], out: (line: string) => void = (l) => console.log(l)): Promise<number> {
  const [command, ...rest] = argv;
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
    case undefined:
    case "help":
    case "--help":
    case "-h":
      out(USAGE);
      return command === undefined ? 2 : 0;
    default:
      out(
        `gatescope: expected a command (reproduce, run-one, collect, writeup, verify-torch, help), got ` +
          `"${command}"\n\n${USAGE}`,
      );
      return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      console.error(`gatescope: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    },
  );
}
