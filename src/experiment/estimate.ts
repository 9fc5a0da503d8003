/**
 * What an experiment will cost before it runs: each distinct model × task × batch is built and
 * timed for a few real training steps on this machine (after three warm-up steps: the first
 * ones pay for compiling and for growing buffers, measured 2–7× a settled step). A step's cost
 * is the median of the timed steps, each timed alone: a mean of three moved the `headline`
 * bound between 41 and 50 CPU-hours as other work came and went on a 2-core machine, and one
 * pre-empted step should not move it. A run's
 * CPU time is bounded by its step limit times that step, plus its evaluations (a forward pass
 * is about a third of a training step). Early stopping makes real runs shorter; the bound is
 * what a scheduler's time limit must allow. Where finished runs of the same row (task, T, cell and
 * step limit) record how far early stopping let them go, the median of their steps gives an
 * expected time beside the bound.
 */
import { defaultKernels, setThreads } from "../backend";
import { Rng } from "../math/rng";
import { shapedBatch, taskFacts } from "./task-of";
import { trainDefaults } from "../train/config";
import { median } from "./stats";
import { modelFor } from "./run";
import type { RunSpec } from "./spec";

export interface RunEstimate {
  id: string;
  step_ms: number;
  /** Upper bound: every step of the step limit, every evaluation. */
  cpu_s: number;
  /** At the median steps of the row's finished runs (null: none has finished). */
  expected_s: number | null;
  /** How many finished runs of the row the expectation reads. */
  record: number;
}

/** A finished run, as the expectation reads it: its spec (row and step limit) and how many steps it ran. */
export interface FinishedRun {
  spec: RunSpec;
  steps: number;
}

/** The median of `n` calls of `step`, each timed alone (`clock` in ms, injectable for tests). */
export function medianStepMs(step: () => void, n: number, clock = () => performance.now()): number {
  return median(
    Array.from({ length: n }, () => {
      const t0 = clock();
      step();
      return clock() - t0;
    }),
  );
}

/**
 * Estimates each run's CPU time still to spend, bounded and (with `finished` runs of its row) expected;
 * `timedSteps` per model; a run checkpointed at step k (`from`, by id) has only the steps after k left.
 */
export function estimateRuns(
  runs: RunSpec[],
  timedSteps = 5,
  finished: readonly FinishedRun[] = [],
  from: ReadonlyMap<string, number> = new Map(),
): RunEstimate[] {
  // One thread: what a run costs a core (a second thread saves wall time, not CPU time).
  const threads = defaultKernels().threads ?? 1;
  setThreads(1);
  try {
    return estimate(runs, timedSteps, finished, from);
  } finally {
    setThreads(threads);
  }
}

const rowOf = (r: RunSpec) => JSON.stringify([r.task, r.cell, r.train.steps, r.train.earlyStop ?? false]);

function estimate(
  runs: RunSpec[],
  timedSteps: number,
  finished: readonly FinishedRun[],
  from: ReadonlyMap<string, number>,
): RunEstimate[] {
  const record = new Map<string, number[]>();
  for (const f of finished) {
    const steps = record.get(rowOf(f.spec)) ?? [];
    record.set(rowOf(f.spec), [...steps, f.steps]);
  }
  const stepMs = new Map<string, number>();
  return runs.map((run) => {
    const key = JSON.stringify([run.rnn, run.task, run.train.batchSize]);
    if (!stepMs.has(key)) {
      const rng = new Rng(run.seed);
      const model = modelFor(run, rng);
      const batch = shapedBatch(run.task, rng, run.train.batchSize);
      const step = () => model.lossAndGrads(batch.x, batch, taskFacts(run.task).loss);
      for (let i = 0; i < 3; i++) step();
      stepMs.set(key, medianStepMs(step, timedSteps));
    }
    const ms = stepMs.get(key)!;
    const steps = record.get(rowOf(run)) ?? [];
    const at = from.get(run.id) ?? 0;
    const expected = steps.length ? cpuSeconds(run, Math.max(0, median(steps) - at), ms) : null;
    const bound = cpuSeconds(run, run.train.steps - at, ms);
    return { id: run.id, step_ms: ms, cpu_s: bound, expected_s: expected, record: steps.length };
  });
}

/** A run's CPU seconds at `steps` steps of `ms` each, with its evaluations (a forward pass ≈ a third of a step). */
function cpuSeconds(run: RunSpec, steps: number, ms: number): number {
  const d = trainDefaults(run.train);
  const evals = Math.ceil(steps / d.evalEvery) + 1;
  const evalSequences = evals * d.validationSize + d.testSize;
  return (steps * ms + (evalSequences / run.train.batchSize) * (ms / 3)) / 1000;
}

export function formatDuration(s: number): string {
  if (s < 90) return `${s.toFixed(0)} s`;
  if (s < 5400) return `${(s / 60).toFixed(0)} min`;
  if (s < 48 * 3600) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86400).toFixed(1)} days`;
}
