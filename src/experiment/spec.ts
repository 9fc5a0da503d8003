/**
 * Declarative experiments: cells × tasks × T × learning rates × seeds, one training config,
 * expanded into runs that are each deterministic from their seed and named so that a finished
 * run is found again. A cell may carry its own hidden size — a number, or "as many parameters
 * as cell X at the experiment's hidden size" for equal-parameter rows — and its own training
 * overrides (the IRNN's small learning rate, say).
 */
import { checkKeys, GatescopeError, fail } from "../errors";
import { positiveInt } from "../checks";
import type { CellConfig, RecurrentConfig } from "../model/config";
import { paramShapes, resolveConfig } from "../model/config";
import { checkTaskConfig, makeTask, type TaskName } from "../tasks";
import { checkTrainConfig, type TrainConfig } from "../train/config";

/** A named cell: the recurrent config minus the sizes the task fixes. */
export interface CellSpec {
  name: string;
  rnn: CellConfig;
  /** Default: the experiment's `hidden`. `{equalParams: "lstm"}`: H matching that cell's parameter count. */
  hidden?: number | { equalParams: string };
  /** This cell's hidden size on particular tasks (Arjovsky et al.'s copy networks are smaller). */
  hiddenByTask?: Partial<Record<TaskName, number>>;
  /** Training overrides for this cell (applied after the task's). */
  train?: Partial<TrainConfig>;
  /** This cell's own learning-rate sweep (default: the experiment's `lrs`). */
  lrs?: number[];
}

export interface ExperimentSpec {
  cells: CellSpec[];
  tasks: Array<{ name: TaskName; T: number[] }>;
  seeds: number[];
  hidden: number;
  train: TrainConfig;
  /** Training overrides per task name (e.g. more steps for copy). */
  trainByTask?: Partial<Record<TaskName, Partial<TrainConfig>>>;
  /**
   * Hidden size per task name (e.g. Arjovsky et al.'s smaller copy networks); a cell's own
   * `hidden` still wins.
   */
  hiddenByTask?: Partial<Record<TaskName, number>>;
  /** Learning rates to sweep; each replaces the optimizer's lr. The summary keeps the best on validation. */
  lrs?: number[];
}

export interface RunSpec {
  id: string;
  cell: string;
  rnn: RecurrentConfig;
  task: { name: TaskName; T: number };
  seed: number;
  hidden: number;
  lr: number;
  train: TrainConfig;
}

const KEYS = ["cells", "tasks", "seeds", "hidden", "train", "trainByTask", "hiddenByTask", "lrs"];
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
  if (
    !Array.isArray(lrs) ||
    lrs.length === 0 ||
    !lrs.every((v) => typeof v === "number" && v > 0 && Number.isFinite(v))
  ) {
    fail(what, "a non-empty array of positive learning rates", lrs);
  }
  if (new Set(lrs).size !== lrs.length) fail(what, "distinct learning rates", lrs);
  return lrs as number[];
};

export function expand(spec: ExperimentSpec): RunSpec[] {
  if (typeof spec !== "object" || spec === null) fail("experiment", "an object", spec);
  checkKeys("experiment", spec, KEYS);
  if (!Array.isArray(spec.cells) || spec.cells.length === 0)
    fail("experiment.cells", "a non-empty array of {name, rnn}", spec.cells);
  if (!Array.isArray(spec.tasks) || spec.tasks.length === 0)
    fail("experiment.tasks", "a non-empty array of {name, T: number[]}", spec.tasks);
  if (
    !Array.isArray(spec.seeds) ||
    spec.seeds.length === 0 ||
    !spec.seeds.every((s) => Number.isSafeInteger(s) && s >= 0)
  ) {
    fail("experiment.seeds", "a non-empty array of non-negative integers", spec.seeds);
  }
  positiveInt(spec.hidden, "experiment.hidden");
  if (spec.lrs !== undefined) checkLrs(spec.lrs, "experiment.lrs");
  const names = new Set<string>();
  for (const c of spec.cells) {
    if (typeof c?.name !== "string" || !/^[A-Za-z0-9_.-]+$/.test(c.name))
      fail("experiment.cells[].name", "a name of letters, digits, _ . -", c?.name);
    if (names.has(c.name)) throw new GatescopeError(`experiment.cells: expected unique names, got "${c.name}" twice`);
    names.add(c.name);
    checkKeys(`experiment.cells[${c.name}]`, c, CELL_KEYS);
    if (c.lrs !== undefined) checkLrs(c.lrs, `experiment.cells[${c.name}].lrs`);
  }
  const byName = new Map(spec.cells.map((c) => [c.name, c]));
  const runs: RunSpec[] = [];
  for (const t of spec.tasks) {
    if (!Array.isArray(t?.T) || t.T.length === 0)
      fail(`experiment.tasks[${t?.name}].T`, "a non-empty array of sequence lengths", t?.T);
    for (const T of t.T) {
      const task = checkTaskConfig({ name: t.name, T }, `experiment.tasks[${t.name}]`);
      const D = makeTask(task).inputSize;
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
        const base = { ...spec.train, ...(spec.trainByTask?.[task.name] ?? {}), ...(c.train ?? {}) } as TrainConfig;
        checkTrainConfig(base);
        const lrs = c.lrs ?? spec.lrs;
        for (const lr of lrs ?? [base.optimizer.lr]) {
          const train = { ...base, optimizer: { ...base.optimizer, lr } } as TrainConfig;
          for (const seed of spec.seeds) {
            const id = `${task.name}-T${T}-${c.name}${lrs ? `-lr${lr}` : ""}-s${seed}`;
            runs.push({ id, cell: c.name, rnn, task, seed, hidden, lr, train });
          }
        }
      }
    }
  }
  return runs;
}
