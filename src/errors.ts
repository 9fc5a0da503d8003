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
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} of length ${(value as unknown as ArrayLike<number>).length}`;
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

/** An options object carried a key we do not know: say which, and which we do. */
export function unknownKey(what: string, allowed: readonly string[], key: string): never {
  throw new GatescopeError(`${what}: expected only [${allowed.join(", ")}], got unknown option "${key}"`);
}
