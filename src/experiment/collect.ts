/**
 * One merge for every executor: whatever finished runs DIR holds become DIR/results.json,
 * DIR/report.html and DIR/summary.md — the same files a local run writes. Runs that are not
 * there (failed, still running, never submitted) are listed in the results and the report,
 * never silently dropped.
 */
import * as path from "path";
import { writeFileAtomic } from "../io/atomic";
import { reportHtml } from "./report";
import { manifest, RESULTS_SCHEMA, RESULTS_VERSION, type Manifest, type ResultsFile } from "./results";
import type { RunResult } from "./run";
import { chooseRate, expand, rowKey, type RunSpec } from "./spec";
import { readExperiment, readRun, runFileState } from "./store";
import { groupBy, missingByRow, summarize } from "./summary";
import { summaryMarkdown } from "./tables";

export interface Collected {
  file: ResultsFile;
  runs: RunSpec[];
  /** Run specs without a finished run file, in spec order. */
  missing: RunSpec[];
  /** Missing runs whose file was made with another arithmetic or version, and which: redone, never mixed. */
  other: Array<{ id: string; made: string }>;
}

/** A staged sweep's chosen rate per row whose pilot runs have all finished in `dir` (validation only). */
export function stagedChoice(dir: string, runs: RunSpec[]): (row: string) => number | null {
  const picks = new Map<string, number>();
  for (const [row, pilots] of groupBy(
    runs.filter((r) => r.stage === "pilot"),
    rowKey,
  )) {
    const done = pilots.map((r) => readRun(dir, r));
    if (done.every((r) => r !== null)) picks.set(row, chooseRate(done as RunResult[]));
  }
  return (row) => picks.get(row) ?? null;
}

/**
 * The experiment's runs with their finished results (null where none is, or where a run is still pending) and,
 * where a run file was made with another arithmetic or version, which.
 */
export function runStates(dir: string): Array<{ spec: RunSpec; result: RunResult | null; other: string | null }> {
  const spec = readExperiment(dir).spec;
  return expand(spec, stagedChoice(dir, expand(spec))).map((run) =>
    run.pending ? { spec: run, result: null, other: null } : { spec: run, ...runFileState(dir, run) },
  );
}

export function collect(
  dir: string,
  how: Pick<Manifest, "command" | "jobs" | "executor" | "started" | "wall_s">,
): Collected {
  const exp = readExperiment(dir);
  const states = runStates(dir);
  const results = states.filter((s) => s.result).map((s) => s.result!);
  const missing = states.filter((s) => !s.result).map((s) => s.spec);
  const file: ResultsFile = {
    schema: RESULTS_SCHEMA,
    version: RESULTS_VERSION,
    manifest: manifest({
      ...how,
      preset: exp.preset,
      seed: exp.seed,
      config: exp.spec,
      runs_wall_s: results.reduce((s, r) => s + r.wall_s, 0),
    }),
    runs: results,
    summary: summarize(results, missingByRow(exp.spec, missing.map((m) => m.id))),
    missing: missing.map((m) => m.id),
  };
  writeFileAtomic(path.join(dir, "results.json"), JSON.stringify(file));
  writeFileAtomic(path.join(dir, "report.html"), reportHtml(file));
  writeFileAtomic(path.join(dir, "summary.md"), summaryMarkdown(file));
  const other = states.filter((s) => s.other).map((s) => ({ id: s.spec.id, made: s.other! }));
  return { file, runs: states.map((s) => s.spec), missing, other };
}
