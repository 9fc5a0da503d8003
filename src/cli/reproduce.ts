/**
 * `gatescope reproduce`: the vanishing-gradient comparison, headless.
 *   --preset tiny|quick|paper or --spec FILE (an experiment spec as JSON), --seed S, --out DIR
 *   --executor local   (default) a worker pool on this machine, --jobs N workers, --threads 1|2|auto
 *                      per run (auto: 2 where the runs going at once leave two cores each)
 *   --executor slurm   one `sbatch --array` of `gatescope run-one` tasks, [--max-parallel K]
 *                      [--sbatch-arg ARG]… [--no-wait]; followed until done, then collected
 *   --executor list    prints one `run-one` command per unfinished run, for any other scheduler
 *   --dry-run          prints the run list and an estimated CPU time, and runs nothing
 * Writes DIR/experiment.json, DIR/runs/ (one file per finished run, so an interrupted or
 * partly failed experiment resumes), and — once runs are in — DIR/results.json, report.html and
 * summary.md, and prints the summary.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { MultiBar, Presets } from "cli-progress";
import { backendInfo, type Threads } from "../backend";
import { GatescopeError } from "../errors";
import { collect, runStates, type Collected } from "../experiment/collect";
import { estimateRuns, formatDuration, type RunEstimate } from "../experiment/estimate";
import { listRuns, readiness, runLocally, runOnSlurm } from "../experiment/executors";
import { StopFlag } from "../experiment/stop-flag";
import { PRESETS, preset, type PresetName } from "../experiment/presets";
import { logFile, shellQuote } from "../experiment/slurm";
import { expand, pilotSeeds, rows, type ExperimentSpec, type RunSpec } from "../experiment/spec";
import { lockDir, readExperiment, runCheckpointStep, writeExperiment } from "../experiment/store";
import { formatSummary, metricOnly } from "../experiment/summary";
import { OPTIONS_ONLY, parseCommandArgs } from "./args";

export const EXECUTORS = ["local", "slurm", "list"] as const;

export interface ReproduceArgs {
  preset: PresetName;
  /** An experiment spec file instead of a preset. */
  spec: string | null;
  seed: number;
  out: string;
  jobs: number;
  threads: Threads;
  dryRun: boolean;
  executor: (typeof EXECUTORS)[number];
  maxParallel: number | null;
  sbatchArgs: string[];
  wait: boolean;
}

/** A user's mistake on the command line, in the voice every command's parser uses. */
const bad = (message: string): never => {
  throw new GatescopeError(`reproduce: ${message}`);
};

export function parseReproduceArgs(argv: string[]): ReproduceArgs {
  const args: ReproduceArgs = {
    preset: "quick",
    spec: null,
    seed: 0,
    out: "gatescope-results",
    jobs: Math.max(1, os.cpus().length),
    threads: "auto",
    dryRun: false,
    executor: "local",
    maxParallel: null,
    sbatchArgs: [],
    wait: true,
  };
  const given = parseCommandArgs("reproduce", argv, OPTIONS_ONLY);
  for (const flag of given.given) {
    const value = given.value(flag)!;
    if (flag === "--dry-run") args.dryRun = true;
    else if (flag === "--no-wait") args.wait = false;
    else if (flag === "--preset") {
      if (!(PRESETS as readonly string[]).includes(value))
        bad(`--preset: expected one of ${PRESETS.join(", ")}, got "${value}"`);
      args.preset = value as PresetName;
    } else if (flag === "--seed") {
      if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value)))
        bad(`--seed: expected a non-negative integer, got "${value}"`);
      args.seed = Number(value);
    } else if (flag === "--jobs" || flag === "--max-parallel") {
      if (!/^\d+$/.test(value) || Number(value) < 1) bad(`${flag}: expected a positive integer, got "${value}"`);
      if (flag === "--jobs") args.jobs = Number(value);
      else args.maxParallel = Number(value);
    } else if (flag === "--threads") {
      if (!["1", "2", "auto"].includes(value)) bad(`--threads: expected 1, 2 or auto, got "${value}"`);
      args.threads = value === "auto" ? value : (Number(value) as 1 | 2);
    } else if (flag === "--executor") {
      if (!(EXECUTORS as readonly string[]).includes(value))
        bad(`--executor: expected one of ${EXECUTORS.join(", ")}, got "${value}"`);
      args.executor = value as ReproduceArgs["executor"];
    } else if (flag === "--sbatch-arg") args.sbatchArgs = given.values(flag);
    else if (flag === "--spec") args.spec = value;
    else if (flag === "--out") args.out = value;
    else throw new Error(`reproduce: ${flag} is declared in help.ts but has no branch in parseReproduceArgs`);
  }
  if (args.executor !== "slurm" && (args.maxParallel !== null || args.sbatchArgs.length || !args.wait)) {
    bad(`--max-parallel, --sbatch-arg and --no-wait: expected --executor slurm, got --executor ${args.executor}`);
  }
  return args;
}

