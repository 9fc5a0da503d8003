/**
 * Declarative experiments: cells × tasks × T × learning rates × seeds, one training config,
 * expanded into runs that are each deterministic from their seed and named so that a finished
 * run is found again. A cell may carry its own hidden size — a number, or "as many parameters
 * as cell X at the experiment's hidden size" for equal-parameter rows — and its own training
 * overrides (the IRNN's small learning rate, say).
 */
import { checkKeys, GatescopeError, fail } from "../errors";
import { oneOf, positiveInt } from "../checks";
import { READOUT_INITS, type ReadoutInit } from "../model/readout";
import type { CellConfig, RecurrentConfig } from "../model/config";
import { paramShapes, resolveConfig } from "../model/config";
import type { TaskName } from "../tasks";
import { checkTrainConfig, type TrainConfig } from "../train/config";
import { checkRunTask, shapeOf, type CorpusRef, type RunTask } from "./task-of";

/** A task's name in a spec: a generated task's, or "charlm" (a language model on a corpus). */
export type TaskKind = TaskName | "charlm";

/** A named cell: the recurrent config minus the sizes the task fixes. */
export interface CellSpec {
  name: string;
  rnn: CellConfig;
  /** Default: the experiment's `hidden`. `{equalParams: "lstm"}`: H matching that cell's parameter count. */
  hidden?: number | { equalParams: string };
  /** This cell's hidden size on particular tasks (Arjovsky et al.'s copy networks are smaller). */
  hiddenByTask?: Partial<Record<TaskKind, number>>;
  /** Training overrides for this cell (applied after the task's). */
  train?: Partial<TrainConfig>;
  /** This cell's own learning-rate sweep (default: the experiment's `lrs`). */
  lrs?: number[];
}

/** An experiment: cells × tasks × learning rates × seeds, training settings and the learning-rate protocol. */
export interface ExperimentSpec {
  cells: CellSpec[];
  /**
   * Tasks and their lengths. An entry may give its own seeds (e.g. more at the shortest T) and
   * training overrides (e.g. a step budget per T); the same task may appear in several entries.
   */
  tasks: Array<{ name: TaskKind; T: number[]; seeds?: number[]; train?: Partial<TrainConfig>; corpus?: CorpusRef }>;
  seeds: number[];
  hidden: number;
  train: TrainConfig;
  /** Training overrides per task name (e.g. more steps for copy). */
  trainByTask?: Partial<Record<TaskKind, Partial<TrainConfig>>>;
  /**
   * Hidden size per task name (e.g. Arjovsky et al.'s smaller copy networks); a cell's own
   * `hidden` still wins.
   */
  hiddenByTask?: Partial<Record<TaskKind, number>>;
  /** Learning rates to sweep; each replaces the optimizer's lr. The summary keeps the best on validation. */
  lrs?: number[];
  /**
   * How a swept rate is chosen. "full" (default): every rate runs every seed. "staged": every rate
   * runs the first `pilotSeeds` seeds (the pilot); the rate with the lowest mean validation
   * metric over them is chosen, and only it runs the other seeds.
   */
  lrSelection?: "full" | "staged";
  /** Seeds in a staged pilot: 1 ≤ pilotSeeds < seeds (default 2). */
  pilotSeeds?: number;
  /** How every model's readout starts: "pytorch" (default, torch.nn.Linear's) or "glorot" (Arjovsky et al.'s). */
  readoutInit?: ReadoutInit;
  /** Whose kernels compute every readout (model/sequence-model.ts): "reference" (default) or "backend". */
  readoutKernels?: "reference" | "backend";
}

/** One run of an experiment: everything needed to redo it alone. */
export interface RunSpec {
  id: string;
  cell: string;
  rnn: RecurrentConfig;
  task: RunTask;
  seed: number;
  /** Its hidden size is `rnn.hiddenSize`, its rate `train.optimizer.lr`: each said once. */
  train: TrainConfig;
  /**
   * Staged selection only: "pilot" runs every rate; "chosen" runs the rate the row's pilot chose
   * (its id names no rate, so it keeps its index and file whatever is chosen).
   */
  stage?: "pilot" | "chosen";
  /** A "chosen" run whose row's pilot has not finished: its rate is not known yet, and it cannot run. */
  pending?: true;
  /** The readout's initialisation when it is not PyTorch's. */
  readoutInit?: "glorot";
  /** The readout's kernels when they are the backend's. */
  readoutKernels?: "backend";
}

