/**
 * A long-memory task: a seeded sequence generator (from which fixed validation and test sets
 * are drawn, see tasks/index.ts), the loss that trains on it, its trivial baseline (stated
 * analytically, checked empirically in the tests) and its success criterion.
 */
import { checkKeys, GatescopeError, fail } from "../errors";
import type { Rng } from "../math/rng";
import type { Tensor } from "../math/tensor";

/** A task's name. */
export type TaskName = "adding" | "adding_hs97" | "copy" | "temporal_order";
/** Every task `makeTask` knows. */
export const TASK_NAMES: readonly TaskName[] = ["adding", "adding_hs97", "copy", "temporal_order"];

/** Sequences and their targets. */
export interface Batch {
  x: Tensor; // N×T×D, float64 (cast to the model's dtype on use)
  /** Regression targets (N×O for a last-step readout), or null for classification. */
  y: Tensor | null;
  /** Class per position (N for last-step, N×T for every-step readouts), or null for regression. */
  classes: Int32Array | null;
  /** 1 where a position carries a target (every-step readouts), or null: all positions. */
  mask: Float64Array | null;
}

/** How well predictions did on a batch. */
export interface Evaluation {
  /** The task's test metric: MSE or mean cross-entropy in nats, lower is better. */
  metric: number;
  /** Task-specific measures behind `solved` (accuracy, worst absolute error, …). */
  extra: Record<string, number>;
  solved: boolean;
}

/** A held-out split of a text. */
export type Split = "validation" | "test";

/** A held-out split read as N streams: its chunks in order, the hidden state carried from each to the next. */
export interface HeldOutStreams {
  chunks: number;
  /** Chunk k of streams [from, to) (default all N). */
  chunk(k: number, from?: number, to?: number): Batch;
}

/**
 * A text read as contiguous streams, as char-rnn batches it: a training step reads the next chunk of each stream
 * and starts from the hidden state the previous chunk left (zeros at the start of every pass).
 */
export interface TextStreams {
  /** Training steps in one pass over the training split at N streams. */
  chunksPerEpoch(N: number): number;
  /** Step `step`'s batch: chunk (step mod chunksPerEpoch(N)) of each of N streams. */
  trainBatch(step: number, N: number): Batch;
  /** A held-out split read as N streams. */
  heldOut(split: Split, N: number): HeldOutStreams;
}

/** A long-memory task: sequences from a seeded RNG, its metric, baseline and criterion for solved. */
export interface Task {
  readonly name: TaskName | "charlm";
  readonly T: number;
  readonly inputSize: number;
  readonly outputSize: number;
  readonly loss: "mse" | "ce";
  readonly readout: "last" | "every";
  readonly metricName: string;
  /** The trivial predictor's expected test metric, and how it is derived. */
  readonly baseline: number;
  readonly baselineFormula: string;
  readonly criterion: string;
  /** True where nothing is ever solved: the task is judged by its metric alone (a language model). */
  readonly metricOnly?: boolean;
  /** Test measures (`evaluate`'s extra) a summary reports beside the metric, each with its name in words. */
  readonly reported?: Readonly<Record<string, string>>;
  /** Sequence length actually fed to the network (copy: T + 20). */
  readonly length: number;
  /** N fresh sequences and their targets. */
  sample(rng: Rng, N: number): Batch;
  /** Scores predictions (N×O, or N×len×C logits) against a batch. */
  evaluate(prediction: Tensor, batch: Batch): Evaluation;
  /** The criterion, from the measures `evaluate` returns: a stored run's `solved` is recomputed, not trusted. */
  solvedBy(e: Omit<Evaluation, "solved">): boolean;
  /** The trivial predictor's output for a batch, for the empirical baseline check. */
  trivialPrediction(batch: Batch): Tensor;
  /** A task read from a text: training and held-out splits are streams of it, not seeded draws. */
  readonly streams?: TextStreams;
  /** The text such a task reads: its SHA-256 (UTF-8), its length in characters and its split. */
  readonly text?: { sha256: string; characters: number; split: number[] };
}

/** Which task and its length T. */
export interface TaskConfig {
  name: TaskName;
  T: number;
}

export function checkTaskConfig(c: unknown, what = "task"): TaskConfig {
  if (typeof c !== "object" || c === null) fail(what, "{name, T}", c);
  checkKeys(what, c, ["name", "T"]);
  const { name, T } = c as TaskConfig;
  if (!TASK_NAMES.includes(name)) fail(`${what}.name`, `one of ${TASK_NAMES.join(", ")}`, name);
  const minT = name === "temporal_order" ? 20 : name === "adding_hs97" ? 20 : 2;
  if (!Number.isInteger(T) || T < minT)
    throw new GatescopeError(`${what}.T: expected an integer ≥ ${minT} for ${name}, got ${JSON.stringify(T)}`);
  return { name, T };
}

/** The index of the largest of C scores starting at data[offset]: a classifier's answer. */
export function argmaxAt(data: ArrayLike<number>, offset: number, C: number): number {
  let best = 0;
  for (let c = 1; c < C; c++) if (data[offset + c] > data[offset + best]) best = c;
  return best;
}
