/**
 * An experiment on disk, so that any executor can run its runs and one merge collects them:
 *   DIR/experiment.json   the spec (and the preset and seed that made it), written once
 *   DIR/runs/<id>.json    one finished run each, written atomically by whoever ran it
 * A run file counts as finished only if it is whole and was made from the same run spec, by
 * the same backend and library version — anything else is redone, never trusted.
 */
import * as fs from "fs";
import * as path from "path";
import { backendInfo } from "../backend";
import { GatescopeError, fail } from "../errors";
import { writeFileAtomic } from "../io/atomic";
import { gatescopePackage } from "../io/package-root";
import type { RunResult } from "./run";
import { expand, type ExperimentSpec, type RunSpec } from "./spec";

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

/** Writes DIR/experiment.json, or checks that the one there describes the same experiment. */
export function writeExperiment(dir: string, file: Omit<ExperimentFile, "format" | "version">): void {
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

/** What makes two runs' numbers comparable beyond the spec: the code that computed them. */
function provenance(): { backend: string; version: string } {
  let version = "unknown";
  try {
    version = gatescopePackage().version;
  } catch {
    // a copy without its package.json: runs still compare by backend
  }
  return { backend: backendInfo().name, version };
}

/** The finished run for `spec` in `dir`, or null when it is missing, damaged or made differently. */
export function readRun(dir: string, spec: RunSpec): RunResult | null {
  const file = runPath(dir, spec.id);
  if (!fs.existsSync(file)) return null;
  try {
    const doc = JSON.parse(fs.readFileSync(file, "utf8"));
    const same =
      JSON.stringify(doc.spec) === JSON.stringify(spec) && JSON.stringify(doc.made) === JSON.stringify(provenance());
    const r = doc.result as RunResult;
    return same && typeof r === "object" && r !== null && r.id === spec.id && Array.isArray(r.evals) ? r : null;
  } catch {
    return null;
  }
}

export function writeRun(dir: string, spec: RunSpec, result: RunResult): void {
  fs.mkdirSync(path.join(dir, "runs"), { recursive: true });
  writeFileAtomic(runPath(dir, spec.id), JSON.stringify({ spec, made: provenance(), result }));
}
