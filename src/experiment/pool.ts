/**
 * Runs an experiment's runs across the CPU cores with a Piscina worker pool (one run per
 * worker, no shared state, so each is exactly as deterministic as alone) or in-process with
 * jobs = 1, each run's model on one or two threads (identical results) so that runs × threads
 * never exceed the cores. Finished runs are stored one file each (atomic writes) and are not redone, and a run
 * in progress checkpoints as it goes: an interrupted experiment resumes where it stopped. The pool starts the
 * longest runs first (by their measured bound), so that no long run starts last and runs on alone.
 */
import * as os from "os";
import * as path from "path";
import { MessageChannel } from "worker_threads";
import { Piscina } from "piscina";
import { defaultKernels, setThreads, type Threads } from "../backend";
import { GatescopeError } from "../errors";
import { isBuiltIn } from "../cells";
import { estimateRuns } from "./estimate";
import { runOne, type RunResult } from "./run";
import { readRun, runCheckpoint, writeRun } from "./store";
import { StopFlag } from "./stop-flag";
import type { RunSpec } from "./spec";
import type { Job } from "./worker";

/** Where runs go, how many at once, and progress callbacks. */
export interface PoolOptions {
  dir: string;
  jobs: number;
  /** Threads per run; "auto": 2 where the runs going at once leave two cores each, else 1. */
  threads?: Threads;
  /** A run's training progress, as it goes. */
  onProgress?: (id: string, step: number, steps: number) => void;
  /** A finished run; `cached` when its run file was already there. */
  onDone?: (result: RunResult, cached: boolean) => void;
  /** Once set, every run going stops at the step it is on and writes its checkpoint there; none starts after. */
  stop?: StopFlag;
  /** A run whose checkpoint cannot resume it starts over: which, and why. */
  onRestart?: (id: string, reason: string) => void;
}

/** Runs what is not finished on a worker pool, keeping each finished run's file. */
export async function runAll(runs: RunSpec[], options: PoolOptions): Promise<RunResult[]> {
  const results = new Map<string, RunResult>();
  const todo: RunSpec[] = [];
  for (const spec of runs) {
    const hit = readRun(options.dir, spec);
    if (hit) {
      results.set(spec.id, hit);
      options.onDone?.(hit, true);
    } else todo.push(spec);
  }
  const finish = (spec: RunSpec, result: RunResult) => {
    writeRun(options.dir, spec, result);
    results.set(spec.id, result);
    options.onDone?.(result, false);
  };
  const own = todo.find((r) => !isBuiltIn(r.rnn.kind));
  if (own && options.jobs > 1 && todo.length > 1) {
    throw new GatescopeError(
      `runAll: expected jobs 1 for a cell kind registered in this process (worker threads start with the built-in ` +
        `kinds only), got jobs ${options.jobs} with kind "${own.rnn.kind}"`,
    );
  }
  const stop = options.stop ?? new StopFlag();
  const parallel = Math.max(1, Math.min(options.jobs, todo.length));
  const auto = 2 * parallel <= os.availableParallelism() ? 2 : 1;
  const threads = options.threads === undefined || options.threads === "auto" ? auto : options.threads;
  if (parallel === 1) {
    const before = defaultKernels().threads ?? 1;
    setThreads(threads);
    try {
      for (const spec of todo) {
        if (stop.reason) throw new GatescopeError(`${stop.reason}: stopped before ${spec.id} started`);
        const progress = (s: number, n: number) => options.onProgress?.(spec.id, s, n);
        const onRestart = (why: string) => options.onRestart?.(spec.id, why);
        const checkpoint = runCheckpoint(options.dir, spec);
        const how = { onProgress: progress, checkpoint, signal: stop.signal(), onRestart };
        finish(spec, await runOne(spec, how));
      }
    } finally {
      setThreads(before);
    }
  } else {
    const pool = new Piscina({
      filename: path.join(__dirname, "worker.js"),
      minThreads: options.jobs,
      maxThreads: options.jobs,
    });
    const bounds = new Map(estimateRuns(todo, 3).map((e) => [e.id, e.cpu_s]));
    const longestFirst = [...todo].sort((a, b) => bounds.get(b.id)! - bounds.get(a.id)!);
    try {
      // Every run settles before the pool goes: a stopped run's checkpoint is written before its worker ends.
      const settled = await Promise.allSettled(
        longestFirst.map(async (spec) => {
          const { port1, port2 } = new MessageChannel();
          port1.on("message", (m: { id: string; step: number; steps: number; restart?: string }) => {
            if (m.restart !== undefined) options.onRestart?.(m.id, m.restart);
            else options.onProgress?.(m.id, m.step, m.steps);
          });
          try {
            const checkpoint = runCheckpoint(options.dir, spec);
            const job: Job = { spec, port: port2, threads, checkpoint, stop: stop.cell };
            finish(spec, await pool.run(job, { transferList: [port2] }));
          } finally {
            port1.close();
          }
        }),
      );
      const errors = settled.flatMap((s) => (s.status === "rejected" ? [s.reason as Error] : []));
      if (stop.reason && errors.length) {
        const stopped = errors.filter((e) => !/: not started \(/.test(e.message));
        const where = stopped.map((e) => e.message).join("; ");
        throw new GatescopeError(
          `${stop.reason}: ${stopped.length} run(s) stopped, each at a checkpoint (${where}); ` +
            `${errors.length - stopped.length} not started`,
        );
      }
      if (errors.length) throw errors[0];
    } finally {
      await pool.destroy();
    }
  }
  return runs.map((r) => results.get(r.id)!);
}
