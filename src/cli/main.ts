#!/usr/bin/env node
/** The `gatescope` command. */
import { verifyTorch } from "./verify-torch";

const USAGE = `gatescope — recurrent networks you can see inside

usage:
  gatescope verify-torch FILE...   check gatescope against PyTorch reference files
  gatescope help                   this text

environment:
  GATESCOPE_BACKEND=js|wasm        force the reference TypeScript or the WebAssembly SIMD kernels
`;

export function main(argv: string[], out: (line: string) => void = (l) => console.log(l)): number {
  const [command, ...rest] = argv;
  switch (command) {
    case "verify-torch":
      return verifyTorch(rest, out);
    case undefined:
    case "help":
    case "--help":
    case "-h":
      out(USAGE);
      return command === undefined ? 2 : 0;
    default:
      out(`gatescope: expected a command (verify-torch, help), got "${command}"\n\n${USAGE}`);
      return 2;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
