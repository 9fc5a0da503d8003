/**
 * One reading of the command line for every command, driven by its help table (Node's `util.parseArgs` does the
 * reading): `--flag value` and `--flag=value` alike (a value that looks like an option needs the second form, unless
 * the option passes another program's options: `dashValues`); a switch takes no value; an option marked `repeat`
 * gathers every value, any other given twice is refused (it would silently keep the last); the operands are counted.
 * Every refusal names the command, what was expected and what came — before the command does anything.
 */
import { parseArgs } from "util";
import { GatescopeError } from "../errors";
import { COMMANDS } from "./help";

/** What a command takes besides its options: what each is (a noun, and its plural) and how many. */
export interface Operands {
  one: string;
  many: string;
  min: number;
  max: number;
}

/** No operands: options only. */
export const OPTIONS_ONLY: Operands = { one: "option", many: "options", min: 0, max: 0 };
/** One experiment directory (what `reproduce --out` wrote). */
export const EXPERIMENT_DIR: Operands = { one: "experiment directory", many: "experiment directories", min: 1, max: 1 };

/** A command line as its help table reads it. */
export interface CommandArgs {
  /** The last value of a valued option (the only one, unless it repeats), or undefined. */
  value(flag: string): string | undefined;
  /** Every value of a repeatable option, in order. */
  values(flag: string): string[];
  /** Whether a switch or an option was given. */
  has(flag: string): boolean;
  /** The options given, in the table's order. */
  given: string[];
  operands: string[];
}

const count = (n: number, one: string, many: string) => (n === 1 ? `one ${one}` : `${n} ${many}`);
const article = (noun: string) => `${/^[aeiou]/.test(noun) ? "an" : "a"} ${noun}`;

function expectedOperands(o: Operands): string {
  if (o.max === 0) return "options only";
  if (o.min === o.max) return count(o.min, o.one, o.many);
  if (o.max === Infinity) return o.min === 0 ? `any number of ${o.many}` : `at least ${count(o.min, o.one, o.many)}`;
  return o.min === 0 ? `at most ${count(o.max, o.one, o.many)}` : `${o.min} to ${o.max} ${o.many}`;
}

/** Reads `argv` for command `name` as its help table declares; `operands` says what else it takes. */
export function parseCommandArgs(name: string, argv: string[], operands: Operands): CommandArgs {
  const table = COMMANDS[name].options;
  const bad = (message: string): never => {
    throw new GatescopeError(`${name}: ${message}`);
  };
  const options = Object.fromEntries(
    table.map((o) => [o.flag.slice(2), { type: o.arg ? ("string" as const) : ("boolean" as const), multiple: true }]),
  );
  const dashed = new Set(table.filter((o) => o.dashValues).map((o) => o.flag));
  // `--flag value` of such an option as `--flag=value`, so that a value like `-p` is not read as an option.
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++)
    args.push(dashed.has(argv[i]) && i + 1 < argv.length ? `${argv[i]}=${argv[++i]}` : argv[i]);
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (err) {
    const e = err as Error & { code?: string };
    const flag = /'(-[^' ]*)/.exec(e.message)?.[1] ?? "";
    if (e.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
      const flags = table.map((o) => o.flag).join(", ");
      const want =
        operands.max === 0
          ? `one of ${flags}`
          : table.length
            ? `${article(operands.one)} or one of ${flags}`
            : `${operands.max === Infinity ? operands.many : expectedOperands(operands)} (it has no options)`;
      bad(`expected ${want}, got "${flag}"`);
    }
    if (e.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
      const next = argv[argv.indexOf(flag) + 1];
      if (/argument missing/.test(e.message)) bad(`${flag}: expected a value, got none`);
      if (/ambiguous/.test(e.message))
        bad(`${flag}: expected a value, got the option-like "${next}" (write ${flag}=${next} if it is the value)`);
      const given = argv.find((a) => a.startsWith(`${flag}=`)) ?? flag;
      bad(`${flag}: expected no value (it is a switch), got "${given}"`);
    }
    throw err;
  }
  // Every option is read as `multiple`, so a repeat is seen: an array of its values (a switch's: true).
  const values = (flag: string) => ((parsed.values[flag.slice(2)] ?? []) as unknown[]).map(String);
  for (const o of table)
    if (!o.repeat && values(o.flag).length > 1) bad(`${o.flag}: expected once, got ${values(o.flag).length} times`);
  const n = parsed.positionals.length;
  if (n < operands.min || n > operands.max) {
    const got = n === 0 ? "none" : parsed.positionals.map((p) => `"${p}"`).join(" ");
    bad(`expected ${expectedOperands(operands)}, got ${got}`);
  }
  return {
    value: (flag) => values(flag).at(-1),
    values,
    has: (flag) => values(flag).length > 0,
    given: table.map((o) => o.flag).filter((f) => values(f).length > 0),
    operands: parsed.positionals,
  };
}
