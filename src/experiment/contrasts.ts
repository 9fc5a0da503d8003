/**
 * Rows side by side, as a cited paper compares its models: at one task and T, two cells whose models differ only
 * in their kind (at one depth) or only in their depth (one kind) — the hidden size following whatever parameter
 * match the spec asks — with the mean test metric of the first minus the second's and a bootstrap 95 % interval,
 * each row's seeds resampled on their own. Which comparisons a recipe makes is data on it (`Recipe.contrasts`);
 * the numbers are our runs', never the paper's, so a comparison whose published outcome is not stored is still
 * answered, as ours.
 */
import { RECIPES, type Contrasted } from "./published";
import type { RunResult } from "./run";
import type { CellSpec, ExperimentSpec } from "./spec";
import { bootstrapDiffCI, mean } from "./stats";
import { rowRuns } from "./summary";

/** Two rows at one task and T: first − second, over the seeds each row's numbers come from. */
export interface Contrast {
  task: string;
  T: number;
  first: string;
  second: string;
  differs: Contrasted;
  seeds: [number, number];
  diff: number;
  diff_ci95: [number, number];
}

/** What alone differs between two cells' models, or null where something else (or nothing) does. */
function difference(a: CellSpec, b: CellSpec): Contrasted | null {
  const layers = (c: CellSpec) => c.rnn.numLayers ?? 1;
  if (a.rnn.kind !== b.rnn.kind && layers(a) === layers(b)) return "kind";
  if (a.rnn.kind === b.rnn.kind && layers(a) !== layers(b)) return "layers";
  return null;
}

/** Every comparison the recipes of the spec's tasks make, over the rows `runs` have on both sides. */
export function contrasts(spec: ExperimentSpec, runs: readonly RunResult[]): Contrast[] {
  const out: Contrast[] = [];
  for (const recipe of RECIPES.filter((r) => r.contrasts?.length)) {
    for (const entry of spec.tasks.filter((t) => (recipe.tasks as string[]).includes(t.name))) {
      for (const T of entry.T) {
        const row = (cell: string) => runs.filter((r) => r.task === entry.name && r.T === T && r.cell === cell);
        spec.cells.forEach((a, i) =>
          spec.cells.slice(i + 1).forEach((b) => {
            const differs = difference(a, b);
            const [ra, rb] = [row(a.name), row(b.name)];
            if (!differs || !recipe.contrasts!.includes(differs) || !ra.length || !rb.length) return;
            const xs = rowRuns(ra).rs.map((r) => r.final_test_metric);
            const ys = rowRuns(rb).rs.map((r) => r.final_test_metric);
            out.push({ task: entry.name, T, first: a.name, second: b.name, differs, seeds: [xs.length, ys.length],
              diff: mean(xs) - mean(ys), diff_ci95: bootstrapDiffCI(xs, ys) });
          }),
        );
      }
    }
  }
  return out;
}

const signed = (v: number, digits: number) => (v > 0 ? "+" : "") + v.toPrecision(digits).replace("-", "−");

/** What the tables say of the comparisons, and their columns. */
export const CONTRAST_CAPTION =
  "Rows compared, as the cited paper compares its models — the numbers are our runs': at one task and T, cells " +
  "that differ only in kind (one depth) or only in depth (one kind; hidden sizes as the spec matches them); the " +
  "first row's mean test metric minus the second's, with a bootstrap 95% interval (each row's seeds resampled " +
  "on their own). Below 0, the first is better; an interval that spans 0 does not tell them apart.";
export const CONTRAST_HEAD = ["task", "T", "first", "second", "differs in", "first − second [95% CI]", "seeds"];

export const contrastRow = (c: Contrast): string[] => [
  c.task,
  String(c.T),
  c.first,
  c.second,
  c.differs,
  `${signed(c.diff, 3)} [${signed(c.diff_ci95[0], 2)}, ${signed(c.diff_ci95[1], 2)}]`,
  `${c.seeds[0]} / ${c.seeds[1]}`,
];
