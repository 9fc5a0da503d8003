/**
 * Resumable training checkpoints: weights, optimizer state, RNG state, step and history, as
 * exact JSON (atomic write). A checkpoint only resumes the run that wrote it: model, task and
 * training config must match, so a resumed run equals an uninterrupted one bit for bit.
 */
import * as fs from "fs";
import { GatescopeError, fail } from "../errors";
import type { Tensor } from "../math/tensor";
import type { OptimizerState } from "../optim/optimizer";
import type { SequenceModel } from "../model/sequence-model";
import type { Task } from "../tasks";
import { writeFileAtomic } from "../io/atomic";
import { decodeTensors, encodeTensors } from "../io/tensor-json";
import { checkTrainConfig, type CheckedTrainConfig, type History, type TrainConfig } from "./config";

const CKPT_FORMAT = "gatescope.train-checkpoint";

export interface CheckpointContents {
  step: number;
  params: Record<string, Tensor>;
  optimizer: OptimizerState;
  rng: number[];
  history: History;
  /** The weights with the lowest validation metric so far, for selection (null before any evaluation). */
  best: { step: number; metric: number; params: Record<string, Tensor> } | null;
  /** Wall time the run had taken when this was written, in milliseconds, over every piece it ran in. */
  elapsedMs: number;
  /** The process CPU time it had taken, likewise. */
  cpuMs: number;
}

/** What must match for a checkpoint to be resumed: everything but steps and checkpointing itself, and the stamp. */
function identity(model: SequenceModel, task: Task, c: CheckedTrainConfig) {
  const { steps: _s, checkpoint, ...rest } = c;
  const stamp = checkpoint?.stamp === undefined ? {} : { stamp: checkpoint.stamp };
  const which = { name: task.name, T: task.T };
  return JSON.parse(JSON.stringify({ model: model.config, task: which, train: rest, ...stamp }));
}

export function writeTrainCheckpoint(
  path: string,
  k: CheckpointContents & { model: SequenceModel; task: Task; config: CheckedTrainConfig },
): void {
  writeFileAtomic(
    path,
    JSON.stringify({
      format: CKPT_FORMAT,
      version: 1,
      identity: identity(k.model, k.task, k.config),
      step: k.step,
      rng: k.rng,
      optimizer: k.optimizer,
      params: encodeTensors(k.params),
      history: k.history,
      elapsedMs: k.elapsedMs,
      cpuMs: k.cpuMs,
      best: k.best && { step: k.best.step, metric: k.best.metric, params: encodeTensors(k.best.params) },
    }),
  );
}

/** Why the checkpoint at `path` cannot resume this run (another config or stamp, damaged), or null when it can. */
export function resumeProblem(path: string, model: SequenceModel, task: Task, config: TrainConfig): string | null {
  try {
    readTrainCheckpoint(path, model, task, checkTrainConfig(config));
    return null;
  } catch (err) {
    if (err instanceof GatescopeError) return err.message;
    throw err;
  }
}

export function readTrainCheckpoint(
  path: string,
  model: SequenceModel,
  task: Task,
  c: CheckedTrainConfig,
): CheckpointContents {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(fs.readFileSync(path, "utf8"));
  } catch (err) {
    throw new GatescopeError(`training checkpoint ${path}: expected readable JSON, got ${(err as Error).message}`);
  }
  if (doc.format !== CKPT_FORMAT || doc.version !== 1)
    fail(`training checkpoint ${path}`, `format "${CKPT_FORMAT}" version 1`, `${doc.format} ${doc.version}`);
  const want = JSON.stringify(identity(model, task, c));
  if (JSON.stringify(doc.identity) !== want) {
    throw new GatescopeError(
      `training checkpoint ${path}: expected the same model, task and training config as this run, got a different one`,
    );
  }
  const live = model.params();
  const decode = (raw: unknown, what: string) => decodeTensors(raw, `training checkpoint ${path} ${what}`, live);
  const params = decode(doc.params, "params");
  const h = doc.history as History;
  if (!h || !Array.isArray(h.steps) || !Array.isArray(h.evals) || !Array.isArray(h.gradFlow)) {
    fail(`training checkpoint ${path} history`, "{steps, evals, gradFlow} arrays", h);
  }
  if (!Number.isInteger(doc.step) || (doc.step as number) < 0 || (doc.step as number) > c.steps)
    fail(`training checkpoint ${path} step`, `an integer in [0, ${c.steps}]`, doc.step);
  const b = doc.best as { step: number; metric: number; params: unknown } | null | undefined;
  if (b !== null && (typeof b !== "object" || !Number.isInteger(b.step) || typeof b.metric !== "number")) {
    fail(`training checkpoint ${path} best`, "null or {step, metric, params}", b);
  }
  const best = b ? { step: b.step, metric: b.metric, params: decode(b.params, "best.params") } : null;
  // Checkpoints from before a time was recorded resume with the earlier pieces' time unknown: counted as 0.
  const time = (k: "elapsedMs" | "cpuMs"): number => {
    const ms = doc[k] ?? 0;
    if (typeof ms !== "number" || !(ms >= 0)) fail(`training checkpoint ${path} ${k}`, "a number ≥ 0", ms);
    return ms;
  };
  return {
    step: doc.step as number,
    params,
    optimizer: doc.optimizer as OptimizerState,
    rng: doc.rng as number[],
    history: doc.history as History,
    best,
    elapsedMs: time("elapsedMs"),
    cpuMs: time("cpuMs"),
  };
}
