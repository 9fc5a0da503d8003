/**
 * `gatescope reproduce [--preset tiny|quick|paper] [--seed S] [--out DIR] [--jobs N] [--dry-run]`:
 * the vanishing-gradient comparison, headless. Writes DIR/results.json, DIR/report.html (every
 * figure, offline) and DIR/runs/ (which lets an interrupted run resume), and prints the summary.
 * --dry-run prints the run list and an estimated CPU time from steps measured here, and runs nothing.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { MultiBar, Presets } from "cli-progress";
import { writeFileAtomic } from "../io/atomic";
import { runAll } from "../experiment/pool";
import { PRESETS, preset, type PresetName } from "../experiment/presets";
import { estimateRuns, formatDuration } from "../experiment/estimate";
import { expand, type RunSpec } from "../experiment/spec";
import { formatSummary, summarize } from "../experiment/summary";
import { manifest, RESULTS_SCHEMA, RESULTS_VERSION, type ResultsFile } from "../experiment/results";
import { reportHtml } from "../experiment/report";
import { summaryMarkdown } from "../experiment/tables";
import { backendInfo } from "../backend";

export interface ReproduceArgs {
  preset: PresetName;
  seed: number;
  out: string;
  jobs: number;
  dryRun: boolean;
}

export function parseReproduceArgs(argv: string[]): ReproduceArgs | string {
  const args: ReproduceArgs = { preset: "quick", seed: 0, out: "gatescope-results", jobs: Math.max(1, os.cpus().length), dryRun: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === "--dry-run") { args.dryRun = true; continue; }
    if (!["--preset", "--seed", "--out", "--jobs"].includes(flag)) return `expected one of --preset, --seed, --out, --jobs, --dry-run, got "${flag}"`;
    if (value === undefined) return `${flag}: expected a value, got none`;
    i++;
    if (flag === "--preset") {
      if (!(PRESETS as readonly string[]).includes(value)) return `--preset: expected one of ${PRESETS.join(", ")}, got "${value}"`;
      args.preset = value as PresetName;
    } else if (flag === "--seed") {
      if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) return `--seed: expected a non-negative integer, got "${value}"`;
      args.seed = Number(value);
    } else if (flag === "--jobs") {
      if (!/^\d+$/.test(value) || Number(value) < 1) return `--jobs: expected a positive integer, got "${value}"`;
      args.jobs = Number(value);
    } else args.out = value;
  }
  return args;
}

function dryRun(args: ReproduceArgs, runs: RunSpec[], out: (line: string) => void): void {
  out(`gatescope reproduce --preset ${args.preset} --seed ${args.seed} --dry-run: ${runs.length} runs (nothing is run)`);
  const est = estimateRuns(runs);
  const width = Math.max(...runs.map((r) => r.id.length));
  out(`${"run".padEnd(width)}  steps  ms/step  CPU bound`);
  runs.forEach((r, i) => out(`${r.id.padEnd(width)}  ${String(r.train.steps).padStart(5)}  ${est[i].step_ms.toFixed(1).padStart(7)}  ${formatDuration(est[i].cpu_s)}`));
  const total = est.reduce((s, e) => s + e.cpu_s, 0);
  out(`estimated CPU time: ≤ ${formatDuration(total)} (every run to its step limit; early stops make it shorter), ` +
    `≤ ${formatDuration(total / args.jobs)} wall on ${args.jobs} worker(s); steps timed on this machine, backend ${backendInfo().name}`);
}

export async function reproduce(argv: string[], out: (line: string) => void): Promise<number> {
  const args = parseReproduceArgs(argv);
  if (typeof args === "string") {
    out(`gatescope reproduce: ${args}`);
    return 2;
  }
  const started = new Date();
  const spec = preset(args.preset, args.seed);
  const runs = expand(spec);
  if (args.dryRun) {
    dryRun(args, runs, out);
    return 0;
  }
  fs.mkdirSync(args.out, { recursive: true });
  out(`gatescope reproduce --preset ${args.preset} --seed ${args.seed}: ${runs.length} runs on ${args.jobs} worker(s) → ${path.resolve(args.out)}`);

  const total = runs.reduce((s, r) => s + r.train.steps, 0);
  const progress = new Map<string, number>();
  // A bar with ETA on a terminal; plain lines (one per finished run) otherwise.
  const bars = process.stdout.isTTY
    ? new MultiBar({ format: "{bar} {percentage}% | {value}/{total} steps | ETA {eta_formatted} | {runs}", hideCursor: true }, Presets.shades_classic)
    : null;
  const bar = bars?.create(total, 0, { runs: `0/${runs.length} runs` });
  let done = 0;
  const update = () => bar?.update([...progress.values()].reduce((a, b) => a + b, 0), { runs: `${done}/${runs.length} runs` });
  const results = await runAll(runs, {
    dir: args.out,
    jobs: args.jobs,
    onProgress: (id, step) => { progress.set(id, step); update(); },
    onDone: (r, cached) => {
      done++;
      progress.set(r.id, runs.find((x) => x.id === r.id)!.train.steps); // an early stop completes the run
      const line = `[${done}/${runs.length}] ${r.task} T=${r.T} ${r.cell} lr ${r.lr} seed ${r.seed}: val ${r.final_val_metric.toPrecision(3)}, ` +
        `test ${r.final_test_metric.toPrecision(3)} ` +
        `(baseline ${r.baseline.toPrecision(3)})${r.solved ? `, solved at step ${r.solved_at}` : ", not solved"} after ${r.steps} steps, ${cached ? "cached" : `${r.wall_s.toFixed(0)} s`}`;
      if (bars) bars.log(`${line}\n`);
      else out(line);
      update();
    },
  });
  bars?.update(); // flushes the last logged line, which stop() alone would drop
  bars?.stop();
  const summary = summarize(results);
  const file: ResultsFile = {
    schema: RESULTS_SCHEMA, version: RESULTS_VERSION,
    manifest: manifest({
      command: ["gatescope", "reproduce", ...argv].join(" "), preset: args.preset, seed: args.seed, jobs: args.jobs,
      config: spec, started: started.toISOString(), wall_s: (Date.now() - started.getTime()) / 1000,
      runs_wall_s: results.reduce((s, r) => s + r.wall_s, 0),
    }),
    runs: results,
    summary,
  };
  const resultsPath = path.join(args.out, "results.json");
  writeFileAtomic(resultsPath, JSON.stringify(file));
  const reportPath = path.join(args.out, "report.html");
  writeFileAtomic(reportPath, reportHtml(file));
  writeFileAtomic(path.join(args.out, "summary.md"), summaryMarkdown(file));
  out("");
  out(formatSummary(summary));
  out("");
  out(`wrote ${resultsPath}, ${reportPath} and summary.md (${file.manifest.wall_s.toFixed(0)} s, backend ${file.manifest.backend.name})`);
  return 0;
}
