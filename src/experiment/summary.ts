/** The summary table of an experiment: one row per task × T × cell, aggregated over seeds. */
import type { RunResult } from "./run";
import { publishedOutcome } from "./presets";

export interface SummaryRow {
  task: string;
  T: number;
  cell: string;
  seeds: number;
  metric_mean: number;
  metric_std: number;
  baseline: number;
  /** metric_mean / baseline: below 1 beats the trivial predictor. */
  vs_baseline: number;
  solved: number;
  /** Median over the solved seeds of the first step that met the criterion, or null. */
  steps_to_solve: number | null;
  published: string;
  /** Whether our outcome matches the published one (all seeds solved / none solved), or null. */
  agrees: boolean | null;
}

export function summarize(results: RunResult[]): SummaryRow[] {
  const groups = new Map<string, RunResult[]>();
  for (const r of results) {
    const k = `${r.task}\u0000${r.T}\u0000${r.cell}`;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(r);
  }
  return [...groups.values()].map((rs) => {
    const m = rs.map((r) => r.final_test_metric);
    const mean = m.reduce((a, b) => a + b, 0) / m.length;
    const std = Math.sqrt(m.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, m.length - 1));
    const solvedAt = rs.filter((r) => r.solved_at !== null).map((r) => r.solved_at!).sort((a, b) => a - b);
    const published = publishedOutcome(rs[0].task, rs[0].T, rs[0].cell);
    return {
      task: rs[0].task, T: rs[0].T, cell: rs[0].cell, seeds: rs.length,
      metric_mean: mean, metric_std: rs.length > 1 ? std : 0, baseline: rs[0].baseline, vs_baseline: mean / rs[0].baseline,
      solved: solvedAt.length, steps_to_solve: solvedAt.length ? solvedAt[Math.floor((solvedAt.length - 1) / 2)] : null,
      published: published.text,
      agrees: published.expect === null ? null : published.expect === "solve" ? solvedAt.length === rs.length : solvedAt.length === 0,
    };
  });
}

export function formatSummary(rows: SummaryRow[]): string {
  const head = ["task", "T", "cell", "test metric (mean ± sd)", "baseline", "÷ baseline", "solved", "steps to solve", "agrees", "published"];
  const body = rows.map((r) => [
    r.task, String(r.T), r.cell, `${r.metric_mean.toPrecision(3)} ± ${r.metric_std.toPrecision(2)}`, r.baseline.toPrecision(3),
    r.vs_baseline.toFixed(3), `${r.solved}/${r.seeds}`, r.steps_to_solve === null ? "—" : String(r.steps_to_solve),
    r.agrees === null ? "—" : r.agrees ? "yes" : "NO", r.published,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join("  ");
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}
