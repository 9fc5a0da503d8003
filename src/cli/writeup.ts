/** `gatescope writeup DIR [--out OUT]`: figures, tables, references and methods from DIR/results.json. */
import * as path from "path";
import { GatescopeError } from "../errors";
import { readResults } from "../experiment/results";
import { writeup } from "../experiment/writeup";

export async function writeupCommand(argv: string[], out: (line: string) => void): Promise<number> {
  const dirs: string[] = [];
  let target: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--out") {
      if (argv[i + 1] === undefined) {
        throw new GatescopeError("writeup: --out: expected a directory, got none");
      }
      target = argv[++i];
    } else if (argv[i].startsWith("--")) {
      throw new GatescopeError(`writeup: expected a results directory or --out, got "${argv[i]}"`);
    } else dirs.push(argv[i]);
  }
  if (dirs.length !== 1) {
    throw new GatescopeError(`writeup: expected one results directory, got ${dirs.length}`);
  }
  const results = readResults(path.join(dirs[0], "results.json"));
  const dest = target ?? path.join(dirs[0], "writeup");
  const files = await writeup(results, dest);
  out(`wrote ${files.length} files to ${path.resolve(dest)}:`);
  for (const f of files) out(`  ${f}`);
  return 0;
}
