/**
 * results.json, schema "gatescope.results" version 1: a manifest (what produced the numbers),
 * every run, and the summary table.
 */
import { execFileSync } from "child_process";
import * as os from "os";
import { backendInfo } from "../backend";
import { gatescopePackage } from "../io/package-root";
import type { RunResult } from "./run";
import type { ExperimentSpec } from "./spec";
import type { SummaryRow } from "./summary";

export const RESULTS_SCHEMA = "gatescope.results";
export const RESULTS_VERSION = 1;

export interface Manifest {
  library: string;
  version: string;
  git_commit: string | null;
  node: string;
  platform: string;
  cpus: number;
  backend: { name: string; reason: string };
  command: string;
  preset: string;
  seed: number;
  jobs: number;
  config: ExperimentSpec;
  started: string;
  wall_s: number;
}

export interface ResultsFile {
  schema: typeof RESULTS_SCHEMA;
  version: typeof RESULTS_VERSION;
  manifest: Manifest;
  runs: RunResult[];
  summary: SummaryRow[];
}

function gitCommit(root: string): string | null {
  try {
    return execFileSync("git", ["rev-parse", "HEAD"], { cwd: root, stdio: ["ignore", "pipe", "ignore"] }).toString().trim() || null;
  } catch {
    return null;
  }
}

export function manifest(fields: Pick<Manifest, "command" | "preset" | "seed" | "jobs" | "config" | "started" | "wall_s">): Manifest {
  let pkg = { version: "unknown", root: process.cwd() };
  try {
    pkg = gatescopePackage();
  } catch {
    // run from a copy without its package.json: say so rather than fail the experiment
  }
  return {
    library: "gatescope", version: pkg.version, git_commit: gitCommit(pkg.root), node: process.version,
    platform: `${os.platform()} ${os.arch()}`, cpus: os.cpus().length, backend: backendInfo(), ...fields,
  };
}
