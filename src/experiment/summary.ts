/**
 * The summary table of an experiment: one row per task × T × cell. Where learning rates were
 * swept, the row is the learning rate with the lowest mean *validation* metric over seeds (the
 * test metric never chooses); every rate's numbers stay in `lr_sweep` for the sensitivity plot.
 * A row's numbers and verdict come from the seeds that took no part in choosing its rate (a staged
 * sweep's chosen-rate seeds; every seed of a single rate); the chosen rate over every seed, the
 * choosing ones too, is shown second, labelled; where the paper states its own rate, our runs at
 * that rate give a second verdict.
 * Intervals: a bootstrap 95 % interval of the mean test metric, Wilson's for the solve rate,
 * median and interquartile range of the steps to solve (over the seeds that solved).
 */
import { findClaim, judge, paperSteps, type Expectation, type Source, type Verdict } from "./published";
import type { RunResult } from "./run";
import { chooseRate, expand, rowKey, selectionSeeds, type ExperimentSpec } from "./spec";
import { bootstrapMeanCI, mean, quantile, sd, wilsonCI } from "./stats";
import { taskFacts } from "./task-of";

/** A row's test metric and solves over some of its seeds. */
export interface SeedStats {
  seeds: number;
  metric_mean: number;
  metric_ci95: [number, number];
  solved: number;
}

/** One row of the summary: a cell on a task at length T, over its seeds, with intervals and the verdict. */
export interface SummaryRow {
  task: string;
  T: number;
  cell: string;
  hidden: number;
  params: number | null;
  /** The learning rate selected on validation (the only one when there was no sweep). */
  lr: number;
  /** Seeds the row's numbers and verdict come from. */
  seeds: number;
  /** Whether those seeds took no part in choosing the rate (false: a full sweep, every seed chose). */
  fresh: boolean;
  /** The chosen rate over every seed, the ones that chose it too; null where none did (one rate). */
  with_pilots: SeedStats | null;
  /** Our runs at the rate the paper states for this row, judged alike; null where it states none. */
  authors: (SeedStats & { lr: number; verdict: Verdict | null }) | null;
  /** Test metric of each seed's selected weights: mean, sample sd, bootstrap 95 % interval. */
  metric_mean: number;
  metric_std: number;
  metric_ci95: [number, number];
  /** Mean validation metric: what selected the learning rate. */
  val_mean: number;
  baseline: number;
  /** metric_mean / baseline: below 1 beats the trivial predictor. */
  vs_baseline: number;
  /** Seeds whose selected weights meet the criterion on the test set, with Wilson's 95 % interval of the rate. */
  solved: number;
  solved_ci95: [number, number];
  /** Over the seeds that solved: first evaluated step meeting the criterion on validation. */
  steps_to_solve_median: number | null;
  steps_to_solve_iqr: [number, number] | null;
  published: string;
  source: Source | null;
  expect: Expectation | null;
  /** The steps the paper ran for this claim at this T (read from its figures), or null. */
  paper_steps: number | null;
  /** The most steps a seed ran (a seed that did not stop early ran the whole budget). */
  steps_run: number;
  /** Runs of this row the experiment lists that are not made yet: while any are, no verdict. */
  runs_missing: number;
  /**
   * The published outcome's predicate on this row (see `judge`), or null: nothing comparable published, a
   * budget shorter than the paper's that cannot show it, or runs still to make.
   */
  verdict: Verdict | null;
  /** Every swept rate: validation mean and range over seeds, test mean, solves. */
  lr_sweep: Array<{
    lr: number;
    val_mean: number;
    val_min: number;
    val_max: number;
    test_mean: number;
    solved: number;
    seeds: number;
  }>;
}

/** Items grouped by a key, groups and items in first-seen order. */
export function groupBy<T>(xs: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    if (!m.has(k)) m.set(k, []);
    m.get(k)!.push(x);
  }
  return m;
}

/**
 * The runs of each row that the experiment lists but `missing` names (not made yet, or failed),
 * by row key; the ids of a staged sweep's chosen runs name no rate, so they map before it is known.
 */
export function missingByRow(spec: ExperimentSpec, missing: readonly string[]): Map<string, number> {
  const rowOf = new Map(expand(spec).map((r) => [r.id, rowKey(r)]));
  const counts = new Map<string, number>();
  for (const id of missing) {
    const row = rowOf.get(id);
    if (row !== undefined) counts.set(row, (counts.get(row) ?? 0) + 1);
  }
  return counts;
}

/**
 * A row's runs at its chosen rate (chosen on the seeds every rate ran: all of them in a full sweep, the pilot's in
 * a staged one), those of them that took no part in choosing it, and the ones its numbers come from: the fresh
 * ones, or every chosen one where all chose (a full sweep).
 */
