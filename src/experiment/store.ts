/**
 * An experiment on disk, so that any executor can run its runs and one merge collects them:
 *   DIR/experiment.json   the spec (and the preset and seed that made it), written once
 *   DIR/runs/<id>.json    one finished run each, written atomically by whoever ran it
 *   DIR/checkpoints/<id>.json  a run in progress, so that a stopped run resumes (removed when it finishes)
 * A run file counts as finished only if it is whole and was made from the same run spec, with the
 * same arithmetic (any backend of its class) and library version — anything else is redone, never trusted.
 */
import * as fs from "fs";
import * as path from "path";
import { backendArithmetic, backendInfo } from "../backend";
import { GatescopeError, fail } from "../errors";
import { writeFileAtomic } from "../io/atomic";
import { gatescopeVersion } from "../package-root";
import { trainDefaults } from "../train/config";
import type { RunResult } from "./run";
import { expand, type ExperimentSpec, type RunSpec } from "./spec";
import { solvedBy } from "./task-of";
import { checkpointFiles, checkpointStep } from "../train/checkpoint";

const FORMAT = "gatescope.experiment";

export interface ExperimentFile {
  format: typeof FORMAT;
  version: 1;
  preset: string;
  seed: number;
  spec: ExperimentSpec;
}

export const experimentPath = (dir: string) => path.join(dir, "experiment.json");
export const runPath = (dir: string, id: string) => path.join(dir, "runs", `${id}.json`);
export const checkpointPath = (dir: string, id: string) => path.join(dir, "checkpoints", `${id}.json`);

/** Writes DIR/experiment.json, or checks that the one there describes the same experiment. */
export function writeExperiment(dir: string, file: Omit<ExperimentFile, "format" | "version">): void {
  ensureWritableDir(dir);
  fs.mkdirSync(path.join(dir, "runs"), { recursive: true });
  const doc: ExperimentFile = { format: FORMAT, version: 1, ...file };
  const target = experimentPath(dir);
  if (fs.existsSync(target)) {
    const old = readExperiment(dir);
    if (JSON.stringify(old.spec) !== JSON.stringify(doc.spec)) {
      throw new GatescopeError(
        `${target}: expected the same experiment as the one being started, got a different spec ` +
          `(preset ${old.preset}, seed ${old.seed}); use another --out`,
      );
    }
    return;
  }
  writeFileAtomic(target, JSON.stringify(doc, null, 1));
}

export function readExperiment(dir: string): ExperimentFile {
  const file = experimentPath(dir);
  let doc: ExperimentFile;
  try {
    doc = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new GatescopeError(
      `${file}: expected an experiment written by gatescope reproduce, got ${(err as Error).message}`,
    );
  }
  if (doc?.format !== FORMAT || doc.version !== 1) fail(file, `format "${FORMAT}" version 1`, doc?.format);
  expand(doc.spec); // validates the spec, naming any bad field
  return doc;
}

/**
 * What makes two runs' numbers comparable beyond the spec: the arithmetic that computed them (a kernel build
 * id, which every backend of its class shares) and the library version. `backend` names the one used, `class`
 * every backend known here that gives the same bits; neither decides acceptance.
 */
export interface Made {
  arithmetic: string;
  class: string[];
  backend: string;
  version: string;
}

function provenance(): Made {
  // From a copy without its package.json the version is "unknown": runs still compare by arithmetic.
  const a = backendArithmetic();
  return { arithmetic: a.id, class: a.backends, backend: backendInfo().name, version: gatescopeVersion() };
}

/** Why a run file's `made` does not match this process's, or null when it does. */
function otherMaking(m: Partial<Made> | undefined): string | null {
  const p = provenance();
  if (m?.arithmetic !== p.arithmetic)
    return `arithmetic ${m?.arithmetic ?? `unrecorded (made by ${(m as { backend?: string })?.backend ?? "?"})`}`;
  return m.version === p.version ? null : `version ${m.version}`;
}

/**
 * A stored run spec without the `hidden` and `lr` that earlier run files repeat from `rnn.hiddenSize` and
 * `train.optimizer.lr`, where they agree (where they do not, the spec is another run's and stays unequal).
 */
function withoutEcho(stored: Record<string, unknown>): unknown {
  const { hidden, lr, ...rest } = stored ?? {};
  const s = stored as unknown as RunSpec | undefined;
  const echoes = hidden === s?.rnn?.hiddenSize && lr === s?.train?.optimizer?.lr;
  return "hidden" in (stored ?? {}) && echoes ? rest : stored;
}

/** What the run file for `spec` in `dir` holds: a finished run, one made otherwise (and how), or nothing usable. */
export function runFileState(dir: string, spec: RunSpec): { result: RunResult | null; other: string | null } {
  const file = runPath(dir, spec.id);
  if (!fs.existsSync(file)) return { result: null, other: null };
  try {
    const doc = JSON.parse(fs.readFileSync(file, "utf8"));
    if (JSON.stringify(withoutEcho(doc.spec)) !== JSON.stringify(spec)) return { result: null, other: null };
    const other = otherMaking(doc.made);
    return { result: other ? null : finishedRun(doc.result, spec), other };
  } catch {
    return { result: null, other: null };
  }
}

