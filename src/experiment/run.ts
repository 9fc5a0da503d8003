/**
 * One experiment run, start to finish, deterministic from its seed. Training decisions read the
 * validation set; the test metric is measured once, for the weights validation selected.
 */
import * as fs from "fs";
import { Rng } from "../math/rng";
import { SequenceModel } from "../model/sequence-model";
import { probeBatch, type CharLMTask } from "../tasks";
import { saveModel } from "../io/model-file";
import { shapeOf, taskOf } from "./task-of";
import { openCheckpoint } from "../train/checkpoint";
import type { TrainConfig } from "../train/config";
import { probeGradientFlow, train, type StopSignal, type TrainCallbacks } from "../train/train";
import { lrOf, type RunSpec } from "./spec";

/** One finished run, as a run file and `results.json` store it. */
export interface RunResult {
  id: string;
  task: string;
  T: number;
  cell: string;
  seed: number;
  hidden: number;
  /** Trainable parameters of the recurrent stack and the readout (null in upgraded version-1 files). */
  params: number | null;
  lr: number;
  /** Steps actually trained (fewer than configured after an early stop or a non-finite stop). */
  steps: number;
  /** Validation metric of the selected weights. */
  final_val_metric: number;
  /** Test metric of the selected weights: the one number reported. */
  final_test_metric: number;
  /** The task's other test measures for the selected weights (accuracy, which input is remembered, …). */
  final_test_extra: Record<string, number>;
  selected_by: "validation" | "test (schema v1: no validation set)";
  /** The step whose weights were selected. */
  selected_step: number;
  baseline: number;
  /** The selected weights meet the task's criterion on the test set. */
  solved: boolean;
  /** First evaluated step at which the criterion held on the validation set, or null. */
  solved_at: number | null;
  stopped: string;
  message: string;
  /** ‖∂L/∂h_t‖, t = 1..T, at the recorded steps (the first is at initialisation). */
  grad_flow: Array<{ step: number; norms: number[]; decades_per_step: number; first_over_last: number }>;
  /** Validation metric at every evaluation: the learning curve. */
  evals: Array<{ step: number; metric: number; extra: Record<string, number> }>;
  /** Training loss and global gradient norm (before/after clipping), thinned to ≤ 200 points. */
  curve: Array<{ step: number; loss: number; grad_norm: number; grad_norm_clipped: number }>;
  /** Per-parameter gradient norms, thinned like `curve`. */
  param_grad_norms: Record<string, number[]>;
  wall_s: number;
  /** CPU seconds, over every piece (train/clock.ts says whose); null where not measured or not yet recorded. */
  cpu_s: number | null;
}

/** How a run is run: progress, where it checkpoints, whose CPU time it counts, and a signal that stops it. */
export interface RunOptions {
  /** At every evaluation: the step reached and the run's budget. */
  onProgress?: (step: number, steps: number) => void;
  /** Where the run checkpoints, and resumes from when the checkpoint there is its own. */
  checkpoint?: TrainConfig["checkpoint"];
  /** Whose CPU time `cpu_s` counts, in milliseconds (default: this process's; train/clock.ts). */
  cpuClock?: () => number;
  /** Aborted (SIGTERM, SIGINT): the run writes a checkpoint at the step it is on and stops with an error. */
  signal?: StopSignal;
  /** Where to write the selected weights (io/model-file.ts), and how the file says they were made. */
  weights?: { path: string; source: string };
  /** A checkpoint there that cannot resume this run (another spec, damaged): why, as the run starts over. */
  onRestart?: (reason: string) => void;
}

/** A run's model, its sizes from the task, drawn from `rng` (the run's own stream). */
export function modelFor(spec: RunSpec, rng: Rng): SequenceModel {
  const { readoutInit, readoutKernels } = spec;
  const readout = {
    ...(readoutInit ? { readoutInit } : {}),
    ...(readoutKernels ? { readoutKernels } : {}),
  };
  const { inputSize, outputSize, readout: where } = shapeOf(spec.task);
  return new SequenceModel({ rnn: { ...spec.rnn, inputSize }, outputSize, readout: where, ...readout }, rng);
}