function readSpecFile(file: string): ExperimentSpec {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new GatescopeError(`--spec ${file}: expected an experiment spec as JSON, got ${(err as Error).message}`);
  }
}

function dryRun(
  label: string,
  args: ReproduceArgs,
  spec: ExperimentSpec,
  runs: RunSpec[],
  out: (line: string) => void,
): void {
  out(`gatescope reproduce ${label} --seed ${args.seed} --dry-run: ${runs.length} runs (nothing is run)`);
  if (spec.lrSelection === "staged") {
    const pilots = runs.filter((r) => r.stage === "pilot").length;
    const full = rows(spec).reduce((n, r) => n + r.lrs.length * r.seeds.length, 0);
    out(
      `staged learning-rate selection: ${pilots} pilot runs (every rate, ${pilotSeeds(spec)} seed(s)), then ` +
        `${runs.filter((r) => r.stage === "chosen").length} at each row's chosen rate; the full sweep would be ` +
        `${full} runs`,
    );
  }
  // The out directory's finished runs of this experiment need no time, and their steps are early stopping's record.
  const done = sameExperiment(args.out, spec) ? runStates(args.out).filter((st) => st.result) : [];
  const finished = done.map((st) => ({ spec: st.spec, steps: st.result!.steps }));
  const isDone = new Set(done.map((st) => st.spec.id));
  const todo = runs.filter((r) => !isDone.has(r.id));
  const from = new Map(todo.flatMap((r) => {
    const step = runCheckpointStep(args.out, r.id);
    return step === null ? [] : [[r.id, step] as const];
  }));
  const est = estimateRuns(todo, 5, finished, from);
  const width = Math.max(...runs.map((r) => r.id.length));
  if (done.length) out(`${done.length} of the ${runs.length} runs are finished in ${args.out}: listed are the others`);
  out(`${"run".padEnd(width)}  steps  ms/step  CPU bound  expected`);
  todo.forEach((r, i) => {
    const steps = String(r.train.steps).padStart(5);
    const e = est[i];
    const expected = e.expected_s === null ? "—" : `${formatDuration(e.expected_s)} (${e.record} finished)`;
    const resumed = from.has(r.id) ? `  from its checkpoint at step ${from.get(r.id)}` : "";
    const cols = `${steps}  ${e.step_ms.toFixed(1).padStart(7)}  ${formatDuration(e.cpu_s).padStart(9)}  ${expected}`;
    out(`${r.id.padEnd(width)}  ${cols}${resumed}`);
  });
  const bound = (es: RunEstimate[]) => es.reduce((sum, e) => sum + e.cpu_s, 0);
  const total = bound(est);
  out(
    `estimated CPU time: ≤ ${formatDuration(total)} (every run to its step limit; early stops make it shorter), ` +
      `≤ ${formatDuration(total / args.jobs)} wall on ${args.jobs} worker(s); steps timed on this machine, ` +
      `backend ${backendInfo().name}`,
  );
  const known = est.filter((e) => e.expected_s !== null);
  if (known.length) {
    const others = est.filter((e) => e.expected_s === null);
    const rest = others.length ? `, plus ≤ ${formatDuration(bound(others))} for the others` : "";
    out(
      `expected: ${formatDuration(known.reduce((sum, e) => sum + e.expected_s!, 0))} for the ${known.length} ` +
        `run(s) whose rows have finished runs (at the median of their steps)${rest}`,
    );
  }
}

/** Whether `dir` holds this experiment already (its finished runs then count). */
function sameExperiment(dir: string, spec: ExperimentSpec): boolean {
  const file = path.join(dir, "experiment.json");
  return fs.existsSync(file) && JSON.stringify(readExperiment(dir).spec) === JSON.stringify(spec);
}

const runLine = (r: Collected["file"]["runs"][number], cached: boolean) =>
  `${r.task} T=${r.T} ${r.cell} lr ${r.lr} seed ${r.seed}: val ${r.final_val_metric.toPrecision(3)}, ` +
  `test ${r.final_test_metric.toPrecision(3)} (baseline ${r.baseline.toPrecision(3)})` +
  `${r.solved ? `, solved at step ${r.solved_at}` : metricOnly(r) ? "" : ", not solved"} after ${r.steps} steps, ` +
  (cached ? "cached" : `${r.wall_s.toFixed(0)} s`);

