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
  hidden: number;
  lr: number;
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

/**
 * Every run of an experiment, in a fixed order (a run's index never changes). A staged sweep
 * lists its pilot runs, then its chosen-rate runs: `chosen(row)` gives a row's rate once its
 * pilot has finished (collect.ts reads it from the run files); until then those runs are
 * `pending`, with the row's first rate as a placeholder.
 */
export function expand(spec: ExperimentSpec, chosen: (row: string) => number | null = () => null): RunSpec[] {
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
  const pilot = spec.pilotSeeds ?? 2;
  if (spec.pilotSeeds !== undefined && !staged)
    fail("experiment.pilotSeeds", 'nothing unless lrSelection is "staged"', spec.pilotSeeds);
  for (const t of spec.tasks) if (t?.seeds !== undefined) checkSeeds(t.seeds, `experiment.tasks[${t.name}].seeds`);
  const fewest = Math.min(...spec.tasks.map((t) => (Array.isArray(t?.seeds) ? t.seeds : spec.seeds).length));
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
  // PyTorch's readout is the default a run spec leaves unsaid, so runs made before the option keep their identity.
  if (spec.readoutKernels !== undefined)
    oneOf(spec.readoutKernels, ["reference", "backend"], "experiment.readoutKernels");
  const readoutOf = {
    ...(spec.readoutInit === "glorot" ? { readoutInit: "glorot" as const } : {}),
    ...(spec.readoutKernels === "backend" ? { readoutKernels: "backend" as const } : {}),
  };
  const byName = new Map(spec.cells.map((c) => [c.name, c]));
  const runs: RunSpec[] = [];
  const later: RunSpec[] = []; // a staged sweep's chosen-rate runs, after every pilot
  for (const t of spec.tasks) {
    if (!Array.isArray(t?.T) || t.T.length === 0)
      fail(`experiment.tasks[${t?.name}].T`, "a non-empty array of sequence lengths", t?.T);
    checkKeys(`experiment.tasks[${t.name}]`, t, ["name", "T", "seeds", "train", "corpus"]);
    if (t.corpus !== undefined && t.name !== "charlm")
      fail(`experiment.tasks[${t.name}].corpus`, "none (a corpus is a charlm task's)", t.corpus);
    const seeds = t.seeds ?? spec.seeds;
    for (const T of t.T) {
      const named = t.name === "charlm" ? { name: t.name, T, corpus: t.corpus } : { name: t.name, T };
      const task = checkRunTask(named, `experiment.tasks[${t.name}]`);
      const D = shapeOf(task).inputSize;
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
      for (const c of spec.cells) {
        const hidden = hiddenOf(c);
        const rnn = { ...c.rnn, hiddenSize: hidden } as RecurrentConfig;
        resolveConfig({ ...rnn, inputSize: D }); // fails here, naming the field, before any run starts
        const base = {
          ...spec.train,
          ...(spec.trainByTask?.[task.name] ?? {}),
          ...(t.train ?? {}),
          ...(c.train ?? {}),
        } as TrainConfig;
        checkTrainConfig(base);
        const lrs = c.lrs ?? spec.lrs;
        const withLr = (lr: number) => ({ ...base, optimizer: { ...base.optimizer, lr } }) as TrainConfig;
        // One rate has nothing to choose: a staged spec runs such a row like a full one.
        const split = staged && lrs !== undefined && lrs.length > 1;
        for (const lr of lrs ?? [base.optimizer.lr]) {
          for (const seed of split ? seeds.slice(0, pilot) : seeds) {
            const id = `${task.name}-T${T}-${c.name}${lrs ? `-lr${lr}` : ""}-s${seed}`;
            const run: RunSpec = { id, cell: c.name, rnn, task, seed, hidden, lr, train: withLr(lr), ...readoutOf };
            runs.push(split ? { ...run, stage: "pilot" } : run);
          }
        }
        if (split) {
          const lr = chosen(rowKey({ task, cell: c.name }));
          for (const seed of seeds.slice(pilot)) {
            const id = `${task.name}-T${T}-${c.name}-chosen-s${seed}`;
            const rate = lr ?? lrs[0];
            const run: RunSpec = {
              ...{ id, cell: c.name, rnn, task, seed, hidden, lr: rate, train: withLr(rate) },
              ...readoutOf,
            };
            later.push(lr === null ? { ...run, stage: "chosen", pending: true } : { ...run, stage: "chosen" });
          }
        }
      }
    }
  }
  return [...runs, ...later];
}
