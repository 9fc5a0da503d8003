/**
 * The training loop: batched BPTT on a task, with clipping before the optimizer, a learning-
 * rate schedule, evaluation on the task's fixed validation set, gradient-flow probes, early
 * stop on the task's success criterion or when validation stops improving, a NaN/Inf guard that
 * keeps the last good weights, and checkpoints from which a resumed run equals an uninterrupted
 * one bit for bit. A task read from a text (task.streams) trains on its streams chunk after chunk,
 * each step starting from the state the previous chunk left, and is scored over its whole held-out
 * splits the same way.
 * Selection never sees the test set: early stopping, "solved" and the choice of weights (the
 * evaluation with the lowest validation metric, or the last) read the validation set only; the
 * test set is scored once, at the end, for the selected weights, which the model then holds.
 * It is async and yields to the event loop after every step, so a notebook's live chart can
 * redraw while it runs (await it).
 */
import { checkKeys, GatescopeError } from "../errors";
import { Rng } from "../math/rng";
import { cloneTensor, type Tensor } from "../math/tensor";
import { clipGradients } from "../optim/clip";
import { Optimizer } from "../optim/optimizer";
import { learningRate } from "../optim/schedule";
import type { RecurrentState, SequenceModel } from "../model/sequence-model";
import { gradientNorms, summarizeFlow } from "../probe/gradient-flow";
import { probeBatch, sampleFixedSet, testSet, validationSet, type Batch, type Split, type Task } from "../tasks";
import { readTrainCheckpoint, startStepsLog, writeTrainCheckpoint, type CheckpointContents } from "./checkpoint";
import { processCpuMs } from "./clock";
import {
  checkTrainConfig,
  type EvalRecord,
  type GradFlowRecord,
  type History,
  type StepRecord,
  type TrainConfig,
} from "./config";

/** What training did and the selected weights' validation and test scores. */
export interface TrainResult {
  history: History;
  stepsDone: number;
  stopped: "steps" | "solved" | "patience" | "non-finite";
  message: string;
  /** First evaluated step at which the task counted as solved on the validation set, or null. */
  solvedAt: number | null;
  /** The last validation evaluation. */
  final: EvalRecord;
  /** The weights the model holds now: chosen on validation, then scored once on the test set. */
  selected: { step: number; validation: EvalRecord; test: Omit<EvalRecord, "step"> };
  /** Wall time of training in milliseconds, over every piece it ran in (a resumed run counts the earlier ones). */
  elapsedMs: number;
  /** This process's CPU time (user + system, every thread) over the same pieces, in milliseconds. */
  cpuMs: number;
}

/** Called as training goes, for live charts and progress lines. */
export interface TrainCallbacks {
  /** After every optimizer step. */
  onStep?(record: StepRecord, history: History): void;
  /** After every validation evaluation. */
  onEval?(record: EvalRecord, history: History): void;
}

/** Callbacks and resumption for `train`. */
export interface TrainOptions {
  callbacks?: TrainCallbacks;
  /** Continue from a checkpoint written by an earlier run of the same config: its path, or its contents opened. */
  resumeFrom?: string | CheckpointContents;
  /** The CPU clock the result's `cpuMs` reads, in milliseconds (default: this process's). */
  cpuClock?: () => number;
  /**
   * Once aborted (a SIGTERM, say), training stops after the step it is on, writes a checkpoint there if it
   * checkpoints, and throws a GatescopeError that says where; resuming from it gives the uninterrupted numbers.
   */
  signal?: StopSignal;
}

/** What training reads of an AbortSignal (typed structurally: tslab's compiler has no DOM or Node types). */
export interface StopSignal {
  readonly aborted: boolean;
  readonly reason?: unknown;
}

function firstNonFinite(tensors: Record<string, Tensor>): string | null {
  for (const [name, t] of Object.entries(tensors))
    for (let i = 0; i < t.data.length; i++) if (!Number.isFinite(t.data[i])) return `${name}[${i}] = ${t.data[i]}`;
  return null;
}

/** Each tensor of `from` into the same-named one of `to`, in place: weights kept, restored or selected. */
function copyInto(to: Record<string, Tensor>, from: Record<string, Tensor>): void {
  for (const [k, t] of Object.entries(from)) to[k].data.set(t.data);
}

function norm(t: Tensor): number {
  let s = 0;
  for (let i = 0; i < t.data.length; i++) s += t.data[i] * t.data[i];
  return Math.sqrt(s);
}

