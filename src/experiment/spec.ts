/**
 * Declarative experiments: cells × tasks × T × seeds, one training config, expanded into runs
 * that are each deterministic from their seed and named so that a finished run is found again.
 */
import { GatescopeError, fail, unknownKey } from "../errors";
import type { RecurrentConfig } from "../model/config";
import { resolveConfig } from "../model/config";
import { checkTaskConfig, type TaskName } from "../tasks";
import { checkTrainConfig, type TrainConfig } from "../train/train";

/** A named cell: the recurrent config minus the sizes the task fixes. */
export interface CellSpec {
  name: string;
  rnn: Omit<RecurrentConfig, "inputSize" | "hiddenSize">;
}

export interface ExperimentSpec {
  cells: CellSpec[];
  tasks: Array<{ name: TaskName; T: number[] }>;
  seeds: number[];
  hidden: number;
  train: TrainConfig;
  /** Training overrides per task name (e.g. more steps for copy). */
  trainByTask?: Partial<Record<TaskName, Partial<TrainConfig>>>;
}

export interface RunSpec {
  id: string;
  cell: string;
  rnn: RecurrentConfig;
  task: { name: TaskName; T: number };
  seed: number;
  hidden: number;
  train: TrainConfig;
}

const KEYS = ["cells", "tasks", "seeds", "hidden", "train", "trainByTask"];

export function expand(spec: ExperimentSpec): RunSpec[] {
  if (typeof spec !== "object" || spec === null) fail("experiment", "an object", spec);
  for (const k of Object.keys(spec)) if (!KEYS.includes(k)) unknownKey("experiment", KEYS, k);
  if (!Array.isArray(spec.cells) || spec.cells.length === 0) fail("experiment.cells", "a non-empty array of {name, rnn}", spec.cells);
  if (!Array.isArray(spec.tasks) || spec.tasks.length === 0) fail("experiment.tasks", "a non-empty array of {name, T: number[]}", spec.tasks);
  if (!Array.isArray(spec.seeds) || spec.seeds.length === 0 || !spec.seeds.every((s) => Number.isSafeInteger(s) && s >= 0)) {
    fail("experiment.seeds", "a non-empty array of non-negative integers", spec.seeds);
  }
  if (!Number.isInteger(spec.hidden) || spec.hidden < 1) fail("experiment.hidden", "a positive integer", spec.hidden);
  const names = new Set<string>();
  for (const c of spec.cells) {
    if (typeof c?.name !== "string" || !/^[A-Za-z0-9_.-]+$/.test(c.name)) fail("experiment.cells[].name", "a name of letters, digits, _ . -", c?.name);
    if (names.has(c.name)) throw new GatescopeError(`experiment.cells: expected unique names, got "${c.name}" twice`);
    names.add(c.name);
  }
  const runs: RunSpec[] = [];
  for (const t of spec.tasks) {
    if (!Array.isArray(t?.T) || t.T.length === 0) fail(`experiment.tasks[${t?.name}].T`, "a non-empty array of sequence lengths", t?.T);
    for (const T of t.T) {
      const task = checkTaskConfig({ name: t.name, T }, `experiment.tasks[${t.name}]`);
      const train = { ...spec.train, ...(spec.trainByTask?.[task.name] ?? {}) } as TrainConfig;
      checkTrainConfig(train);
      for (const c of spec.cells) {
        const rnn = { ...c.rnn, inputSize: 1, hiddenSize: spec.hidden } as RecurrentConfig;
        resolveConfig(rnn); // fails here, naming the field, before any run starts
        for (const seed of spec.seeds) {
          runs.push({ id: `${task.name}-T${T}-${c.name}-s${seed}`, cell: c.name, rnn: { ...c.rnn, hiddenSize: spec.hidden } as RecurrentConfig, task, seed, hidden: spec.hidden, train });
        }
      }
    }
  }
  return runs;
}
