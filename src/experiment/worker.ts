/** Piscina worker: runs one experiment and reports progress through the port it was given. */
import type { MessagePort } from "worker_threads";
import { setThreads } from "../backend";
import { GatescopeError } from "../errors";
import { threadCpuMs } from "../train/clock";
import type { TrainConfig } from "../train/config";
import { runOne, type RunResult } from "./run";
import { StopFlag } from "./stop-flag";
import type { RunSpec } from "./spec";

export interface Job {
  spec: RunSpec;
  port: MessagePort;
  /** Threads for this run's model, chosen so that runs × threads do not exceed the cores. */
  threads: 1 | 2;
  /** Where the run checkpoints as it goes, and resumes from. */
  checkpoint: TrainConfig["checkpoint"];
  /** The pool's StopFlag cell (shared memory): once set, the run stops at the step it is on, checkpointed there. */
  stop: Int32Array;
}

export default async function work({ spec, port, threads, checkpoint, stop }: Job): Promise<RunResult> {
  setThreads(threads);
  try {
    // Runs share the pool's process: each counts its own thread's CPU.
    const progress = (step: number, steps: number) => port.postMessage({ id: spec.id, step, steps });
    const flag = new StopFlag(stop);
    if (flag.reason) throw new GatescopeError(`${spec.id}: not started (stopped by ${flag.reason})`);
    const signal = flag.signal();
    const onRestart = (restart: string) => port.postMessage({ id: spec.id, restart });
    return await runOne(spec, { onProgress: progress, checkpoint, cpuClock: threadCpuMs, signal, onRestart });
  } finally {
    port.close();
  }
}
