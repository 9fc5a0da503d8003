/**
 * results.json, schema "gatescope.results" version 2: a manifest (what produced the numbers),
 * every run, and the summary table. Version 2 adds the validation protocol (each run's
 * final_val_metric, its test metric for the weights validation selected, selected_by, its
 * learning rate) and the summary's intervals and published-outcome predicates.
 * Version 1 files (no validation set: their runs were stopped and scored on the test set) still
 * load: `readResults` upgrades them, marking selected_by "test", and recomputes the summary.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import { backendInfo } from "../backend";
import { GatescopeError, fail } from "../errors";
import { gatescopePackage } from "../io/package-root";
import type { RunResult } from "./run";
import type { ExperimentSpec } from "./spec";
import { summarize, type SummaryRow } from "./summary";

export const RESULTS_SCHEMA = "gatescope.results";
export const RESULTS_VERSION = 2;

export interface Manifest {
  library: string;
  version: string;
  git_commit: string | null;
  node: string;
  platform: string;
  cpus: number;
  cpu_model: string;
  backend: { name: string; reason: string };
  command: string;
  preset: string;
  seed: number;
  jobs: number;
  /** Who ran the runs: "local" (the worker pool), "slurm", or "collect" (merged from run files). */
  executor: string;
  config: ExperimentSpec;
  started: string;
  /** This invocation's wall time (small when every run came from the cache). */
  wall_s: number;
  /** The runs' own wall times, summed: what computing the results cost. */
  runs_wall_s: number;
}

export interface ResultsFile {
  schema: typeof RESULTS_SCHEMA;
  version: typeof RESULTS_VERSION;
  manifest: Manifest;
  runs: RunResult[];
  summary: SummaryRow[];
  /** Ids of the experiment's runs that had no finished result when this file was written. */
  missing: string[];
}

function gitCommit(root: string): string | null {
  try {
    return (
      execFileSync("git", ["rev-parse", "HEAD"], { cwd: root, stdio: ["ignore", "pipe", "ignore"] })
        .toString()
        .trim() || null
    );
  } catch {
    return null;
  }
}

export function manifest(
  fields: Pick<
    Manifest,
    "command" | "preset" | "seed" | "jobs" | "executor" | "config" | "started" | "wall_s" | "runs_wall_s"
  >,
): Manifest {
  let pkg = { version: "unknown", root: process.cwd() };
  try {
    pkg = gatescopePackage();
  } catch {
    // run from a copy without its package.json: say so rather than fail the experiment
  }
  return {
    library: "gatescope",
    version: pkg.version,
    git_commit: gitCommit(pkg.root),
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    cpus: os.cpus().length,
    cpu_model: os.cpus()[0]?.model ?? "unknown",
    backend: backendInfo(),
    ...fields,
  };
}

type V1Run = Omit<
  RunResult,
  "params" | "lr" | "final_val_metric" | "final_test_extra" | "selected_by" | "selected_step"
>;

/** A results.json of version 1 or 2, as version 2. Anything else fails, saying what it is. */
export function parseResults(text: string, where = "results file"): ResultsFile {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new GatescopeError(`${where}: expected JSON, got ${(err as Error).message}`);
  }
  if (typeof doc !== "object" || doc === null || doc.schema !== RESULTS_SCHEMA)
    fail(`${where}.schema`, `"${RESULTS_SCHEMA}"`, doc?.schema);
  if (doc.version !== 1 && doc.version !== 2) fail(`${where}.version`, "1 or 2", doc.version);
  if (!Array.isArray(doc.runs) || typeof doc.manifest !== "object" || doc.manifest === null)
    fail(where, "{manifest, runs, summary}", doc);
  if (doc.version === 2) {
    const v2 = doc as unknown as ResultsFile;
    return {
      ...v2,
      missing: v2.missing ?? [],
      manifest: { ...v2.manifest, executor: v2.manifest.executor ?? "local" },
    };
  }
  const manifest = doc.manifest as Manifest;
  const lr = manifest.config?.train?.optimizer?.lr;
  const runs = (doc.runs as V1Run[]).map((r): RunResult => ({
    ...r,
    params: null,
    lr,
    final_val_metric: r.final_test_metric,
    final_test_extra: r.evals[r.evals.length - 1]?.extra ?? {},
    selected_by: "test (schema v1: no validation set)",
    selected_step: r.steps,
  }));
  const upgraded = {
    ...manifest,
    cpu_model: manifest.cpu_model ?? "unknown",
    runs_wall_s: runs.reduce((s, r) => s + r.wall_s, 0),
    executor: "local",
  };
  return {
    schema: RESULTS_SCHEMA,
    version: RESULTS_VERSION,
    manifest: upgraded,
    runs,
    summary: summarize(runs),
    missing: [],
  };
}

export function readResults(path: string): ResultsFile {
  let text: string;
  try {
    text = fs.readFileSync(path, "utf8");
  } catch (err) {
    throw new GatescopeError(`results file ${path}: expected a readable file, got ${(err as Error).message}`);
  }
  return parseResults(text, `results file ${path}`);
}
