/** `gatescope writeup DIR [--out OUT]`: figures, tables, references and methods from DIR/results.json. */
import * as path from "path";
import { readResults } from "../experiment/results";
import { writeup } from "../experiment/writeup";
import { parseCommandArgs } from "./args";

export async function writeupCommand(argv: string[], out: (line: string) => void): Promise<number> {
  const operand = { one: "results directory", many: "results directories", min: 1, max: 1 };
  const args = parseCommandArgs("writeup", argv, operand);
  const [dir] = args.operands;
  const results = readResults(path.join(dir, "results.json"));
  const dest = args.value("--out") ?? path.join(dir, "writeup");
  const files = await writeup(results, dest);
  out(`wrote ${files.length} files to ${path.resolve(dest)}:`);
  for (const f of files) out(`  ${f}`);
  return 0;
}