/**
 * A stored result as a finished run, or null where it is not one: another run's, without its learning curve, or
 * with a metric missing or not finite — which only a run stopped for non-finite numbers may have (JSON's null,
 * read as NaN, never as 0). `solved` is recomputed from the stored measures by the task's criterion, not read.
 */
function finishedRun(r: RunResult | null | undefined, spec: RunSpec): RunResult | null {
  if (typeof r !== "object" || r === null || r.id !== spec.id || !Array.isArray(r.evals)) return null;
  const metrics = [r.final_val_metric, r.final_test_metric];
  if (!metrics.every((m) => Number.isFinite(m)) && !(r.stopped === "non-finite" && metrics.every((m) => m === null)))
    return null;
  const [val, test] = metrics.map((m) => m ?? NaN);
  const extra = r.final_test_extra ?? {};
  const solved = Number.isFinite(test) && solvedBy(spec.task, { metric: test, extra });
  return { ...r, final_val_metric: val, final_test_metric: test, solved };
}

/** The finished run for `spec` in `dir`, or null when it is missing, damaged or made differently. */
export function readRun(dir: string, spec: RunSpec): RunResult | null {
  return runFileState(dir, spec).result;
}

/** Stores a finished run; its checkpoint, if any, has served and goes. */
export function writeRun(dir: string, spec: RunSpec, result: RunResult): void {
  fs.mkdirSync(path.join(dir, "runs"), { recursive: true });
  writeFileAtomic(runPath(dir, spec.id), JSON.stringify({ spec, made: provenance(), result }));
  for (const f of checkpointFiles(checkpointPath(dir, spec.id))) fs.rmSync(f, { force: true });
}

/** The step a run's checkpoint in `dir` has reached, or null where there is no readable one. */
export const runCheckpointStep = (dir: string, id: string): number | null => checkpointStep(checkpointPath(dir, id));

/**
 * Where and how often a run of `dir` checkpoints: at evaluations, about 30 times a run (a checkpoint holds the
 * history so far, so writing one costs more as the run goes), stamped with the arithmetic and library version so
 * that a run resumes only where its bits can be made (as a run file counts only there).
 */
export function runCheckpoint(dir: string, spec: RunSpec): { path: string; every: number; stamp: string } {
  fs.mkdirSync(path.join(dir, "checkpoints"), { recursive: true });
  const { arithmetic, version } = provenance();
  const { evalEvery } = trainDefaults(spec.train);
  const every = evalEvery * Math.ceil(spec.train.steps / 30 / evalEvery);
  return { path: checkpointPath(dir, spec.id), every, stamp: `arithmetic ${arithmetic} ${version}` };
}

/**
 * Makes `dir` (and any missing parents, one at a time) and proves it writable before any work
 * starts, so a bad --out fails at once with the reason rather than after hours of runs.
 */
export function ensureWritableDir(dir: string, what = "--out"): void {
  const abs = path.resolve(dir);
  const missing: string[] = [];
  let p = abs;
  while (!fs.existsSync(p)) {
    missing.unshift(p);
    p = path.dirname(p);
  }
  const bad = (got: string) => new GatescopeError(`${what} ${dir}: expected a writable directory, got ${got}`);
  if (!fs.statSync(p).isDirectory()) throw bad(`${p}, which is a file`);
  for (const m of missing) {
    try {
      fs.mkdirSync(m); // not recursive: one clear error per component, never a loop on a special file system
    } catch (err) {
      throw bad(`${(err as NodeJS.ErrnoException).code ?? (err as Error).message} creating ${m}`);
    }
  }
  const probe = path.join(abs, `.gatescope-probe-${process.pid}`);
  try {
    fs.writeFileSync(probe, "");
    fs.rmSync(probe);
  } catch (err) {
    throw bad(`${(err as NodeJS.ErrnoException).code ?? (err as Error).message} writing there`);
  }
}

const lockPath = (dir: string) => path.join(dir, ".gatescope.lock");

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * One gatescope process works in a directory at a time: a lock file holds the owner's PID; a
 * lock whose owner is gone (killed, crashed) is taken over. Returns the release function.
 */
export function lockDir(dir: string): () => void {
  const file = lockPath(dir);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: "wx" });
      return () => {
        if (fs.existsSync(file) && fs.readFileSync(file, "utf8") === String(process.pid)) fs.rmSync(file);
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const owner = Number(fs.readFileSync(file, "utf8"));
      if (Number.isInteger(owner) && owner > 0 && pidAlive(owner)) {
        throw new GatescopeError(
          `${dir}: expected no other gatescope process working there, got PID ${owner} (${file}); ` +
            "wait for it, or remove the lock file if that process is not gatescope",
        );
      }
      fs.rmSync(file, { force: true }); // stale: its owner is gone
    }
  }
  throw new GatescopeError(`${dir}: expected to take the lock ${file}, got another process taking it at the same time`);
}