/** A summary row's key: the runs that differ only in rate and seed. */
export const rowKey = (r: { task: { name: string; T: number } | string; T?: number; cell: string }): string =>
  typeof r.task === "string"
    ? `${r.task}\u0000${r.T}\u0000${r.cell}`
    : `${r.task.name}\u0000${r.task.T}\u0000${r.cell}`;

/** The key of a task at one length (the rows of a summary that share a figure): task and T. */
export const lengthKey = (r: { task: string; T: number }): string => `${r.task}\u0000${r.T}`;

/**
 * The seeds that choose a row's rate: those every rate ran (a staged sweep's pilot, all of a full sweep's). With
 * one rate nothing is chosen, and none are.
 */
export function selectionSeeds(runs: ReadonlyArray<{ lr: number; seed: number }>): number[] {
  const rates = new Set(runs.map((r) => r.lr));
  if (rates.size < 2) return [];
  return [...new Set(runs.map((r) => r.seed))].filter((s) =>
    [...rates].every((lr) => runs.some((r) => r.lr === lr && r.seed === s)),
  );
}

/**
 * The rate with the lowest mean validation metric, over the seeds every rate ran (a staged
 * sweep's pilot; all of them in a full one). NaN never wins; ties keep the smaller rate.
 */
export function chooseRate(runs: ReadonlyArray<{ lr: number; seed: number; final_val_metric: number }>): number {
  const rates = [...new Set(runs.map((r) => r.lr))].sort((a, b) => a - b);
  const common = selectionSeeds(runs);
  let best = rates[0],
    bestVal = NaN;
  for (const lr of rates) {
    const vals = runs.filter((r) => r.lr === lr && common.includes(r.seed)).map((r) => r.final_val_metric);
    const v = vals.reduce((a, b) => a + b, 0) / vals.length;
    if (v < bestVal || !Number.isFinite(bestVal)) [best, bestVal] = [lr, v];
  }
  return best;
}

const KEYS = [
  "cells", "tasks", "seeds", "hidden", "train", "trainByTask", "hiddenByTask", "lrs", "lrSelection", "pilotSeeds",
  "readoutInit", "readoutKernels",
];
const CELL_KEYS = ["name", "rnn", "hidden", "hiddenByTask", "train", "lrs"];

/** Trainable parameters of a one-config recurrent stack (both PyTorch biases counted). */
export function recurrentParamCount(
  rnn: Pick<RecurrentConfig, "kind" | "inputSize" | "hiddenSize" | "numLayers">,
): number {
  const shapes = paramShapes({ ...rnn, numLayers: rnn.numLayers ?? 1 });
  return Object.values(shapes).reduce((s, shape) => s + shape.reduce((a, b) => a * b, 1), 0);
}

/** The hidden size whose parameter count is nearest `target` (the smaller on ties). */
export function hiddenForParams(
  rnn: Pick<RecurrentConfig, "kind" | "inputSize" | "numLayers">,
  target: number,
): number {
  let best = 1;
  let gap = Infinity;
  for (let H = 1; H <= 8192; H++) {
    const n = recurrentParamCount({ ...rnn, hiddenSize: H });
    if (Math.abs(n - target) < gap) [best, gap] = [H, Math.abs(n - target)];
    if (n > target) break; // counts only grow with H
  }
  return best;
}

const checkLrs = (lrs: unknown, what: string): number[] => {
  if (!Array.isArray(lrs) || lrs.length === 0) fail(what, "a non-empty array of positive learning rates", lrs);
  lrs.forEach((v, i) => {
    if (!(typeof v === "number" && v > 0 && Number.isFinite(v))) fail(`${what}[${i}]`, "a positive learning rate", v);
  });
  if (new Set(lrs).size !== lrs.length) fail(what, "distinct learning rates", lrs);
  return lrs as number[];
};

/** How many seeds a staged sweep's pilot runs (every rate) before the chosen rate runs the rest. */
export const pilotSeeds = (spec: Pick<ExperimentSpec, "pilotSeeds">): number => spec.pilotSeeds ?? 2;

