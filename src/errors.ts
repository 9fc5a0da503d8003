/**
 * Every error gatescope throws on bad input says what was expected and what came,
 * so a notebook user can fix the call without reading our source.
 */
export class GatescopeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GatescopeError";
  }
}

/** Short, bounded description of any value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? value.slice(0, 57) + "..." : value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value))
    return `a ${value.constructor.name} of length ${(value as unknown as ArrayLike<number>).length}`;
  if (typeof value === "object") {
    const keys = Object.keys(value as object);
    return `an object with keys [${keys.slice(0, 8).join(", ")}${keys.length > 8 ? ", ..." : ""}]`;
  }
  return typeof value;
}

export function fail(what: string, expected: string, got: unknown): never {
  throw new GatescopeError(`${what}: expected ${expected}, got ${describe(got)}`);
}

export function shapeString(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/** Levenshtein distance, for "did you mean" (short option names only, so quadratic is fine). */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(
        row[j] + 1,
        next[j - 1] + 1,
        row[j - 1] + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1),
      );
    }
    row = next;
  }
  return row[b.length];
}

/** The allowed name closest to a typo, if one is close enough to be what was meant. */
export function nearest(key: string, allowed: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  for (const a of allowed) {
    const d = distance(key, a);
    if (d < bestD) [best, bestD] = [a, d];
  }
  return best !== null && bestD <= Math.max(2, Math.floor(key.length / 3)) ? best : null;
}

/** An options object carried a key we do not know: say which, which we do, and the likely one. */
export function unknownKey(what: string, allowed: readonly string[], key: string): never {
  const guess = nearest(key, allowed);
  throw new GatescopeError(
    `${what}: expected only [${allowed.join(", ")}], got unknown option "${key}"` +
      (guess ? ` (did you mean "${guess}"?)` : ""),
  );
}

/** Every key of an options object must be a known one; a typo is an error, never silently ignored. */
export function checkKeys(what: string, options: unknown, allowed: readonly string[]): void {
  if (options === undefined) return;
  if (typeof options !== "object" || options === null || Array.isArray(options))
    fail(what, `an object with keys from [${allowed.join(", ")}]`, options);
  for (const k of Object.keys(options)) if (!allowed.includes(k)) unknownKey(what, allowed, k);
}
