/**
 * What an experiment will cost before it runs: each distinct model × task × batch is built and
 * timed for a few real training steps on this machine (after three warm-up steps: the first
 * ones pay for compiling and for growing buffers, measured 2–7× a settled step). A step's cost
 * is the median of the timed steps, each timed alone: a mean of three moved the `headline`
 * bound between 41 and 50 CPU-hours as other work came and went on a 2-core machine, and one
 * pre-empted step should not move it. A run's
 * CPU time is bounded by its step limit times that step, plus its evaluations (a forward pass
 * is about a third of a training step). Early stopping makes real runs shorter; the bound is
 * what a scheduler's time limit must allow.
 */
import { defaultKernels, setThreads } from "../backend";
import { Rng } from "../math/rng";
import { SequenceModel } from "../model/sequence-model";
import { makeTask } from "../tasks";
import { trainDefaults } from "../train/config";
import type { RunSpec } from "./spec";

export interface RunEstimate {
  id: string;
  step_ms: number;
  /** Upper bound: every step of the step limit, every evaluation. */
  cpu_s: number;
}

/** The median of `n` calls of `step`, each timed alone (`clock` in ms, injectable for tests). */
export function medianStepMs(step: () => void, n: number, clock = () => performance.now()): number {
  const ms = Array.from({ length: n }, () => {
    const t0 = clock();
    step();
    return clock() - t0;
  }).sort((a, b) => a - b);
  return n % 2 ? ms[(n - 1) / 2] : (ms[n / 2 - 1] + ms[n / 2]) / 2;
}

export function estimateRuns(runs: RunSpec[], timedSteps = 5): RunEstimate[] {
  // One thread: what a run costs a core (a second thread saves wall time, not CPU time).
  const threads = defaultKernels().threads ?? 1;
  setThreads(1);
  try {
    return estimate(runs, timedSteps);
  } finally {
    setThreads(threads);
  }
}

function estimate(runs: RunSpec[], timedSteps: number): RunEstimate[] {
  const stepMs = new Map<string, number>();
  return runs.map((run) => {
    const key = JSON.stringify([run.rnn, run.task, run.train.batchSize]);
    if (!stepMs.has(key)) {
      const task = makeTask(run.task);
      const rng = new Rng(run.seed);
      const model = new SequenceModel(
        { rnn: { ...run.rnn, inputSize: task.inputSize }, outputSize: task.outputSize, readout: task.readout },
        rng,
      );
      const batch = task.sample(rng, run.train.batchSize);
      const step = () => model.lossAndGrads(batch.x, batch, task.loss);
      for (let i = 0; i < 3; i++) step();
      stepMs.set(key, medianStepMs(step, timedSteps));
    }
    const ms = stepMs.get(key)!;
    const t = run.train;
    const d = trainDefaults(t);
    const evals = Math.ceil(t.steps / d.evalEvery) + 1;
    const evalSequences = evals * d.validationSize + d.testSize;
    const cpuMs = t.steps * ms + (evalSequences / t.batchSize) * (ms / 3);
    return { id: run.id, step_ms: ms, cpu_s: cpuMs / 1000 };
  });
}

export function formatDuration(s: number): string {
  if (s < 90) return `${s.toFixed(0)} s`;
  if (s < 5400) return `${(s / 60).toFixed(0)} min`;
  if (s < 48 * 3600) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86400).toFixed(1)} days`;
}
