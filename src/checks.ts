/** Argument checks shared by every options object: each fails in the house voice, naming the field. */
import { fail } from "./errors";
export { checkKeys } from "./errors";

export function positiveInt(v: unknown, what: string): number {
  if (!Number.isInteger(v) || (v as number) < 1) fail(what, "a positive integer", v);
  return v as number;
}

export function nonNegativeInt(v: unknown, what: string): number {
  if (!Number.isInteger(v) || (v as number) < 0) fail(what, "a non-negative integer", v);
  return v as number;
}

export function oneOf<T extends string>(v: unknown, values: readonly T[], what: string): T {
  if (!values.includes(v as T)) fail(what, values.map((x) => `"${x}"`).join(" or "), v);
  return v as T;
}