/** Scores the model on a batch with the task's metric (NaN, saying where, if the forward pass overflows). */
export function evaluate(
  model: SequenceModel,
  task: Task,
  batch: Batch,
  chunk = 256,
): Omit<EvalRecord, "step"> & { nonFinite?: string } {
  const N = batch.x.shape[0];
  const outs: Tensor[] = [];
  for (let a = 0; a < N; a += chunk) {
    const b = Math.min(N, a + chunk);
    const [, L, D] = batch.x.shape;
    const r = model.tryPredict({ shape: [b - a, L, D], data: batch.x.data.subarray(a * L * D, b * L * D) });
    if (r.nonFinite !== null) return { metric: NaN, extra: {}, solved: false, nonFinite: r.nonFinite };
    outs.push(r.prediction);
  }
  const shape = outs[0].shape.slice();
  shape[0] = N;
  const data = new Float64Array(outs.reduce((s, o) => s + o.data.length, 0));
  let off = 0;
  for (const o of outs) {
    data.set(o.data, off);
    off += o.data.length;
  }
  const e = task.evaluate({ shape, data }, batch);
  return { metric: e.metric, extra: e.extra, solved: e.solved };
}

/** A held-out score: the task's metric and measures, and where a forward pass stopped being finite, if it did. */
export type Score = Omit<EvalRecord, "step"> & { nonFinite?: string };

/**
 * Scores the model on a text's held-out split read as `N` streams, chunk after chunk with the state carried, in
 * groups of at most `group` streams: the mean of the task's metric and measures over every character read.
 */
export function evaluateStreams(model: SequenceModel, task: Task, split: Split, N: number, group = 256): Score {
  const held = task.streams!.heldOut(split, N);
  let count = 0;
  let metric = 0;
  const extra: Record<string, number> = {};
  for (let from = 0; from < N; from += group) {
    const to = Math.min(N, from + group);
    let state: RecurrentState | undefined;
    for (let k = 0; k < held.chunks; k++) {
      const batch = held.chunk(k, from, to);
      const r = model.tryPredict(batch.x, state);
      if (r.nonFinite !== null) return { metric: NaN, extra: {}, solved: false, nonFinite: r.nonFinite };
      state = r.state;
      const e = task.evaluate(r.prediction, batch);
      const w = batch.classes!.length;
      count += w;
      metric += e.metric * w;
      for (const [key, v] of Object.entries(e.extra)) extra[key] = (extra[key] ?? 0) + v * w;
    }
  }
  for (const key of Object.keys(extra)) extra[key] /= count;
  const mean = { metric: metric / count, extra };
  return { ...mean, solved: task.solvedBy(mean) };
}

/** What scores a model on a task's held-out split: its fixed sequences, or its text's split as streams. */
function scorer(task: Task, split: Split, size: number): (model: SequenceModel) => Score {
  if (task.streams) return (model) => evaluateStreams(model, task, split, size);
  const batch = split === "validation" ? validationSet(task, size) : testSet(task, size);
  return (model) => evaluate(model, task, batch);
}

/** ‖∂L/∂h_t‖ for t = 1..T on a fixed batch, with its summary. */
export function probeGradientFlow(model: SequenceModel, task: Task, batch: Batch): Omit<GradFlowRecord, "step"> {
  const r = model.lossAndGrads(batch.x, batch, task.loss);
  if (!r.backward)
    throw new GatescopeError(`gradient-flow probe: expected finite values on the probe batch, got: ${r.nonFinite}`);
  const norms = gradientNorms(r.backward.dh);
  return { norms, summary: summarizeFlow(norms) };
}

/**
 * Trains a model on a task, evaluating on the validation set and keeping the best weights; resumable from a checkpoint.
 */
