/** `gatescope gradcheck [KIND…|--all] [--require FILE]…`: the Float64 finite-difference check, from the shell. */
import * as path from "path";
import { cellDescription, cellKinds } from "../cells";
import type { CellConfig } from "../model/config";
import { formatGradcheck, gradcheck } from "../model/gradcheck";
import { parseCommandArgs } from "./args";
import { commandHelp } from "./help";

/** A kind with its defaults, then each enumerable option moved to each other value, one at a time. */
export function variantsOf(kind: string): CellConfig[] {
  const out: CellConfig[] = [{ kind }];
  for (const [key, opt] of Object.entries(cellDescription(kind).options)) {
    for (const v of opt.values ?? []) if (v !== opt.default) out.push({ kind, [key]: v });
  }
  return out;
}

export function gradcheckCommand(args: string[], out: (line: string) => void): number {
  const given = parseCommandArgs("gradcheck", args, { one: "cell kind", many: "cell kinds", min: 0, max: Infinity });
  const [kinds, all] = [given.operands, given.has("--all")];
  // A user's file that calls registerCell: its kinds become checkable by name.
  for (const file of given.values("--require")) require(path.resolve(file));
  if (!all && kinds.length === 0) {
    out(`${commandHelp("gradcheck")}\n\nkinds: ${cellKinds().join(", ")}`);
    return 2;
  }
  for (const k of kinds) cellDescription(k, "gradcheck kind");
  const configs = (all ? cellKinds() : kinds).flatMap((k) => (all ? variantsOf(k) : [{ kind: k }]));
  let failed = 0;
  for (const c of configs) {
    const r = gradcheck(c);
    out(formatGradcheck(r));
    if (!r.pass) failed++;
  }
  out(`${configs.length - failed} of ${configs.length} cell configuration(s) pass the gradient check`);
  return failed ? 1 : 0;
}