/**
 * Trains one run and measures it (gradient flow, curves, test score of the selected weights). With a `checkpoint`,
 * it writes one as it goes and resumes from the one there if that was made by this run (same spec and stamp), so
 * a run stopped mid-way loses at most `every` steps and ends with the numbers of an uninterrupted run.
 */
export async function runOne(spec: RunSpec, how: RunOptions = {}): Promise<RunResult> {
  const { onProgress, checkpoint, cpuClock, signal, weights, onRestart } = how;
  const t0 = Date.now();
  const task = taskOf(spec.task);
  const rng = new Rng(spec.seed);
  const model = modelFor(spec, rng);
  const steps = spec.train.steps;
  const callbacks: TrainCallbacks = { onEval: (e) => onProgress?.(e.step, steps) };
  const config: TrainConfig = { ...spec.train, gradFlowAt: [0, steps, ...(spec.train.gradFlowAt ?? [])], checkpoint };
  // A checkpoint of another spec or stamp, or a damaged one, is not resumed: the run starts over and replaces it.
  const there = checkpoint && fs.existsSync(checkpoint.path);
  const opened = there ? openCheckpoint(checkpoint.path, model, task, config) : null;
  if (opened?.problem) onRestart?.(opened.problem);
  const piece = Date.now();
  const resumeFrom = opened?.contents ?? undefined;
  const r = await train(model, task, config, rng, { callbacks, resumeFrom, cpuClock, signal });
  const earlierPieces = r.elapsedMs - (Date.now() - piece);
  if (!r.history.gradFlow.some((g) => g.step === r.selected.step)) {
    // The model now holds the selected weights (an early stop's, or the best on validation): profile them too.
    r.history.gradFlow.push({ step: r.selected.step, ...probeGradientFlow(model, task, probeBatch(task, 128)) });
  }
  if (weights) {
    const vocabulary = "vocabulary" in task ? (task as CharLMTask).vocabulary : undefined;
    saveModel(model, weights.path, { vocabulary: vocabulary && [...vocabulary], source: weights.source });
  }
  const every = Math.max(1, Math.ceil(r.history.steps.length / 200));
  const thin = r.history.steps.filter((_, i) => i % every === 0 || i === r.history.steps.length - 1);
  const param_grad_norms: Record<string, number[]> = {};
  for (const s of thin) for (const [k, v] of Object.entries(s.paramGradNorms)) (param_grad_norms[k] ??= []).push(v);
  return {
    id: spec.id,
    task: spec.task.name,
    T: spec.task.T,
    cell: spec.cell,
    seed: spec.seed,
    hidden: spec.rnn.hiddenSize,
    params: Object.values(model.params()).reduce((s, t) => s + t.data.length, 0),
    lr: lrOf(spec),
    steps: r.stepsDone,
    final_val_metric: r.selected.validation.metric,
    final_test_metric: r.selected.test.metric,
    final_test_extra: r.selected.test.extra,
    selected_by: "validation",
    selected_step: r.selected.step,
    baseline: task.baseline,
    solved: r.selected.test.solved,
    solved_at: r.solvedAt,
    stopped: r.stopped,
    message: r.message,
    grad_flow: r.history.gradFlow
      .sort((a, b) => a.step - b.step)
      .map((g) => ({
        step: g.step,
        norms: g.norms,
        decades_per_step: g.summary.decadesPerStep,
        first_over_last: g.summary.firstOverLast,
      })),
    evals: r.history.evals.map((e) => ({ step: e.step, metric: e.metric, extra: e.extra })),
    curve: thin.map((s) => ({
      step: s.step,
      loss: s.loss,
      grad_norm: s.gradNorm,
      grad_norm_clipped: s.gradNormClipped,
    })),
    param_grad_norms,
    wall_s: (Date.now() - t0 + earlierPieces) / 1000,
    cpu_s: Number.isFinite(r.cpuMs) ? r.cpuMs / 1000 : null,
  };
}
