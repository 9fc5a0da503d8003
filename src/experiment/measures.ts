/**
 * The test measures a task reports beside its metric (a language model: bits per character, accuracy), for each
 * summary row over the seeds its numbers come from: the mean with a bootstrap 95 % interval.
 */
import type { ResultsFile } from "./results";
import { bootstrapMeanCI, mean } from "./stats";
import { rowKey } from "./spec";
import { groupBy, rowRuns } from "./summary";
import { taskFacts } from "./task-of";

/** One row's reported measures, by the measure's name in words. */
export interface MeasureRow {
  task: string;
  T: number;
  cell: string;
  seeds: number;
  measures: Record<string, { mean: number; ci95: [number, number] }>;
}

/** The summary's rows whose task reports measures, in the summary's order. */
export function measureRows(results: ResultsFile): MeasureRow[] {
  const byRow = groupBy(results.runs, rowKey);
  return results.summary.flatMap((row) => {
    const reported = Object.entries(taskFacts({ name: row.task, T: row.T }).reported ?? {});
    const { rs } = rowRuns(byRow.get(rowKey(row)) ?? []);
    const present = reported.filter(([key]) => rs.every((r) => Number.isFinite(r.final_test_extra[key])));
    if (!present.length) return [];
    const measures = Object.fromEntries(present.map(([key, words]) => {
      const xs = rs.map((r) => r.final_test_extra[key]);
      return [words, { mean: mean(xs), ci95: bootstrapMeanCI(xs) }];
    }));
    return [{ task: row.task, T: row.T, cell: row.cell, seeds: rs.length, measures }];
  });
}

/** The measures' columns over `rows`, each in the order first met. */
export const measureNames = (rows: MeasureRow[]): string[] => [
  ...new Set(rows.flatMap((r) => Object.keys(r.measures))),
];

export const MEASURES_CAPTION =
  "The task's other test measures of the same weights and seeds as the summary's rows: mean with a bootstrap " +
  "95% interval.";

/** A row's cells under `names`: task, T, cell, each measure "mean [low, high]" (— where its task has none). */
export function measureCells(r: MeasureRow, names: string[]): string[] {
  const p = (v: number, d: number) => v.toPrecision(d);
  return [r.task, String(r.T), r.cell, ...names.map((n) => {
    const m = r.measures[n];
    return m ? `${p(m.mean, 4)} [${p(m.ci95[0], 3)}, ${p(m.ci95[1], 3)}]` : "—";
  }), String(r.seeds)];
}