export function rowRuns(group: RunResult[]): { chosen: RunResult[]; fresh: RunResult[]; rs: RunResult[] } {
  const lr = chooseRate(group);
  const chose = selectionSeeds(group);
  const chosen = group.filter((r) => r.lr === lr);
  const fresh = chosen.filter((r) => !chose.includes(r.seed));
  return { chosen, fresh, rs: fresh.length ? fresh : chosen };
}

/** Summary rows; a row with runs still missing (`missing`, by row key) gets no verdict until they are made. */
export function summarize(results: RunResult[], missing: ReadonlyMap<string, number> = new Map()): SummaryRow[] {
  return [...groupBy(results, rowKey).values()].map((group) => {
    const byLr = [...groupBy(group, (r) => String(r.lr)).values()].sort((a, b) => a[0].lr - b[0].lr);
    const sweep = byLr.map((rs) => ({
      lr: rs[0].lr,
      val_mean: mean(rs.map((r) => r.final_val_metric)),
      val_min: Math.min(...rs.map((r) => r.final_val_metric)),
      val_max: Math.max(...rs.map((r) => r.final_val_metric)),
      test_mean: mean(rs.map((r) => r.final_test_metric)),
      solved: rs.filter((r) => r.solved).length,
      seeds: rs.length,
    }));
    const { chosen, fresh, rs } = rowRuns(group);
    const pick = sweep.findIndex((s) => s.lr === chosen[0].lr);
    const steps = rs.filter((r) => r.solved && r.solved_at !== null).map((r) => r.solved_at!);
    const first = rs[0];
    const claim = findClaim(first.task, first.T, first.cell);
    const own = seedStats(rs);
    const runs_missing = missing.get(rowKey(first)) ?? 0;
    const paper = paperSteps(claim, first.T);
    const verdictOf = (o: SeedStats, runs: RunResult[]) =>
      runs_missing > 0 ? null : judge(claim?.expect ?? null, { ...o, baseline: first.baseline,
        steps: Math.max(...runs.map((r) => r.steps)) }, paper);
    const atTheirs = claim?.lr === undefined ? undefined : byLr.find((b) => b[0].lr === claim.lr);
    const theirs = atTheirs && seedStats(atTheirs);
    return {
      task: first.task,
      T: first.T,
      cell: first.cell,
      hidden: first.hidden,
      params: first.params,
      lr: first.lr,
      seeds: rs.length,
      fresh: fresh.length > 0,
      with_pilots: fresh.length && fresh.length < chosen.length ? seedStats(chosen) : null,
      authors: theirs ? { lr: claim!.lr!, ...theirs, verdict: verdictOf(theirs, atTheirs!) } : null,
      metric_mean: own.metric_mean,
      metric_std: sd(rs.map((r) => r.final_test_metric)),
      metric_ci95: own.metric_ci95,
      val_mean: sweep[pick].val_mean,
      baseline: first.baseline,
      vs_baseline: own.metric_mean / first.baseline,
      solved: own.solved,
      solved_ci95: wilsonCI(own.solved, rs.length),
      steps_to_solve_median: steps.length ? quantile(steps, 0.5) : null,
      steps_to_solve_iqr: steps.length ? [quantile(steps, 0.25), quantile(steps, 0.75)] : null,
      published: claim?.text ?? "not reported by the cited papers",
      source: claim?.source ?? null,
      expect: claim?.expect ?? null,
      paper_steps: paper,
      steps_run: Math.max(...rs.map((r) => r.steps)),
      runs_missing,
      verdict: verdictOf(own, rs),
      lr_sweep: sweep,
    };
  });
}

/** Test metric (mean, bootstrap 95 % interval) and solves over `runs`. */
function seedStats(runs: RunResult[]): SeedStats {
  const m = runs.map((r) => r.final_test_metric);
  const solved = runs.filter((r) => r.solved).length;
  return { seeds: runs.length, metric_mean: mean(m), metric_ci95: bootstrapMeanCI(m), solved };
}

const p3 = (v: number) => (Number.isFinite(v) ? v.toPrecision(3) : String(v));
const p2 = (v: number) => (Number.isFinite(v) ? v.toPrecision(2) : String(v));
const pct = (v: number) => (Number.isFinite(v) ? `${Math.round(v * 100)}` : String(v));

