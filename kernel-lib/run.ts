/** An experiment's runs from a notebook cell: one call, one progress line, the results in run order. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runAll } from "../src/experiment/pool";
import type { RunResult } from "../src/experiment/run";
import type { RunSpec } from "../src/experiment/spec";
import type { DisplayLike } from "./display";
import { newDisplay } from "./kernel";
import { ProgressLine } from "./show";

/** Where the runs go and how many at once. */
export interface RunWithProgressOptions {
  /** Runs at once on a worker pool (default 2). */
  jobs?: number;
  /** Where run files and checkpoints go (default: a new folder in the temp folder, so a re-run starts afresh). */
  dir?: string;
  /** Where the progress line is drawn (default: a new output of this cell). */
  display?: DisplayLike;
}

/** Runs `runs` on a worker pool (`runAll`) with one progress line over all their steps. */
export async function runWithProgress(runs: RunSpec[], options: RunWithProgressOptions = {}): Promise<RunResult[]> {
  const total = runs.reduce((s, r) => s + r.train.steps, 0);
  const progress = new ProgressLine(options.display ?? newDisplay(), total, 500);
  const at = new Map<string, number>();
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), "gatescope-runs-"));
  const results = await runAll(runs, {
    dir,
    jobs: options.jobs ?? 2,
    onProgress: (id, step) => {
      at.set(id, step);
      progress.update([...at.values()].reduce((a, b) => a + b, 0));
    },
    // An early stop completes the run's share of the line.
    onDone: (r) => at.set(r.id, runs.find((x) => x.id === r.id)!.train.steps),
  });
  progress.update(total, {}, true);
  return results;
}
