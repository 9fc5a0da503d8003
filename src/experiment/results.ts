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
import { backendArithmetic, backendInfo } from "../backend";
import type { Arithmetic } from "../backend/arithmetic";
import { GatescopeError, fail } from "../errors";
import { gatescopePackage } from "../package-root";
import type { RunResult } from "./run";
import type { ExperimentSpec } from "./spec";
import { missingByRow, summarize, type SummaryRow } from "./summary";
import { expand } from "./spec";
import { TASK_NAMES } from "../tasks";

export const RESULTS_SCHEMA = "gatescope.results";
export const RESULTS_VERSION = 2;

/** What produced the numbers: library, commit, runtime, machine, backend, preset, config and times. */
export interface Manifest {
  library: string;
  version: string;
  git_commit: string | null;
  node: string;
  platform: string;
  cpus: number;
  cpu_model: string;
  backend: { name: string; reason: string };
  /** The arithmetic every run here was made with: any backend of `backends` gives their bits (absent in files
   * written before it was recorded, whose runs name only their backend). */
  arithmetic?: Arithmetic;
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

/**
 * What computed the runs, in words for reports: the arithmetic's id and the backends that give its bits, or,
 * in files from before it was recorded, the backend.
 */
export function madeWith(m: Manifest): string {
  const a = m.arithmetic;
  return a ? `arithmetic ${a.id} (${a.backends.join(", ")})` : `backend ${m.backend.name}`;
}

/**
 * What the runs cost, in words: CPU seconds summed over the runs that record them (each run's own, summed over its
 * resumed pieces), and the wall time of runs made before runs recorded CPU, said apart rather than added in.
 */
export function runsCost(runs: ReadonlyArray<Pick<RunResult, "cpu_s" | "wall_s">>): string {
  const timed = runs.filter((r) => typeof r.cpu_s === "number" && Number.isFinite(r.cpu_s));
  const untimed = runs.filter((r) => !timed.includes(r));
  const sum = (rs: typeof runs, f: (r: (typeof runs)[number]) => number) => rs.reduce((s, r) => s + f(r), 0);
  const cpu = `${sum(timed, (r) => r.cpu_s!).toFixed(0)} s of CPU over ${timed.length} run(s)`;
  if (untimed.length === 0) return cpu;
  const wall =
    `${sum(untimed, (r) => r.wall_s).toFixed(0)} s of wall time over ${untimed.length} run(s) made before runs ` +
    "recorded CPU time";
  return timed.length ? `${cpu}, and ${wall}` : wall;
}

/** results.json: the manifest, every run and the summary. */
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
    arithmetic: backendArithmetic(),
    ...fields,
  };
}

/**
 * A results file is data from disk: every field a report or table reads is type-checked here,
 * so a damaged or hand-edited file fails with the field named instead of crashing (or
 * injecting markup) later. Metric numbers may be null: JSON's spelling of NaN.
 */
function checkRun(r: unknown, where: string, version: 1 | 2): void {
  if (typeof r !== "object" || r === null || Array.isArray(r)) fail(where, "a run object", r);
  const o = r as Record<string, unknown>;
  const is = (k: string, ok: (v: unknown) => boolean, expected: string) => {
    if (!ok(o[k])) fail(`${where}.${k}`, expected, o[k]);
  };
  const int = (v: unknown) => Number.isSafeInteger(v);
  const num = (v: unknown) => Number.isFinite(v);
  const metric = (v: unknown) => v === null || typeof v === "number";
  const str = (v: unknown) => typeof v === "string";
  const nums = (v: unknown) => Array.isArray(v) && v.every(metric);
  const records = (v: unknown) =>
    typeof v === "object" && v !== null && !Array.isArray(v) && Object.values(v).every(metric);
  const list = (fields: Record<string, (v: unknown) => boolean>) => (v: unknown) =>
    Array.isArray(v) &&
    v.every(
      (e) =>
        typeof e === "object" &&
        e !== null &&
        Object.entries(fields).every(([k, f]) => f((e as Record<string, unknown>)[k])),
    );
  is("id", str, "a string");
  const tasks = [...TASK_NAMES, "charlm"]; // a language model's runs are results too
  is("task", (v) => tasks.includes(v as never), `one of ${tasks.join(", ")}`);
  is("T", (v) => int(v) && (v as number) >= 2, "an integer ≥ 2");
  is("cell", str, "a string");
  for (const k of ["seed", "hidden", "steps"]) is(k, (v) => int(v) && (v as number) >= 0, "a non-negative integer");
  for (const k of ["final_test_metric", "baseline"]) is(k, metric, "a number");
  is("solved", (v) => typeof v === "boolean", "a boolean");
  is("solved_at", (v) => v === null || int(v), "an integer or null");
  for (const k of ["stopped", "message"]) is(k, str, "a string");
  is("wall_s", num, "a finite number");
  is("cpu_s", (v) => v === undefined || v === null || num(v), "a finite number or null");
  is("grad_flow", list({ step: int, norms: nums }), "[{step, norms: number[]}]");
  is("evals", list({ step: int, metric, extra: records }), "[{step, metric, extra}]");
  is(
    "curve",
    list({ step: int, loss: metric, grad_norm: metric, grad_norm_clipped: metric }),
    "[{step, loss, grad_norm, …}]",
  );
  is(
    "param_grad_norms",
    (v) => typeof v === "object" && v !== null && Object.values(v).every(nums),
    "{name: number[]}",
  );
  if (version === 1) return;
  is("params", (v) => v === null || int(v), "an integer or null");
  is("lr", (v) => num(v) && (v as number) > 0, "a positive number");
  is("final_val_metric", metric, "a number");
  is("final_test_extra", records, "{name: number}");
  is("selected_by", str, "a string");
  is("selected_step", int, "an integer");
}

