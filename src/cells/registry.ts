/**
 * Cell kinds by name. Each kind is one self-describing entry: its options (with defaults and
 * checks), what PyTorch calls it where PyTorch has it, and how to build the step for given
 * options. Everything else (config checking, RecurrentNet, PyTorch I/O, reference files,
 * figures, gradcheck) reads the description, so a new kind — built in or a user's — is one
 * `registerCell` call.
 */
import { fail, GatescopeError } from "../errors";
import { oneOf, positiveInt } from "../checks";
import { GRAD_ROLES, INIT_ROLES, type Cell } from "./cell";

/** One option of a cell kind: its default, its help line and its check. */
export interface CellOption {
  default: unknown;
  /** One line for help texts: what it does and the values it takes. */
  doc: string;
  /** The value, checked (fail(what, …) otherwise); called with the default too. */
  check(value: unknown, what: string): unknown;
  /** Every value, where there are few (one-of, boolean): `gradcheck --all` tries each. */
  values?: readonly unknown[];
  /** Set for options that choose an initial value ("forget bias"): method texts list them. */
  initialisation?: string;
}

/** A cell's options after checking, defaults filled in. */
export type CellOptions = Readonly<Record<string, unknown>>;

/**
 * Everything the library knows about a cell kind: what `registerCell` takes and config checking, models, PyTorch I/O,
 * figures and `gradcheck` read.
 */
export interface CellDescription<K extends string = string> {
  /** The config's `kind`: lower case, digits and underscores. */
  kind: K;
  /** For legends and tables: "LSTM", "GRU". */
  title: string;
  /** The colour figures draw the kind in (CSS); a kind without one gets a fixed colour from its name. */
  color?: string;
  /** One line: what the cell is and where it comes from. */
  summary: string;
  options: Readonly<Record<string, CellOption>>;
  /** Checks that involve more than one option; returns a message naming the conflict, or null. */
  conflict?(options: CellOptions): string | null;
  /** The cell's layout and step functions for checked options. */
  cell(options: CellOptions): Cell;
  /** What H counts where it is not H real units ("H/2 complex units"): method texts say it beside H. */
  units?: string;
  /** What the hidden size must be, when not every positive integer will do ("an even number"), or null. */
  checkHidden?(H: number): string | null;
  /**
   * Where PyTorch has this cell: its module, the options a PyTorch state dict loads with, and
   * why given options cannot be exported (null when they can).
   */
  pytorch?: {
    module: "RNN" | "LSTM" | "GRU";
    nonlinearity?: "tanh" | "relu";
    importOptions: CellOptions;
    /** Why these options have no PyTorch counterpart (a message), or null when they export. */
    unexportable(options: CellOptions): string | null;
  };
}

const registry = new Map<string, CellDescription>();

/** Adds a kind; its name must be new, and its default options must build a cell. */
export function registerCell(d: CellDescription): CellDescription {
  if (typeof d !== "object" || d === null) fail("registerCell", "a cell description", d);
  if (typeof d.kind !== "string" || !/^[a-z][a-z0-9_]*$/.test(d.kind)) {
    fail("registerCell kind", "a name of lower-case letters, digits and underscores", d.kind);
  }
  if (registry.has(d.kind)) fail("registerCell kind", "a kind not yet registered", d.kind);
  for (const key of ["title", "summary"] as const) {
    if (typeof d[key] !== "string") fail(`registerCell ${d.kind} ${key}`, "a string", d[key]);
  }
  if (d.units !== undefined && typeof d.units !== "string") fail(`registerCell ${d.kind} units`, "a string", d.units);
  if (typeof d.cell !== "function") fail(`registerCell ${d.kind} cell`, "a function (options) → Cell", d.cell);
  if (typeof d.options !== "object" || d.options === null)
    fail(`registerCell ${d.kind} options`, "an object", d.options);
  const cell = d.cell(resolveCellOptions(d, {}, `registerCell ${d.kind}`));
  checkCell(cell, `registerCell ${d.kind}`);
  registry.set(d.kind, d);
  return d;
}

/** Removes a kind a user registered (for notebooks that redefine a cell); built-ins stay. */
export function unregisterCell(kind: string): void {
  if (BUILT_IN.has(kind))
    throw new GatescopeError(`unregisterCell: expected a kind you registered, got built-in "${kind}"`);
  registry.delete(kind);
}