/** Runs here on a worker pool, with a progress bar on a terminal and a line per finished run otherwise. */
async function runHere(args: ReproduceArgs, out: (line: string) => void): Promise<void> {
  const runs = readiness(args.out).map((r) => r.spec);
  const total = runs.reduce((s, r) => s + r.train.steps, 0);
  const progress = new Map<string, number>();
  const bars = process.stdout.isTTY
    ? new MultiBar(
        { format: "{bar} {percentage}% | {value}/{total} steps | ETA {eta_formatted} | {runs}", hideCursor: true },
        Presets.shades_classic,
      )
    : null;
  const bar = bars?.create(total, 0, { runs: `0/${runs.length} runs` });
  let done = 0;
  const update = () =>
    bar?.update(
      [...progress.values()].reduce((a, b) => a + b, 0),
      { runs: `${done}/${runs.length} runs` },
    );
  // SIGTERM or SIGINT: every run going writes a checkpoint at the step it is on; the command exits 2 saying where.
  const stop = new StopFlag();
  const quiet = stop.onSignals();
  try {
    await runLocally(args.out, {
      jobs: args.jobs,
      threads: args.threads,
      stop,
      onProgress: (id, step) => {
        progress.set(id, step);
        update();
      },
      onRestart: (id, why) => {
        const line = `${id}: its checkpoint cannot resume it (${why}); starting over`;
        if (bars) bars.log(`${line}\n`);
        else out(line);
      },
      onDone: (r, cached) => {
        done++;
        progress.set(r.id, runs.find((x) => x.id === r.id)!.train.steps); // an early stop completes the run
        const line = `[${done}/${runs.length}] ${runLine(r, cached)}`;
        if (bars) bars.log(`${line}\n`);
        else out(line);
        update();
      },
    });
  } finally {
    quiet();
    bars?.update(); // flushes the last logged line, which stop() alone would drop
    bars?.stop();
  }
}

export async function reproduce(argv: string[], out: (line: string) => void): Promise<number> {
  const args = parseReproduceArgs(argv);
  backendInfo(); // an unknown GATESCOPE_BACKEND is refused here, before anything is written
  const started = new Date();
  const spec = args.spec ? readSpecFile(args.spec) : preset(args.preset, args.seed);
  const label = args.spec ? `spec:${path.basename(args.spec)}` : args.preset;
  const runs = expand(spec);
  if (args.dryRun) {
    dryRun(args.spec ? `--spec ${args.spec}` : `--preset ${args.preset}`, args, spec, runs, out);
    return 0;
  }
  writeExperiment(args.out, { preset: label, seed: args.seed, spec });
  const command = ["gatescope", "reproduce", ...argv].join(" ");
  if (args.executor === "list") {
    const { commands, waiting } = listRuns(args.out);
    for (const c of commands) out(c.map(shellQuote).join(" "));
    if (waiting) out(`# ${waiting} chosen-rate run(s) wait for their pilots: list again once those have finished`);
    return 0;
  }
  const cap = 4 * os.cpus().length;
  if (args.jobs > cap) {
    out(`--jobs ${args.jobs}: more workers than 4 × ${os.cpus().length} cores only thrash; using ${cap}`);
    args.jobs = cap;
  }
  const release = lockDir(args.out);
  try {
    return await execute(args, label, command, runs, out, started);
  } finally {
    release();
  }
}

async function execute(
  args: ReproduceArgs,
  label: string,
  command: string,
  runs: RunSpec[],
  out: (line: string) => void,
  started: Date,
): Promise<number> {
  const where = path.resolve(args.out);
  out(`gatescope reproduce ${label} --seed ${args.seed}: ${runs.length} runs (${args.executor}) → ${where}`);
  let job: string | null = null;
  if (args.executor === "local") await runHere(args, out);
  else {
    const { sbatchArgs, wait } = args;
    job = await runOnSlurm(args.out, { label, sbatchArgs, wait, out, maxParallel: args.maxParallel ?? undefined });
    if (!wait && job) {
      out(`not waiting: follow with "squeue -j ${job}", then "gatescope collect ${where}"`);
      const waiting = readiness(args.out).filter((r) => r.state === "waiting").length;
      if (waiting) out(`${waiting} chosen-rate run(s) wait for their pilots: run this again after job ${job}`);
      return 0;
    }
  }
  const how = {
    command,
    jobs: args.executor === "local" ? args.jobs : (args.maxParallel ?? 0),
    executor: args.executor,
    started: started.toISOString(),
    wall_s: (Date.now() - started.getTime()) / 1000,
  };
  const { file, missing } = collect(args.out, how);
  out("");
  out(formatSummary(file.summary));
  out("");
  const backend = file.manifest.backend.name;
  out(`wrote results.json, report.html and summary.md to ${where} (${how.wall_s.toFixed(0)} s, backend ${backend})`);
  if (missing.length === 0) return 0;
  out(`${missing.length} of ${runs.length} runs did not finish:`);
  const index = new Map(runs.map((r, i) => [r.id, i]));
  for (const m of missing) out(`  ${m.id}${job ? `  (log: ${logFile(args.out, job, index.get(m.id)!)})` : ""}`);
  out(`resubmit just those with: ${command}`);
  return 1;
}
