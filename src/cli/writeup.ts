/** `gatescope writeup DIR [--out OUT]`: figures, tables, references and methods from DIR/results.json. */
import * as path from "path";
import { readResults } from "../experiment/results";
import { writeup } from "../experiment/writeup";

export async function writeupCommand(argv: string[], out: (line: string) => void): Promise<number> {
  const dirs: string[] = [];
  let target: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--out") {
      if (argv[i + 1] === undefined) {
        out("gatescope writeup: --out: expected a directory, got none");
        return 2;
      }
      target = argv[++i];
    } else if (argv[i].startsWith("--")) {
      out(`gatescope writeup: expected a results directory or --out, got "${argv[i]}"`);
      return 2;
    } else dirs.push(argv[i]);
  }
  if (dirs.length !== 1) {
    out(`gatescope writeup: expected one results directory, got ${dirs.length}`);
    return 2;
  }
  const results = readResults(path.join(dirs[0], "results.json"));
  const dest = target ?? path.join(dirs[0], "writeup");
  const files = await writeup(results, dest);
  out(`wrote ${files.length} files to ${path.resolve(dest)}:`);
  for (const f of files) out(`  ${f}`);
  return 0;
}