/** Every registered cell kind, built-in and your own, in registration order. */
export function cellKinds(): string[] {
  return [...registry.keys()];
}

/** The registered description of a cell kind; an unknown kind is an error listing the known ones. */
export function cellDescription(kind: unknown, what = "kind"): CellDescription {
  const d = typeof kind === "string" ? registry.get(kind) : undefined;
  if (!d)
    fail(
      what,
      `one of ${cellKinds()
        .map((k) => `"${k}"`)
        .join(", ")}`,
      kind,
    );
  return d;
}

/** The description's options with defaults filled in and every value checked. */
export function resolveCellOptions(d: CellDescription, given: CellOptions, what: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, opt] of Object.entries(d.options)) {
    out[key] = opt.check(given[key] === undefined ? opt.default : given[key], `${what}.${key}`);
  }
  const conflict = d.conflict?.(out);
  if (conflict) throw new GatescopeError(`${what}: ${conflict}`);
  return out;
}

/** Catches a malformed user cell at registration, not deep inside a forward pass. */
function checkCell(c: Cell, what: string): void {
  if (typeof c !== "object" || c === null) fail(`${what} cell()`, "a Cell object", c);
  positiveInt(c.G, `${what} G`);
  const names = (c.params ?? []).map((p) => p.name);
  if (!names.includes("weight_ih")) fail(`${what} params`, "a weight_ih parameter (the input projection)", names);
  for (const p of c.params) {
    if (!/^[a-z][a-z0-9_]*$/.test(p.name)) fail(`${what} parameter name`, "lower-case letters, digits, _", p.name);
    if (typeof p.shape !== "function") fail(`${what} ${p.name}.shape`, "a function (D, H) → shape", p.shape);
    // An unknown role would register and then get no gradient (or no initialiser) at all, silently.
    if (!GRAD_ROLES.includes(p.grad)) fail(`${what} ${p.name}.grad`, `one of ${GRAD_ROLES.join(", ")}`, p.grad);
    if (typeof p.init !== "function" && !(INIT_ROLES as readonly unknown[]).includes(p.init))
      fail(`${what} ${p.name}.init`, `one of ${INIT_ROLES.join(", ")} or a function (data, rng, H)`, p.init);
  }
  if (new Set(names).size !== names.length) fail(`${what} params`, "distinct names", names);
  if (!c.trace || !c.trace.h) fail(`${what} trace`, "an object with at least the slot h", c.trace);
  for (const fn of ["forwardStep", "backwardStep"] as const) {
    if (typeof c[fn] !== "function") fail(`${what} ${fn}`, "a function", c[fn]);
  }
}

const BUILT_IN = new Set<string>();

/** A kind every fresh process (or worker thread) has, without a registerCell call of its own. */
export function isBuiltIn(kind: string): boolean {
  return BUILT_IN.has(kind);
}

/** Registers the library's own kinds (called once, by cells/index.ts). */
export function registerBuiltIn(d: CellDescription): void {
  registerCell(d);
  BUILT_IN.add(d.kind);
}

/** Option checks shared by the descriptions. */
export const option = {
  /** An option taking one of `values` (or null when `dflt` is null and the option may be absent). */
  oneOf<T extends string>(values: readonly T[], dflt: T | null, doc: string): CellOption {
    return {
      default: dflt,
      doc,
      values,
      check: (v, what) => (v === null && dflt === null ? null : oneOf(v, values, what)),
    };
  },
  /** A true/false option. */
  boolean(dflt: boolean, doc: string): CellOption {
    return {
      default: dflt,
      doc,
      values: [false, true],
      check: (v, what) => (typeof v === "boolean" ? v : fail(what, "true or false", v)),
    };
  },
  /** A finite number or null (null: leave what the initialiser drew); `initialisation` names it in method texts. */
  numberOrNull(dflt: number | null, doc: string, initialisation?: string): CellOption {
    return {
      default: dflt,
      doc,
      initialisation,
      check: (v, what) =>
        v === null || (typeof v === "number" && Number.isFinite(v)) ? v : fail(what, "a finite number or null", v),
    };
  },
};