export async function train(
  model: SequenceModel,
  task: Task,
  config: TrainConfig,
  rngIn: Rng,
  options: TrainOptions = {},
): Promise<TrainResult> {
  const c = checkTrainConfig(config);
  checkKeys("train options", options, ["callbacks", "resumeFrom", "cpuClock", "signal"]);
  const cpuNow = options.cpuClock ?? processCpuMs;
  checkKeys("train options.callbacks", options.callbacks, ["onStep", "onEval"]);
  if (
    model.readout !== task.readout ||
    model.head.outputSize !== task.outputSize ||
    model.rnn.config.inputSize !== task.inputSize
  ) {
    throw new GatescopeError(
      `train: expected a model with inputSize ${task.inputSize}, outputSize ${task.outputSize} and readout ` +
        `"${task.readout}" for ${task.name}, ` +
        `got inputSize ${model.rnn.config.inputSize}, outputSize ${model.head.outputSize}, readout "${model.readout}"`,
    );
  }
  const params = model.params();
  const optimizer = new Optimizer(c.optimizer, params);
  let rng = rngIn;
  let history: History = { steps: [], evals: [], gradFlow: [] };
  let start = 0;
  // A text's streams: the state the last chunk left, where the next chunk starts (undefined: zeros).
  const streams = task.streams;
  let carry: RecurrentState | undefined;
  // Wall time counts from the earliest piece: a resumed run's clock starts where the checkpoint's stopped.
  let began = Date.now();
  let cpuBegan = cpuNow();
  // The weights with the lowest validation metric so far (earliest on ties), for selection.
  const best = {
    step: -1,
    metric: Infinity,
    params: Object.fromEntries(Object.entries(params).map(([k, t]) => [k, cloneTensor(t)])),
  };
  if (options.resumeFrom) {
    // Everything in the checkpoint is checked before anything here changes: a bad part leaves the model as it was.
    const from = options.resumeFrom;
    const ck = typeof from === "string" ? readTrainCheckpoint(from, model, task, c) : from;
    rng = Rng.fromState(ck.rng);
    optimizer.loadState(ck.optimizer);
    model.setParams(ck.params);
    history = ck.history;
    start = ck.step;
    carry = ck.carry ?? undefined;
    began -= ck.elapsedMs;
    cpuBegan -= ck.cpuMs;
    if (ck.best) {
      best.step = ck.best.step;
      best.metric = ck.best.metric;
      copyInto(best.params, ck.best.params);
    }
  } else if (c.checkpoint) startStepsLog(c.checkpoint.path);
  const scoreValidation = scorer(task, "validation", c.validationSize);
  const probe = probeBatch(task, Math.min(c.validationSize, 128));
  const flowAt = new Set(c.gradFlowAt);
  /** Evaluates on the validation set and records it; `overflow` says where a non-finite forward pass broke. */
  const validate = (step: number): EvalRecord & { overflow: string | null } => {
    const { nonFinite, ...e } = scoreValidation(model);
    return { ...record({ step, ...e }), overflow: nonFinite ?? null };
  };
  const record = (e: EvalRecord) => {
    history.evals.push(e);
    if (e.metric < best.metric) {
      best.step = e.step;
      best.metric = e.metric;
      copyInto(best.params, params);
    }
    options.callbacks?.onEval?.(e, history);
    return e;
  };
  const done = (stopped: TrainResult["stopped"], message: string, stepsDone: number): TrainResult => {
    const last = history.evals[history.evals.length - 1];
    const final = last && last.step === stepsDone ? last : validate(stepsDone);
    if (Number.isFinite(final.metric) && flowAt.has(stepsDone) && !history.gradFlow.some((g) => g.step === stepsDone))
      history.gradFlow.push({ step: stepsDone, ...probeGradientFlow(model, task, probe) });
    const solved = history.evals.find((e) => e.solved);
    let chosen = final;
    if (c.select === "best" && best.step >= 0 && best.step !== final.step) {
      copyInto(params, best.params);
      chosen = history.evals.find((e) => e.step === best.step)!;
    }
    const { nonFinite: _overflow, ...test } = scorer(task, "test", c.testSize)(model);
    const selected = { step: chosen.step, validation: chosen, test };
    const [elapsedMs, cpuMs] = [Date.now() - began, cpuNow() - cpuBegan];
    const solvedAt = solved ? solved.step : null;
    return { history, stepsDone, stopped, message, solvedAt, final, selected, elapsedMs, cpuMs };
  };
  if (start === 0) {
    const e = validate(0);
    if (e.overflow) return done("non-finite", `stopped at initialisation: ${e.overflow}`, 0);
    if (c.earlyStop && e.solved) return done("solved", "solved at initialisation", 0);
  }
  // The weights before each update, so a non-finite update can be undone (one buffer, reused).
  const keep = Object.fromEntries(Object.entries(params).map(([k, t]) => [k, cloneTensor(t)]));
  /**
   * Step s: a batch, its loss and gradients, clipping, the update. Its record, or why training stops there (the
   * weights then those before the update that broke them).
   */
  const step = (s: number): StepRecord | string => {
    const t0 = Date.now();
    let batch: Batch;
    if (streams) {
      batch = streams.trainBatch(s, c.batchSize);
      if (s % streams.chunksPerEpoch(c.batchSize) === 0) carry = undefined; // every pass starts from zeros
    } else batch = c.trainSet ? sampleFixedSet(task, c.trainSet, rng, c.batchSize) : task.sample(rng, c.batchSize);
    const r = model.lossAndGrads(batch.x, batch, task.loss, c.truncate, carry);
    if (!r.grads) {
      // The last update left finite weights that no longer give a finite loss: go back to the ones before it.
      if (s > start) copyInto(params, keep);
      const which = s > start ? `restored to those before step ${s - 1}'s update` : "those before this step";
      return `stopped at step ${s}: ${r.nonFinite}; weights are ${which}`;
    }
    if (flowAt.has(s)) history.gradFlow.push({ step: s, ...probeGradientFlow(model, task, probe) });
    const badGrad = firstNonFinite(r.grads);
    if (badGrad) return `stopped at step ${s}: non-finite gradient ${badGrad}; weights are those before this step`;
    const paramGradNorms: Record<string, number> = {};
    for (const [name, g] of Object.entries(r.grads)) paramGradNorms[name] = norm(g);
    const clip = clipGradients(r.grads, c.clip);
    const lr = learningRate(c.optimizer.lr, c.schedule, s);
    copyInto(keep, params);
    optimizer.step(r.grads, lr);
    const badParam = firstNonFinite(params);
    if (badParam) {
      copyInto(params, keep);
      return (
        `stopped at step ${s}: the update made ${badParam} (learning rate ${lr} too high?); weights restored to ` +
        `those before this step`
      );
    }
    if (streams) carry = r.state;
    const { before: gradNorm, after: gradNormClipped, clipped } = clip;
    return { step: s, loss: r.loss, lr, gradNorm, gradNormClipped, clipped, paramGradNorms, wallMs: Date.now() - t0 };
  };
  /** The evaluation after `stepsDone` steps: how training ends there (non-finite, solved, out of patience), or null. */
  const evaluation = (stepsDone: number): TrainResult | null => {
    const e = validate(stepsDone);
    if (e.overflow) {
      copyInto(params, keep);
      const why = `on validation, ${e.overflow}; weights restored to those before step ${stepsDone - 1}'s update`;
      return done("non-finite", `stopped at step ${stepsDone}: ${why}`, stepsDone);
    }
    if (c.earlyStop && e.solved) return done("solved", `solved at step ${stepsDone}`, stepsDone);
    const since = history.evals.filter((r) => r.step > best.step).length;
    if (c.patience && since >= c.patience) {
      const why = `validation has not improved for ${since} evaluations (best at step ${best.step})`;
      return done("patience", `stopped at step ${stepsDone}: ${why}`, stepsDone);
    }
    return null;
  };
  const saveCheckpoint = (stepsDone: number) =>
    writeTrainCheckpoint(c.checkpoint!.path, {
      step: stepsDone,
      params,
      optimizer: optimizer.state(),
      rng: rng.state(),
      history,
      model,
      task,
      config: c,
      elapsedMs: Date.now() - began,
      cpuMs: cpuNow() - cpuBegan,
      best: best.step >= 0 ? { step: best.step, metric: best.metric, params: best.params } : null,
      carry: carry ?? null,
    });
  for (let s = start; s < c.steps; s++) {
    const rec = step(s);
    if (typeof rec === "string") return done("non-finite", rec, s);
    history.steps.push(rec);
    options.callbacks?.onStep?.(rec, history);
    const stepsDone = s + 1;
    const ended = stepsDone % c.evalEvery === 0 || stepsDone === c.steps ? evaluation(stepsDone) : null;
    if (ended) return ended;
    const stop = options.signal?.aborted;
    if (c.checkpoint && (stepsDone % c.checkpoint.every === 0 || stop)) saveCheckpoint(stepsDone);
    if (stop) {
      const kept = c.checkpoint ? `; its checkpoint at that step is ${c.checkpoint.path}` : " (no checkpoint kept)";
      const by = String(options.signal!.reason ?? "a signal");
      throw new GatescopeError(`training: stopped at step ${stepsDone} of ${c.steps} by ${by}${kept}`);
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  return done("steps", `ran all ${c.steps} steps`, c.steps);
}
