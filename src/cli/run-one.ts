/**
 * `gatescope run-one DIR [--index I]`: runs run I of the experiment in DIR/experiment.json and
 * writes DIR/runs/<id>.json atomically; a run already finished is left alone, and one stopped mid-way
 * resumes from its checkpoint (DIR/checkpoints/<id>.json). Without --index, I comes from
 * SLURM_ARRAY_TASK_ID (a Slurm array) or JOB_COMPLETION_INDEX (a Kubernetes Indexed Job). The result is
 * the same wherever it runs: same spec, seed and backend, same numbers. A task runs on one thread
 * (GATESCOPE_THREADS overrides), as schedulers give each task one CPU. With --weights FILE it also writes the
 * selected weights to FILE (io/model-file.ts) — a finished run is trained again for them, and its numbers must
 * equal its run file's, so the weights are the committed run's, bit for bit.
 */
import * as fs from "fs";
import { setThreads } from "../backend";
import { GatescopeError } from "../errors";
import { readiness } from "../experiment/executors";
import { StopFlag } from "../experiment/stop-flag";
import { runOne } from "../experiment/run";
import { runCheckpoint, runPath, writeRun } from "../experiment/store";
import { EXPERIMENT_DIR, parseCommandArgs } from "./args";

export async function runOneCommand(argv: string[], out: (line: string) => void): Promise<number> {
  const args = parseCommandArgs("run-one", argv, EXPERIMENT_DIR);
  const [[dir], index, weights] = [args.operands, args.value("--index"), args.value("--weights")];
  const from =
    index !== undefined
      ? "--index"
      : process.env.SLURM_ARRAY_TASK_ID !== undefined
        ? "SLURM_ARRAY_TASK_ID"
        : "JOB_COMPLETION_INDEX";
  const raw = index ?? process.env.SLURM_ARRAY_TASK_ID ?? process.env.JOB_COMPLETION_INDEX;
  const runs = readiness(dir);
  if (raw === undefined || !/^\d+$/.test(raw) || Number(raw) >= runs.length) {
    const got = raw === undefined ? "none" : `"${raw}"`;
    throw new GatescopeError(`run-one: ${from}: expected a run index in [0, ${runs.length - 1}], got ${got}`);
  }
  const run = runs[Number(raw)];
  const spec = run.spec;
  if (run.state === "waiting")
    throw new GatescopeError(
      `run-one: run ${raw} (${spec.id}): expected its row's pilot runs to have finished (they choose its learning ` +
        `rate), got ${run.unfinishedPilots} of ${run.pilots} unfinished: run those first`,
    );
  // One task of many running side by side: one thread, unless GATESCOPE_THREADS says otherwise.
  if (!process.env.GATESCOPE_THREADS) setThreads(1);
  const done = run.state === "finished" ? run.result : null;
  if (done && !weights) {
    out(`run ${raw} (${spec.id}) already finished: ${runPath(dir, spec.id)}`);
    return 0;
  }
  const source = `run ${spec.id}: npx gatescope run-one DIR --index ${raw} --weights FILE`;
  // Written beside, and renamed over FILE only once the numbers are known to be right: nothing is lost on a mismatch.
  const part = `${weights}.${process.pid}.part`;
  // A SIGTERM or SIGINT writes a checkpoint at the step the run is on (a finished run's weights need none).
  const stop = new StopFlag();
  const r = await runOne(spec, {
    ...(done ? {} : { checkpoint: runCheckpoint(dir, spec) }),
    signal: stop.signal(),
    ...(weights ? { weights: { path: part, source } } : {}),
    onRestart: (why: string) => out(`run ${raw} (${spec.id}): its checkpoint cannot resume it (${why}); starting over`),
  }).finally(stop.onSignals());
  if (done) {
    const same = ["final_val_metric", "final_test_metric", "selected_step"] as const;
    const differ = same.filter((k) => r[k] !== done[k]);
    if (differ.length) {
      fs.rmSync(part, { force: true });
      throw new GatescopeError(
        `run-one: run ${raw} (${spec.id}) trained again for its weights: expected its run file's numbers, got ` +
          differ.map((k) => `${k} ${r[k]} (run file ${done[k]})`).join(", ") + ": no weights written",
      );
    }
    fs.renameSync(part, weights!);
    out(`run ${raw} (${spec.id}): weights ${weights}, trained again to the run file's numbers`);
    return 0;
  }
  if (weights) fs.renameSync(part, weights);
  writeRun(dir, spec, r);
  out(
    `run ${raw} (${spec.id}): val ${r.final_val_metric.toPrecision(3)}, test ${r.final_test_metric.toPrecision(3)}, ` +
      `${r.wall_s.toFixed(1)} s`,
  );
  return 0;
}