/** An experiment's fields, each checked, before any row is resolved. */
function checkSpec(spec: ExperimentSpec): void {
  if (typeof spec !== "object" || spec === null) fail("experiment", "an object", spec);
  checkKeys("experiment", spec, KEYS);
  if (!Array.isArray(spec.cells) || spec.cells.length === 0)
    fail("experiment.cells", "a non-empty array of {name, rnn}", spec.cells);
  if (!Array.isArray(spec.tasks) || spec.tasks.length === 0)
    fail("experiment.tasks", "a non-empty array of {name, T: number[]}", spec.tasks);
  const checkSeeds = (seeds: unknown, what: string) => {
    if (!Array.isArray(seeds) || seeds.length === 0) fail(what, "a non-empty array of non-negative integers", seeds);
    seeds.forEach((s, i) => {
      if (!(Number.isSafeInteger(s) && s >= 0)) fail(`${what}[${i}]`, "a non-negative integer", s);
    });
  };
  checkSeeds(spec.seeds, "experiment.seeds");
  positiveInt(spec.hidden, "experiment.hidden");
  if (spec.lrs !== undefined) checkLrs(spec.lrs, "experiment.lrs");
  const staged = spec.lrSelection === "staged";
  if (spec.lrSelection !== undefined && spec.lrSelection !== "full" && !staged)
    fail("experiment.lrSelection", '"full" or "staged"', spec.lrSelection);
  if (spec.pilotSeeds !== undefined && !staged)
    fail("experiment.pilotSeeds", 'nothing unless lrSelection is "staged"', spec.pilotSeeds);
  for (const t of spec.tasks) {
    if (t?.seeds !== undefined) checkSeeds(t.seeds, `experiment.tasks[${t.name}].seeds`);
    if (!Array.isArray(t?.T) || t.T.length === 0)
      fail(`experiment.tasks[${t?.name}].T`, "a non-empty array of sequence lengths", t?.T);
    checkKeys(`experiment.tasks[${t.name}]`, t, ["name", "T", "seeds", "train", "corpus"]);
    if (t.corpus !== undefined && t.name !== "charlm")
      fail(`experiment.tasks[${t.name}].corpus`, "none (a corpus is a charlm task's)", t.corpus);
  }
  const fewest = Math.min(...spec.tasks.map((t) => (t.seeds ?? spec.seeds).length));
  const pilot = pilotSeeds(spec);
  if (staged && !(Number.isInteger(pilot) && pilot >= 1 && pilot < fewest))
    fail("experiment.pilotSeeds", `an integer in [1, ${fewest - 1}] (fewer than the seeds)`, pilot);
  const names = new Set<string>();
  for (const c of spec.cells) {
    if (typeof c?.name !== "string" || !/^[A-Za-z0-9_.-]+$/.test(c.name))
      fail("experiment.cells[].name", "a name of letters, digits, _ . -", c?.name);
    if (names.has(c.name)) throw new GatescopeError(`experiment.cells: expected unique names, got "${c.name}" twice`);
    names.add(c.name);
    checkKeys(`experiment.cells[${c.name}]`, c, CELL_KEYS);
    if (c.lrs !== undefined) checkLrs(c.lrs, `experiment.cells[${c.name}].lrs`);
  }
  if (spec.readoutInit !== undefined) oneOf(spec.readoutInit, READOUT_INITS, "experiment.readoutInit");
  if (spec.readoutKernels !== undefined)
    oneOf(spec.readoutKernels, ["reference", "backend"], "experiment.readoutKernels");
}

/**
 * One row of an experiment — a cell on a task at one T — with every setting resolved, in the one
 * order that decides them: the experiment's, then its task's (by name), then the task entry's, then
 * the cell's own; the hidden size the cell's for that task, the cell's, the task's, the experiment's.
 */
export interface Row {
  task: RunTask;
  cell: string;
  /** The cell's config at this row's hidden size. */
  rnn: RecurrentConfig;
  /** Training settings; `optimizer.lr` is the first swept rate's until a run sets its own. */
  train: TrainConfig;
  /** The rates this row sweeps (one: nothing to choose). */
  lrs: number[];
  /** Its runs' ids name their rate: the experiment or the cell names rates (`lrs`). */
  rateInId: boolean;
  seeds: number[];
  /** Every rate runs the first `pilotSeeds` seeds, the chosen one the rest (a staged sweep of more than one rate). */
  staged: boolean;
}