/** One row's cells as the terminal, Markdown and LaTeX tables show them. */
export function summaryCells(r: SummaryRow): Record<string, string> {
  return {
    task: r.task,
    T: String(r.T),
    cell: r.cell,
    H: String(r.hidden),
    lr: String(r.lr),
    test: `${p3(r.metric_mean)} [${p2(r.metric_ci95[0])}, ${p2(r.metric_ci95[1])}]${r.fresh ? "" : " †"}`,
    pilots: r.with_pilots ? statsText(r.with_pilots) : "—",
    ratio: Number.isFinite(r.vs_baseline) ? r.vs_baseline.toFixed(3) : String(r.vs_baseline),
    solved: `${r.solved}/${r.seeds} [${pct(r.solved_ci95[0])}–${pct(r.solved_ci95[1])}%]`,
    steps:
      r.steps_to_solve_median === null
        ? "—"
        : `${r.steps_to_solve_median} [${r.steps_to_solve_iqr![0]}–${r.steps_to_solve_iqr![1]}]`,
    verdict: r.verdict === null ? "—" : { agrees: "yes", deviates: "NO", inconclusive: "?" }[r.verdict],
  };
}

export const SUMMARY_HEADINGS: Record<string, string> = {
  task: "task",
  T: "T",
  cell: "cell",
  H: "H",
  lr: "lr",
  test: "test metric [95% CI]",
  pilots: "with pilots",
  ratio: "÷ base",
  solved: "solved [95% CI]",
  steps: "steps [IQR]",
  verdict: "verdict",
};

/** Whether a row's task is judged by its metric alone, so that solves say nothing of it. */
export const metricOnly = (r: Pick<SummaryRow, "task" | "T">): boolean =>
  taskFacts({ name: r.task, T: r.T }).metricOnly === true;

/** The columns a table of `rows` shows: no solves where no row's task is ever solved. */
export function summaryKeys(rows: readonly SummaryRow[]): string[] {
  const solves = !rows.every(metricOnly);
  return Object.keys(SUMMARY_HEADINGS).filter((k) => solves || (k !== "solved" && k !== "steps"));
}

/** Test metric [interval], solves of seeds: a second set of a row's numbers. */
export const statsText = (o: SeedStats): string =>
  `${p3(o.metric_mean)} [${p2(o.metric_ci95[0])}, ${p2(o.metric_ci95[1])}] ${o.solved}/${o.seeds}`;

/** The verdict at the rate the paper states, where it differs from ours: "" where it states none or ours is it. */
export function authorsVerdictText(r: SummaryRow): string {
  if (!r.authors || r.authors.lr === r.lr) return "";
  const v = verdictText({ ...r, verdict: r.authors.verdict });
  return `at the paper's rate ${r.authors.lr}: ${v} (${statsText(r.authors)})`;
}

/**
 * A row's verdict in words. Null is "not comparable": nothing comparable published, or (with the
 * paper's steps known) a budget too short to show the claim — `judge` says which it can show.
 */
export function verdictText(
  r: Pick<SummaryRow, "verdict" | "expect" | "steps_run" | "paper_steps" | "runs_missing">,
): string {
  if (r.verdict !== null) return r.verdict;
  if (r.runs_missing > 0) return `not yet: ${r.runs_missing} of the row's runs still to make`;
  // A claim without a predicate is not comparable at any budget: naming the budget would suggest otherwise.
  if (r.expect === null || !r.paper_steps) return "not comparable";
  return `not comparable: ≤ ${r.steps_run} steps run, the paper ran ${r.paper_steps}`;
}

/** How a row's seeds are split, under every table of rows. */
export const SEEDS_NOTE =
  "Test metric, solves and verdict: over the seeds that took no part in choosing the row's rate (a staged " +
  "sweep's chosen-rate seeds; every seed of a single rate; † where every seed chose it, a full sweep). With " +
  "pilots: the chosen rate over every seed, the choosing ones too.";

/** A plain-text table that fits 100 columns for the usual rows; claims follow, one per line. */
export function formatSummary(rows: SummaryRow[]): string {
  const keys = summaryKeys(rows);
  const body = rows.map((r) => summaryCells(r));
  const widths = keys.map((k) => Math.max(SUMMARY_HEADINGS[k].length, ...body.map((b) => b[k].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join(" ")
      .trimEnd();
  const claims = rows
    .filter((r) => r.expect !== null)
    .map((r) => {
      const verdict = verdictText(r).replace(/^deviates$/, "DEVIATES");
      const theirs = authorsVerdictText(r);
      return `  ${r.task} T=${r.T} ${r.cell}: ${r.published} — ${verdict}${theirs ? `; ${theirs}` : ""}`;
    });
  return [
    line(keys.map((k) => SUMMARY_HEADINGS[k])),
    line(widths.map((w) => "-".repeat(w))),
    ...body.map((b) => line(keys.map((k) => b[k]))),
    "",
    SEEDS_NOTE,
    ...(claims.length ? ["", "Published outcomes (predicate on the row above):", ...claims] : []),
  ].join("\n");
}
