#!/usr/bin/env node
/** The `gatescope` command. */
import { verifyTorch } from "./verify-torch";
import { reproduce } from "./reproduce";
import { writeupCommand } from "./writeup";

const USAGE = `gatescope — recurrent networks you can see inside

usage:
  gatescope reproduce [--preset tiny|quick|paper] [--seed S] [--out DIR] [--jobs N] [--dry-run]
                                   the vanishing-gradient comparison: RNN vs LSTM vs GRU
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
    case undefined:
    case "help":
    case "--help":
    case "-h":
      out(USAGE);
      return command === undefined ? 2 : 0;
    default:
      out(`gatescope: expected a command (reproduce, writeup, verify-torch, help), got "${command}"\n\n${USAGE}`);
      return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (err) => { console.error(`gatescope: ${err instanceof Error ? err.message : String(err)}`); process.exitCode = 1; },
  );
}
