/** One experiment run, start to finish, deterministic from its seed. */
import { Rng } from "../math/rng";
import { SequenceModel } from "../model/sequence-model";
import { makeTask, testSet } from "../tasks";
import { probeGradientFlow, train, type TrainCallbacks } from "../train/train";
import type { RunSpec } from "./spec";

export interface RunResult {
  id: string;
  task: string;
  T: number;
  cell: string;
  seed: number;
  hidden: number;
  /** Steps actually trained (fewer than configured after an early stop or a non-finite stop). */
  steps: number;
  final_test_metric: number;
  baseline: number;
  solved: boolean;
  /** First evaluated step at which the success criterion held, or null. */
  solved_at: number | null;
  stopped: string;
  message: string;
  /** ‖∂L/∂h_t‖, t = 1..T, at the recorded steps (the first is at initialisation). */
  grad_flow: Array<{ step: number; norms: number[]; decades_per_step: number; first_over_last: number }>;
  /** Test metric at every evaluation: the learning curve. */
  evals: Array<{ step: number; metric: number; extra: Record<string, number> }>;
  /** Training loss and global gradient norm (before/after clipping), thinned to ≤ 200 points. */
  curve: Array<{ step: number; loss: number; grad_norm: number; grad_norm_clipped: number }>;
  /** Per-parameter gradient norms, thinned like `curve`. */
  param_grad_norms: Record<string, number[]>;
  wall_s: number;
}

export async function runOne(spec: RunSpec, onProgress?: (step: number, steps: number) => void): Promise<RunResult> {
  const t0 = Date.now();
  const task = makeTask(spec.task);
  const rng = new Rng(spec.seed);
  const model = new SequenceModel({ rnn: { ...spec.rnn, inputSize: task.inputSize }, outputSize: task.outputSize, readout: task.readout }, rng);
  const steps = spec.train.steps;
  const callbacks: TrainCallbacks = { onEval: (e) => onProgress?.(e.step, steps) };
  const r = await train(model, task, { ...spec.train, gradFlowAt: [0, steps, ...(spec.train.gradFlowAt ?? [])] }, rng, { callbacks });
  if (!r.history.gradFlow.some((g) => g.step === r.stepsDone)) {
    // An early stop ends before the configured last step: profile the trained model there too.
    r.history.gradFlow.push({ step: r.stepsDone, ...probeGradientFlow(model, task, testSet(task, 128)) });
  }
  const every = Math.max(1, Math.ceil(r.history.steps.length / 200));
  const thin = r.history.steps.filter((_, i) => i % every === 0 || i === r.history.steps.length - 1);
  const param_grad_norms: Record<string, number[]> = {};
  for (const s of thin) for (const [k, v] of Object.entries(s.paramGradNorms)) (param_grad_norms[k] ??= []).push(v);
  return {
    id: spec.id, task: spec.task.name, T: spec.task.T, cell: spec.cell, seed: spec.seed, hidden: spec.hidden,
    steps: r.stepsDone, final_test_metric: r.final.metric, baseline: task.baseline, solved: r.solvedAt !== null,
    solved_at: r.solvedAt, stopped: r.stopped, message: r.message,
    grad_flow: r.history.gradFlow.sort((a, b) => a.step - b.step).map((g) => ({ step: g.step, norms: g.norms, decades_per_step: g.summary.decadesPerStep, first_over_last: g.summary.firstOverLast })),
    evals: r.history.evals.map((e) => ({ step: e.step, metric: e.metric, extra: e.extra })),
    curve: thin.map((s) => ({ step: s.step, loss: s.loss, grad_norm: s.gradNorm, grad_norm_clipped: s.gradNormClipped })),
    param_grad_norms,
    wall_s: (Date.now() - t0) / 1000,
  };
}
