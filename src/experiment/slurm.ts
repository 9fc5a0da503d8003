/**
 * The Slurm executor: we do not schedule, we hand independent runs to the scheduler a lab
 * already has. One `sbatch --array` whose task k runs run k of DIR/experiment.json through
 * `gatescope run-one`, with the same Node and the same installed gatescope that submitted it,
 * one CPU per task (a run is single-threaded, so Slurm's grant is used and not exceeded), and
 * the submitter's backend pinned so every task computes with the same kernels. Only runs
 * without a finished file are submitted, so resubmitting finishes just what is missing.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { backendInfo } from "../backend";
import { GatescopeError } from "../errors";
import { writeFileAtomic } from "../io/atomic";

/** Array indices as Slurm's compact list: [0,1,2,5,7,8] → "0-2,5,7-8". */
export function arraySpec(indices: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < indices.length;) {
    let j = i;
    while (j + 1 < indices.length && indices[j + 1] === indices[j] + 1) j++;
    parts.push(i === j ? String(indices[i]) : `${indices[i]}-${indices[j]}`);
    i = j + 1;
  }
  return parts.join(",");
}

/** The command that runs one run of DIR with this very Node and this very gatescope. */
export function runOneCommand(dir: string, index?: number): string[] {
  const cli = path.resolve(__dirname, "..", "cli", "main.js");
  return [
    process.execPath,
    cli,
    "run-one",
    path.resolve(dir),
    ...(index === undefined ? [] : ["--index", String(index)]),
  ];
}

/** A word for a POSIX shell: as it is when it is plain, else single-quoted. */
export const shellQuote = (s: string) => (/^[\w./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** DIR/slurm/run.sh: one array task = one run, its log in DIR/slurm/<job>_<task>.out. */
export function writeBatchScript(dir: string, name: string): string {
  const abs = path.resolve(dir);
  const file = path.join(abs, "slurm", "run.sh");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const backend = backendInfo().name; // the exact build: a node without relaxed SIMD fails, not mixes
  const script = [
    "#!/bin/bash",
    `#SBATCH --job-name=${name.replace(/[^A-Za-z0-9_.-]/g, "_")}`,
    `#SBATCH --output=${path.join(abs, "slurm", "%A_%a.out")}`,
    "#SBATCH --ntasks=1",
    "#SBATCH --cpus-per-task=1",
    "# One run of the gatescope experiment in this folder; the array index says which.",
    "# One CPU and one thread per task, so the node's cores are used, not oversubscribed.",
    `export GATESCOPE_BACKEND=${backend}`,
    "export GATESCOPE_THREADS=1",
    `exec ${runOneCommand(abs).map(shellQuote).join(" ")} --index "$SLURM_ARRAY_TASK_ID"`,
    "",
  ].join("\n");
  writeFileAtomic(file, script);
  fs.chmodSync(file, 0o755);
  return file;
}

function slurm(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (err) {
    const e = err as { code?: string; stderr?: string; message: string };
    if (e.code === "ENOENT")
      throw new GatescopeError(`slurm executor: expected ${cmd} on PATH (a Slurm client), got none`);
    throw new GatescopeError(`slurm executor: ${cmd} ${args.join(" ")} failed: ${(e.stderr || e.message).trim()}`);
  }
}

/** Submits the array; returns the job id. */
export function submitArray(
  script: string,
  indices: number[],
  options: { maxParallel?: number; sbatchArgs: string[] },
): string {
  const array = arraySpec(indices) + (options.maxParallel ? `%${options.maxParallel}` : "");
  const out = slurm("sbatch", ["--parsable", `--array=${array}`, ...options.sbatchArgs, script]).trim();
  const id = out.split(";")[0];
  if (!/^\d+$/.test(id))
    throw new GatescopeError(`slurm executor: expected a job id from sbatch --parsable, got "${out}"`);
  return id;
}

export type TaskState = "pending" | "running" | "done" | "failed";

/**
 * Each array task's state as squeue reports it (the controller keeps finished tasks for
 * MinJobAge); a task squeue no longer knows is reported as absent, and the caller decides from
 * the run files whether it finished.
 */
export function arrayStates(job: string): Map<number, TaskState> {
  let text = "";
  try {
    text = execFileSync("squeue", ["-h", "-r", "-t", "all", "-j", job, "-o", "%K %T"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
  } catch {
    return new Map(); // the job is gone from the controller
  }
  const states = new Map<number, TaskState>();
  for (const line of text.split("\n")) {
    const [k, state] = line.trim().split(/\s+/);
    if (!/^\d+$/.test(k ?? "")) continue;
    const s =
      state === "COMPLETED"
        ? "done"
        : ["PENDING", "CONFIGURING", "REQUEUED", "RESV_DEL_HOLD", "REQUEUE_HOLD", "SUSPENDED"].includes(state)
          ? "pending"
          : ["RUNNING", "COMPLETING", "STAGE_OUT", "SIGNALING"].includes(state)
            ? "running"
            : "failed";
    states.set(Number(k), s);
  }
  return states;
}

export const logFile = (dir: string, job: string, index: number) =>
  path.join(path.resolve(dir), "slurm", `${job}_${index}.out`);
