/**
 * Where an experiment's runs are made: here on a worker pool (`runLocally`), as Slurm arrays (`runOnSlurm`), or by
 * any other scheduler from the `run-one` commands `listRuns` gives. All three ask one question of each run —
 * `readiness`: finished (its run file is whole), waiting (a chosen-rate run whose row's pilots have not all finished:
 * they choose its rate), or ready. A staged sweep so runs in rounds: its pilots, then the chosen-rate runs they
 * unblock.
 */
import * as fs from "fs";
import { runStates } from "./collect";
import { runAll, type PoolOptions } from "./pool";
import type { RunResult } from "./run";
import { arrayStates, runOneCommand, submitArray, writeBatchScript, type TaskState } from "./slurm";
import { rowKey, type RunSpec } from "./spec";
import { readRun, runPath } from "./store";

/** A run of an experiment as an executor sees it. */
export type Readiness =
  | { index: number; spec: RunSpec; state: "finished"; result: RunResult }
  | { index: number; spec: RunSpec; state: "ready" }
  | { index: number; spec: RunSpec; state: "waiting"; pilots: number; unfinishedPilots: number };

/** Every run of the experiment in `dir`, in run order, with whether it may start. */
export function readiness(dir: string): Readiness[] {
  const states = runStates(dir);
  return states.map(({ spec, result }, index) => {
    if (result) return { index, spec, state: "finished", result };
    if (!spec.pending) return { index, spec, state: "ready" };
    const pilots = states.filter((s) => s.spec.stage === "pilot" && rowKey(s.spec) === rowKey(spec));
    const unfinishedPilots = pilots.filter((s) => !s.result).length;
    return { index, spec, state: "waiting", pilots: pilots.length, unfinishedPilots };
  });
}

/** The runs that may start now. */
export const readyRuns = (dir: string) => readiness(dir).filter((r) => r.state === "ready");

/** Runs every run of `dir` here, round after round until none is ready; finished runs are reported as cached. */
export async function runLocally(dir: string, options: Omit<PoolOptions, "dir">): Promise<void> {
  for (const r of readiness(dir)) if (r.state === "finished") options.onDone?.(r.result, true);
  for (let round = readyRuns(dir); round.length > 0; round = readyRuns(dir))
    await runAll(
      round.map((r) => r.spec),
      { ...options, dir },
    );
}

/** One `run-one` command per ready run (for any scheduler), and how many wait for their pilots. */
export function listRuns(dir: string): { commands: string[][]; waiting: number } {
  const all = readiness(dir);
  return {
    commands: all.filter((r) => r.state === "ready").map((r) => runOneCommand(dir, r.index)),
    waiting: all.filter((r) => r.state === "waiting").length,
  };
}

/** How a Slurm submission goes. */
export interface SlurmOptions {
  /** The job's name (`gatescope-<label>`). */
  label: string;
  maxParallel?: number;
  sbatchArgs: string[];
  /** Follow each array to its end (polling `squeue`/`sacct`), then submit the runs it unblocked. */
  wait: boolean;
  out: (line: string) => void;
}

/**
 * Submits the ready runs as one array and, when waiting, follows it to its end, then submits the runs it unblocked,
 * until none is ready. A run that fails is left for the next invocation, never resubmitted by this one. Returns the
 * last job's id (null when nothing was submitted).
 */
export async function runOnSlurm(dir: string, options: SlurmOptions): Promise<string | null> {
  const submitted = new Set<number>();
  let job: string | null = null;
  for (;;) {
    const todo = readyRuns(dir)
      .map((r) => r.index)
      .filter((i) => !submitted.has(i));
    if (todo.length === 0) return job;
    const script = writeBatchScript(dir, `gatescope-${options.label}`);
    job = submitArray(script, todo, { maxParallel: options.maxParallel, sbatchArgs: options.sbatchArgs });
    options.out(`submitted Slurm array job ${job}: ${todo.length} of ${readiness(dir).length} runs (script ${script})`);
    for (const i of todo) submitted.add(i);
    if (!options.wait) return job;
    await follow(dir, job, todo, options.out);
  }
}

/** Polls an array until none of its tasks runs or waits, printing each change of its counts. */
async function follow(dir: string, job: string, todo: number[], out: (line: string) => void): Promise<void> {
  const runs = readiness(dir).map((r) => r.spec);
  let last = "";
  let unseen = 0;
  const finished = new Set<number>(); // once a run's file is whole, it stays finished
  for (;;) {
    const states = arrayStates(job);
    for (const i of todo)
      if (!finished.has(i) && fs.existsSync(runPath(dir, runs[i].id)) && readRun(dir, runs[i])) finished.add(i);
    const count = (s: TaskState) => todo.filter((i) => !finished.has(i) && states.get(i) === s).length;
    const [running, pending] = [count("running"), count("pending")];
    const failed = todo.filter((i) => !finished.has(i) && states.get(i) !== "running" && states.get(i) !== "pending");
    const line =
      `job ${job}: ${finished.size} finished, ${running} running, ${pending} pending, ${failed.length} failed`;
    if (line !== last) out(line);
    last = line;
    // A job the controller does not (yet, or any more) list gets a few polls before it counts as over.
    if (running === 0 && pending === 0 && (states.size > 0 || ++unseen > 5)) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
}
