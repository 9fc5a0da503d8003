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
import { expand, type RunSpec } from "./spec";
import { readExperiment, readRun } from "./store";
import { summarize } from "./summary";
import { summaryMarkdown } from "./tables";

export interface Collected {
  file: ResultsFile;
  runs: RunSpec[];
  /** Run specs without a finished run file, in spec order. */
  missing: RunSpec[];
}

/** The experiment's runs with their finished results (null where none is). */
export function runStates(dir: string): Array<{ spec: RunSpec; result: RunResult | null }> {
  return expand(readExperiment(dir).spec).map((spec) => ({ spec, result: readRun(dir, spec) }));
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
    summary: summarize(results),
    missing: missing.map((m) => m.id),
  };
  writeFileAtomic(path.join(dir, "results.json"), JSON.stringify(file));
  writeFileAtomic(path.join(dir, "report.html"), reportHtml(file));
  writeFileAtomic(path.join(dir, "summary.md"), summaryMarkdown(file));
  return { file, runs: states.map((s) => s.spec), missing };
}
