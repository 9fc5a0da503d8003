/**
 * What a training run is told, checked before it starts, and what it records: the config with
 * its defaults, and the step, evaluation and gradient-flow records a run's history holds.
 */
import { checkKeys, fail } from "../errors";
import { nonNegativeInt, oneOf, positiveInt } from "../checks";
import { checkClip, type ClipConfig } from "../optim/clip";
import { checkOptimizerConfig, type OptimizerConfig } from "../optim/optimizer";
import { checkSchedule, type ScheduleConfig } from "../optim/schedule";
import type { FlowSummary } from "../probe/gradient-flow";

/** Steps, batch, optimizer, clipping, evaluation and stopping. */
export interface TrainConfig {
  steps: number;
  batchSize: number;
  optimizer: OptimizerConfig;
  /** Default constant. */
  schedule?: ScheduleConfig;
  /** Default none. */
  clip?: ClipConfig | null;
  /** Evaluate on the validation set every k steps (and at step 0 and at the end). Default steps/20. */
  evalEvery?: number;
  /** Test-set size. Default 1000. */
  testSize?: number;
  /** Validation-set size. Default: the test-set size. */
  validationSize?: number;
  /** Which weights the run ends with and reports: lowest validation metric ("best", default) or the last. */
  select?: "best" | "last";
  /**
   * Train on a fixed set of `size` sequences (Arjovsky et al. 2016 used 10^5), minibatches drawn
   * with replacement; its sequences come from their own streams named by `seed`. Default: a
   * fresh sequence every time.
   */
  trainSet?: { size: number; seed: number };
  /** Stop at the first evaluation where the task counts as solved. Default false. */
  earlyStop?: boolean;
  /** Stop once this many evaluations in a row have not improved on the best validation metric. Default: never. */
  patience?: number;
  /** Truncated BPTT window (0 = full). */
  truncate?: number;
  /** Steps at which to record ‖∂L/∂h_t‖ on a fixed probe batch, before that step's update. */
  gradFlowAt?: number[];
  /**
   * Write a resumable checkpoint every `every` steps. A `stamp` (say, the backend and library version) must match
   * too for a checkpoint to resume: numbers from different code are never mixed in one run.
   */
  checkpoint?: { path: string; every: number; stamp?: string };
}

/** One optimizer step. */
export interface StepRecord {
  step: number;
  loss: number;
  lr: number;
  gradNorm: number;
  gradNormClipped: number;
  clipped: boolean;
  /** Per-parameter gradient norms (before clipping). */
  paramGradNorms: Record<string, number>;
  wallMs: number;
}

/** One validation evaluation. */
export interface EvalRecord {
  step: number;
  metric: number;
  extra: Record<string, number>;
  solved: boolean;
}

/** ‖∂L/∂h_t‖ along t at one point of training. */
export interface GradFlowRecord {
  step: number;
  /** ‖∂L/∂h_t‖, t = 1..T, top layer, over the probe batch. */
  norms: number[];
  summary: FlowSummary;
}

/** Everything training recorded. */
export interface History {
  steps: StepRecord[];
  evals: EvalRecord[];
  gradFlow: GradFlowRecord[];
}




export type CheckedTrainConfig = Required<Omit<TrainConfig, "checkpoint" | "trainSet" | "patience">> &
  Pick<TrainConfig, "checkpoint" | "trainSet" | "patience">;

const TRAIN_KEYS = [
  "steps",
  "batchSize",
  "optimizer",
  "schedule",
  "clip",
  "evalEvery",
  "testSize",
  "validationSize",
  "select",
  "trainSet",
  "earlyStop",
  "patience",
  "truncate",
  "gradFlowAt",
  "checkpoint",
];

/**
 * The sizes `checkTrainConfig` fills in when a config leaves them out: one source for everyone who
 * reports or estimates a config (the writeup, the deviations table, the dry run).
 */
export function trainDefaults(c: Pick<TrainConfig, "steps" | "evalEvery" | "testSize" | "validationSize">): {
  evalEvery: number;
  testSize: number;
  validationSize: number;
} {
  return {
    evalEvery: c.evalEvery ?? Math.max(1, Math.floor(c.steps / 20)),
    testSize: c.testSize ?? 1000,
    validationSize: c.validationSize ?? c.testSize ?? 1000,
  };
}

export function checkTrainConfig(c: TrainConfig): CheckedTrainConfig {
  if (typeof c !== "object" || c === null) fail("train config", "an object", c);
  checkKeys("train config", c, TRAIN_KEYS);
  checkKeys("train config.trainSet", c.trainSet, ["size", "seed"]);
  checkKeys("train config.checkpoint", c.checkpoint, ["path", "every", "stamp"]);
  if (c.earlyStop !== undefined && typeof c.earlyStop !== "boolean")
    fail("train config.earlyStop", "a boolean", c.earlyStop);
  const posInt = (v: unknown, what: string) => positiveInt(v, `train config.${what}`);
  posInt(c.steps, "steps");
  posInt(c.batchSize, "batchSize");
  if (c.evalEvery !== undefined) posInt(c.evalEvery, "evalEvery");
  if (c.testSize !== undefined) posInt(c.testSize, "testSize");
  if (c.validationSize !== undefined) posInt(c.validationSize, "validationSize");
  if (c.select !== undefined) oneOf(c.select, ["best", "last"], "train config.select");
  if (c.trainSet !== undefined) {
    // checkKeys above has refused a trainSet that is not an object
    posInt(c.trainSet.size, "trainSet.size");
    if (!Number.isSafeInteger(c.trainSet.seed) || c.trainSet.seed < 0)
      fail("train config.trainSet.seed", "a non-negative integer", c.trainSet.seed);
  }
  if (c.truncate !== undefined) nonNegativeInt(c.truncate, "train config.truncate");
  if (c.patience !== undefined) posInt(c.patience, "patience");
  if (
    c.gradFlowAt !== undefined &&
    (!Array.isArray(c.gradFlowAt) || !c.gradFlowAt.every((s) => Number.isInteger(s) && s >= 0))
  ) {
    fail("train config.gradFlowAt", "an array of step indices ≥ 0", c.gradFlowAt);
  }
  if (c.checkpoint !== undefined) {
    if (typeof c.checkpoint.path !== "string") fail("train config.checkpoint.path", "a file path", c.checkpoint.path);
    posInt(c.checkpoint.every, "checkpoint.every");
    if (c.checkpoint.stamp !== undefined && typeof c.checkpoint.stamp !== "string")
      fail("train config.checkpoint.stamp", "a string", c.checkpoint.stamp);
  }
  return {
    steps: c.steps,
    batchSize: c.batchSize,
    optimizer: checkOptimizerConfig(c.optimizer),
    schedule: checkSchedule(c.schedule ?? { kind: "constant" }),
    clip: c.clip ? checkClip(c.clip) : null,
    ...trainDefaults(c),
    select: c.select ?? "best",
    trainSet: c.trainSet,
    earlyStop: c.earlyStop ?? false,
    ...(c.patience === undefined ? {} : { patience: c.patience }),
    truncate: c.truncate ?? 0,
    gradFlowAt: c.gradFlowAt ?? [],
    checkpoint: c.checkpoint,
  };
}