function checkManifest(m: unknown, where: string): void {
  if (typeof m !== "object" || m === null || Array.isArray(m)) fail(where, "an object", m);
  const o = m as Record<string, unknown>;
  for (const k of ["library", "version", "node", "platform", "command", "preset", "started"]) {
    if (typeof o[k] !== "string") fail(`${where}.${k}`, "a string", o[k]);
  }
  for (const k of ["cpus", "seed", "jobs", "wall_s"]) {
    if (!Number.isFinite(o[k])) fail(`${where}.${k}`, "a finite number", o[k]);
  }
  const b = o.backend as Record<string, unknown> | null | undefined;
  if (typeof b?.name !== "string" || typeof b.reason !== "string") fail(`${where}.backend`, "{name, reason}", b);
  expand(o.config as ExperimentSpec); // a spec from disk is checked like any other
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
  if (doc?.schema !== RESULTS_SCHEMA) fail(`${where}.schema`, `"${RESULTS_SCHEMA}"`, doc?.schema);
  if (doc.version !== 1 && doc.version !== 2) fail(`${where}.version`, "1 or 2", doc.version);
  checkManifest(doc.manifest, `${where}.manifest`);
  if (!Array.isArray(doc.runs)) fail(`${where}.runs`, "an array of runs", doc.runs);
  doc.runs.forEach((r, i) => checkRun(r, `${where}.runs[${i}]`, doc.version as 1 | 2));
  if (doc.version === 2) {
    const v2 = doc as unknown as ResultsFile;
    const missing = v2.missing ?? [];
    if (!Array.isArray(missing) || !missing.every((m) => typeof m === "string"))
      fail(`${where}.missing`, "an array of run ids", missing);
    const m = v2.manifest;
    if (m.runs_wall_s !== undefined && !Number.isFinite(m.runs_wall_s)) {
      fail(`${where}.manifest.runs_wall_s`, "a finite number", m.runs_wall_s);
    }
    return {
      ...v2,
      // The summary is derived from the runs, so it is derived again rather than trusted.
      summary: summarize(v2.runs, missingByRow(m.config, missing)),
      missing,
      manifest: {
        ...m,
        executor: typeof m.executor === "string" ? m.executor : "local",
        cpu_model: typeof m.cpu_model === "string" ? m.cpu_model : "unknown",
        runs_wall_s: m.runs_wall_s ?? v2.runs.reduce((s, r) => s + r.wall_s, 0),
        git_commit: typeof m.git_commit === "string" ? m.git_commit : null,
      },
    };
  }
  const manifest = doc.manifest as Manifest;
  const lr = manifest.config.train?.optimizer?.lr; // a v1 spec may give the optimizer per cell only
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

/** Reads and checks a results.json of version 1 or 2, as version 2. */
export function readResults(path: string): ResultsFile {
  let text: string;
  try {
    text = fs.readFileSync(path, "utf8");
  } catch (err) {
    throw new GatescopeError(`results file ${path}: expected a readable file, got ${(err as Error).message}`);
  }
  return parseResults(text, `results file ${path}`);
}