/** The row of `cell` on task entry `entry` at length `T` (the spec already checked). */
export function resolveRow(
  spec: ExperimentSpec,
  entry: ExperimentSpec["tasks"][number],
  T: number,
  cell: CellSpec,
): Row {
  const which = entry.name === "charlm" ? { name: entry.name, T, corpus: entry.corpus } : { name: entry.name, T };
  const task = checkRunTask(which, `experiment.tasks[${entry.name}]`);
  const D = shapeOf(task).inputSize;
  const byName = new Map(spec.cells.map((c) => [c.name, c]));
  const H0 = spec.hiddenByTask?.[task.name] ?? spec.hidden;
  const hiddenOf = (c: CellSpec): number => {
    const h = c.hiddenByTask?.[task.name] ?? c.hidden ?? H0;
    if (typeof h === "number") {
      if (!Number.isInteger(h) || h < 1)
        fail(`experiment.cells[${c.name}].hidden`, "a positive integer or {equalParams: cell}", h);
      return h;
    }
    const ref = byName.get(h?.equalParams);
    if (!ref || ref === c || typeof (ref.hiddenByTask?.[task.name] ?? ref.hidden ?? H0) !== "number") {
      fail(
        `experiment.cells[${c.name}].hidden.equalParams`,
        "the name of another cell with a numeric hidden size",
        h?.equalParams,
      );
    }
    const target = recurrentParamCount({ ...ref.rnn, inputSize: D, hiddenSize: hiddenOf(ref) });
    return hiddenForParams({ ...c.rnn, inputSize: D }, target);
  };
  const rnn = { ...cell.rnn, hiddenSize: hiddenOf(cell) } as RecurrentConfig;
  resolveConfig({ ...rnn, inputSize: D }); // fails here, naming the field, before any run starts
  const train = {
    ...spec.train,
    ...(spec.trainByTask?.[task.name] ?? {}),
    ...(entry.train ?? {}),
    ...(cell.train ?? {}),
  } as TrainConfig;
  checkTrainConfig(train);
  const named = cell.lrs ?? spec.lrs;
  const lrs = named ?? [train.optimizer.lr];
  const atFirst = { ...train, optimizer: { ...train.optimizer, lr: lrs[0] } } as TrainConfig;
  const staged = spec.lrSelection === "staged" && lrs.length > 1;
  const seeds = entry.seeds ?? spec.seeds;
  return { task, cell: cell.name, rnn, train: atFirst, lrs, rateInId: named !== undefined, seeds, staged };
}

/** Every row of an experiment, checked, in a fixed order: task entries, their lengths, cells. */
export function rows(spec: ExperimentSpec): Row[] {
  checkSpec(spec);
  return spec.tasks.flatMap((entry) => entry.T.flatMap((T) => spec.cells.map((c) => resolveRow(spec, entry, T, c))));
}

/**
 * Every run of an experiment, in a fixed order (a run's index never changes). A staged sweep
 * lists its pilot runs, then its chosen-rate runs: `chosen(row)` gives a row's rate once its
 * pilot has finished (collect.ts reads it from the run files); until then those runs are
 * `pending`, with the row's first rate as a placeholder.
 */
export function expand(spec: ExperimentSpec, chosen: (row: string) => number | null = () => null): RunSpec[] {
  const all = rows(spec);
  const readout = {
    // PyTorch's readout is the default a run spec leaves unsaid, so runs made before the option keep their identity.
    ...(spec.readoutInit === "glorot" ? { readoutInit: "glorot" as const } : {}),
    ...(spec.readoutKernels === "backend" ? { readoutKernels: "backend" as const } : {}),
  };
  const run = (row: Row, id: string, seed: number, lr: number): RunSpec => ({
    ...{ id, cell: row.cell, rnn: row.rnn, task: row.task, seed },
    ...{ train: { ...row.train, optimizer: { ...row.train.optimizer, lr } } as TrainConfig, ...readout },
  });
  const name = (row: Row) => `${row.task.name}-T${row.task.T}-${row.cell}`;
  const pilot = pilotSeeds(spec);
  const first = all.flatMap((row) =>
    row.lrs.flatMap((lr) =>
      (row.staged ? row.seeds.slice(0, pilot) : row.seeds).map((seed) => {
        const r = run(row, `${name(row)}${row.rateInId ? `-lr${lr}` : ""}-s${seed}`, seed, lr);
        return row.staged ? { ...r, stage: "pilot" as const } : r;
      }),
    ),
  );
  // A staged sweep's chosen-rate runs, after every pilot: their ids name no rate, so a run keeps its index and file.
  const later = all.filter((row) => row.staged).flatMap((row) => {
    const lr = chosen(rowKey(row));
    return row.seeds.slice(pilot).map((seed) => {
      const r = { ...run(row, `${name(row)}-chosen-s${seed}`, seed, lr ?? row.lrs[0]), stage: "chosen" as const };
      return lr === null ? { ...r, pending: true as const } : r;
    });
  });
  return [...first, ...later];
}

/** A run's learning rate (its optimizer's). */
export const lrOf = (r: { train: TrainConfig }): number => r.train.optimizer.lr;
