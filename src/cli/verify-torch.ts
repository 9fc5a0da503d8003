/** `gatescope verify-torch FILE...`: are gatescope's numbers PyTorch's numbers? */
import { verifyReferenceFile } from "../io/reference";
import { backendInfo } from "../backend";
import { parseCommandArgs } from "./args";
import { commandHelp } from "./help";

export function verifyTorch(argv: string[], out: (line: string) => void): number {
  const references = { one: "reference file", many: "reference files", min: 0, max: Infinity };
  const files = parseCommandArgs("verify-torch", argv, references).operands;
  if (files.length === 0) {
    out(commandHelp("verify-torch"));
    return 2;
  }
  const backend = backendInfo();
  out(`backend: ${backend.name} (${backend.reason})`);
  let failed = 0;
  for (const file of files) {
    try {
      const r = verifyReferenceFile(file);
      out(
        `${r.pass ? "PASS" : "FAIL"}  ${file}  (${r.kind}${r.gruVariant ? ` ${r.gruVariant}` : ""}, ${r.dtype}; ` +
          `worst ${r.worst.name} ${r.worst.error.toExponential(2)}, tolerance ${r.tolerance.toExponential(0)})`,
      );
      for (const c of r.checks)
        out(`        ${c.error <= r.tolerance ? " " : "!"} ${c.name.padEnd(22)} ${c.error.toExponential(2)}`);
      if (!r.pass) failed++;
    } catch (err) {
      out(`ERROR ${file}: ${(err as Error).message}`);
      failed++;
    }
  }
  out(`${files.length - failed} of ${files.length} reference file(s) agree with PyTorch`);
  return failed ? 1 : 0;
}
