/**
 * An experiment presented: DIR/report.html from a results file — one self-contained offline
 * page with the protocol, the summary with intervals, published vs ours (each claim with its
 * source and predicate), the deviations table, every figure and the run manifest. The same
 * tables and figures feed `gatescope writeup`. Every string from configs or data is escaped.
 */
import { CONTRAST_CAPTION, CONTRAST_HEAD, contrastRow, contrasts } from "./contrasts";
import { taskFacts } from "./task-of";
import { gradientFlowFigure, gradientFlowHeatmap } from "../viz/gradient-flow";
import { gradientNormsFigure, sweepFigure } from "../viz/training";
import { cellLabel, type Figure } from "../viz/figure";
import { escapeHtml as e, figureHtml, htmlPage } from "../viz/html";
import { comparisonDashboard } from "./dashboard";
import { deviations } from "./deviations";
import { MEASURES_CAPTION, measureCells, measureNames, measureRows } from "./measures";
import { madeWith, runsCost, type ResultsFile } from "./results";
import type { RunResult } from "./run";
import { lengthKey, rowKey } from "./spec";
import {
  authorsVerdictText,
  groupBy,
  metricOnly,
  SEEDS_NOTE,
  SUMMARY_HEADINGS,
  summaryCells,
  summaryKeys,
  verdictText,
  type SummaryRow,
} from "./summary";

/** The runs behind the summary: for each task × T × cell, those at the learning rate validation chose. */
export function selectedRuns(results: ResultsFile): RunResult[] {
  const lr = new Map(results.summary.map((r) => [rowKey(r), r.lr]));
  return results.runs.filter((r) => lr.get(rowKey(r)) === r.lr);
}

const firstSeed = (rs: RunResult[]) =>
  rs.filter((r) => r.seed === Math.min(...rs.filter((x) => x.cell === r.cell).map((x) => x.seed)));

/** One figure of the report with its heading and caption. */
export type ReportFigure = { heading: string; caption: string; figure: Figure };

/** A run's gradient-flow profile at initialisation (dotted), beside which the others are drawn. */
const initialFlow = (r: RunResult) => ({
  cell: r.cell,
  label: `${cellLabel(r.cell)}, initial`,
  norms: r.grad_flow[0].norms,
  dash: "dot" as const,
});

/** One dashboard per task and length: gradient flow, validation curves and gradient norm. */
function dashboards(runs: RunResult[]): ReportFigure[] {
  return [...groupBy(runs, lengthKey).values()].map((rs) => {
    const { task, T } = rs[0];
    const t = taskFacts({ name: task, T });
    return {
      heading: `${task}, T = ${T}`,
      figure: comparisonDashboard(rs, { metricName: t.metricName }),
      caption:
        `Gradient flow at initialisation and after training (first seed), validation ${t.metricName} over training ` +
        `(median and range over seeds, at the learning rate validation chose), and the global gradient norm. ` +
        `Baseline: ${t.baselineFormula}.`,
    };
  });
}

/** Arjovsky et al.'s picture: ‖∂L/∂h_t‖ at initialisation and after 100 iterations, where it was probed. */
function afterHundred(picks: RunResult[], task: string, T: number): ReportFigure[] {
  const at100 = picks.filter((r) => r.grad_flow.some((g) => g.step === 100));
  if (!at100.length) return [];
  return [
    {
      heading: `‖∂L/∂h_t‖ at initialisation and after 100 iterations: ${task}, T = ${T}`,
      caption:
        "As Arjovsky et al. (2016) plot it: the norm of the loss gradient with respect to each hidden state, at " +
        "initialisation (dotted) and after 100 training iterations (solid), first seed of each cell.",
      figure: gradientFlowFigure(
        at100.flatMap((r) => [
          initialFlow(r),
          {
            cell: r.cell,
            label: `${cellLabel(r.cell)}, 100 iterations`,
            norms: r.grad_flow.find((g) => g.step === 100)!.norms,
          },
        ]),
        `‖∂L/∂h_t‖ at initialisation and after 100 iterations, ${task} T = ${T}`,
      ),
    },
  ];
}

/** ‖∂L/∂h_t‖ at initialisation and for the weights validation selected. */
function beforeAfter(picks: RunResult[], task: string, T: number): ReportFigure {
  return {
    heading: `Gradient flow at initialisation and for the selected weights: ${task}, T = ${T}`,
    caption: "Dotted: at initialisation. Solid: the weights validation selected (the last profile recorded).",
    figure: gradientFlowFigure(
      picks.flatMap((r) => [
        initialFlow(r),
        {
          cell: r.cell,
          label: `${cellLabel(r.cell)}, trained (step ${r.grad_flow[r.grad_flow.length - 1].step})`,
          norms: r.grad_flow[r.grad_flow.length - 1].norms,
        },
      ]),
      `‖∂L/∂h_t‖ before and after training, ${task} T = ${T}`,
    ),
  };
}

/** Gradient flow over training, for each run probed more than at its start and end. */
function flowHeatmaps(picks: RunResult[], T: number): ReportFigure[] {
  return picks
    .filter((r) => r.grad_flow.length > 2)
    .map((r) => ({
      heading: `Gradient flow over training: ${cellLabel(r.cell)}, ${r.task} T = ${T}`,
      caption: "Colour: log₁₀‖∂L/∂h_t‖; rows: training steps at which it was probed.",
      figure: gradientFlowHeatmap(r.grad_flow, `${cellLabel(r.cell)}: log₁₀‖∂L/∂h_t‖ over training`),
    }));
}

/** Per-parameter gradient norms over training, with the steps clipping acted. */
function gradientNorms(results: ResultsFile, picks: RunResult[], T: number): ReportFigure[] {
  const clip = results.manifest.config.train.clip ?? null;
  return picks.map((r) => ({
    heading: `Per-parameter gradient norms: ${cellLabel(r.cell)}, ${r.task} T = ${T}, seed ${r.seed}`,
    caption: "Before clipping; crosses mark steps where global-norm clipping acted.",
    figure: gradientNormsFigure(
      {
        steps: r.curve.map((c) => c.step),
        params: r.param_grad_norms,
        global: r.curve.map((c) => c.grad_norm),
        clipAt: clip?.kind === "norm" ? clip.max : undefined,
      },
      `${cellLabel(r.cell)}: gradient norms over training`,
    ),
  }));
}

/** A task's figures at its longest length, first seed of each cell. */
function taskFigures(results: ResultsFile, rs: RunResult[]): ReportFigure[] {
  const task = rs[0].task;
  const longest = Math.max(...rs.map((r) => r.T));
  const picks = firstSeed(rs.filter((r) => r.T === longest));
  return [
    ...afterHundred(picks, task, longest),
    beforeAfter(picks, task, longest),
    ...flowHeatmaps(picks, longest),
    ...gradientNorms(results, picks, longest),
  ];
}

/** Validation metric against learning rate, for each task and length whose rows swept rates. */
function sweeps(results: ResultsFile): ReportFigure[] {
  return [...groupBy(results.summary.filter((r) => r.lr_sweep.length > 1), lengthKey).values()].map((rows) => {
    const t = taskFacts({ name: rows[0].task, T: rows[0].T });
    return {
      heading: `Learning-rate sensitivity: ${rows[0].task}, T = ${rows[0].T}`,
      caption:
        `Mean validation ${t.metricName} over seeds at each learning rate (bars: best to worst seed); each row of ` +
        "the summary uses the rate with the lowest mean.",
      figure: sweepFigure(
        rows.map((r) => ({
          cell: r.cell,
          points: r.lr_sweep.map((s) => ({ x: s.lr, y: s.val_mean, lo: s.val_min, hi: s.val_max })),
        })),
        {
          x: "learning rate",
          y: `validation ${t.metricName}`,
          baseline: rows[0].baseline,
          title: `Learning-rate sweep, ${rows[0].task} T = ${rows[0].T}`,
        },
      ),
    };
  });
}

/** Every figure the report shows, with a heading and a caption each (also what the render tests count). */
export function reportFigures(results: ResultsFile): ReportFigure[] {
  const runs = selectedRuns(results);
  return [
    ...dashboards(runs),
    ...[...groupBy(runs, (r) => r.task).values()].flatMap((rs) => taskFigures(results, rs)),
    ...sweeps(results),
  ];
}

const num = (v: number, p = 3) => (Number.isFinite(v) ? v.toPrecision(p) : String(v));

/**
 * Which input each adding-problem row remembers: the test predictions of the selected weights
 * fitted as a·X_first + b·X_second + c (tasks/adding.ts), mean over seeds. Both near 1 (¼ for
 * adding_hs97): it adds; a near 0 with b above it: it forgot the early value.
 */
export function memoryRows(
  results: ResultsFile,
): Array<{ task: string; T: number; cell: string; first: number; second: number }> {
  const runs = selectedRuns(results).filter((r) => r.final_test_extra?.weight_first !== undefined);
  return [...groupBy(runs, rowKey).values()].map((rs) => ({
    task: rs[0].task,
    T: rs[0].T,
    cell: rs[0].cell,
    first: rs.reduce((s, r) => s + r.final_test_extra.weight_first, 0) / rs.length,
    second: rs.reduce((s, r) => s + r.final_test_extra.weight_second, 0) / rs.length,
  }));
}

/** What the row shows, in words, beside the published outcome. */
export function outcomeText(r: SummaryRow): string {
  const where =
    r.vs_baseline > 0.9
      ? "at the baseline"
      : r.metric_ci95[1] < r.baseline
        ? "below the baseline"
        : "near the baseline";
  if (metricOnly(r)) return where;
  return r.solved === r.seeds
    ? "solved by every seed"
    : r.solved === 0
      ? `${where}, not solved`
      : `solved by ${r.solved} of ${r.seeds} seeds, ${where}`;
}

/** A table from rows of already-escaped cells; `numeric` names the columns aligned right. */
/** Markup made here from escaped parts; every other cell value is text and gets escaped. */
interface Html {
  html: string;
}

/**
 * A table. Cells are text (escaped here, whatever a results file put in them: a number field
 * holding markup is shown, not run) or `Html` built from escaped parts; `numeric` names the
 * columns aligned right.
 */
function table(head: string[], rows: Array<Array<string | number | Html>>, numeric: string[] = []): string {
  const html = (v: string | number | Html) => (typeof v === "object" ? v.html : e(String(v)));
  const cell = (tag: string, i: number, v: string | number | Html) =>
    `<${tag}${numeric.includes(head[i]) ? ' class="num"' : ""}>${html(v)}</${tag}>`;
  const tr = (r: Array<string | number | Html>, tag: string) => `<tr>${r.map((v, i) => cell(tag, i, v)).join("")}</tr>`;
  const body = rows.map((r) => tr(r, "td")).join("\n");
  return `<table><thead>${tr(head, "th")}</thead>\n<tbody>${body}</tbody></table>`;
}

/** The summary: one row per task, T and cell, with intervals. */
function summaryTable(results: ResultsFile): string {
  const keys = summaryKeys(results.summary).filter((k) => k !== "verdict");
  return table(
    keys.map((k) => SUMMARY_HEADINGS[k]),
    results.summary.map((r) => {
      const c = summaryCells(r);
      return keys.map((k) => c[k]);
    }),
    ["T", "H", "lr", "test metric [95% CI]", "÷ base", "solved [95% CI]", "steps [IQR]"],
  );
}

/** Each task's metric, trivial baseline and criterion. */
function tasksTable(results: ResultsFile): string {
  return table(
    ["task", "T", "metric", "trivial baseline", "solved when"],
    [...groupBy(results.summary, lengthKey).values()].map((rs) => {
      const t = taskFacts({ name: rs[0].task, T: rs[0].T });
      return [rs[0].task, rs[0].T, t.metricName, `${t.baselineFormula} = ${num(rs[0].baseline)}`, t.criterion];
    }),
    ["T"],
  );
}

/** Each row beside its published claim: source, prediction, our outcome and the verdict. */
function publishedTable(results: ResultsFile): string {
  const published_ = (r: SummaryRow): Html => ({
    html:
      e(r.published) +
      (r.source
        ? `<br><small>${e(r.source.paper)}, ${e(r.source.where)}` +
          `${r.source.quote ? `: “${e(r.source.quote)}”` : ""} (checked: ${e(r.source.checked)})</small>`
        : ""),
  });
  const verdict = (r: SummaryRow): Html => ({
    html:
      r.verdict === null
        ? e(verdictText(r))
        : `<span class="${{ agrees: "ok", deviates: "no", inconclusive: "open" }[r.verdict]}">${verdictText(r)}</span>`,
  });
  return table(
    ["task", "T", "cell", "published (source)", "predicts", "ours", "verdict", "at the paper's rate"],
    results.summary.map((r) => [
      r.task,
      r.T,
      cellLabel(r.cell),
      published_(r),
      r.expect ?? "—",
      outcomeText(r),
      verdict(r),
      authorsVerdictText(r) || "—",
    ]),
    ["T"],
  );
}

/** Each cited paper's setting beside ours. */
function deviationsTable(results: ResultsFile): string {
  return table(
    ["paper", "setting", "paper's", "ours"],
    deviations(results.manifest.config).map((d) => [
      d.paper,
      d.setting,
      { html: `${e(d.paper_value)}<br><small>${e(d.source)}</small>` },
      d.ours,
    ]),
  );
}

/** The runs not made yet, if any, and how to make them. */
function missingSection(results: ResultsFile): string {
  return results.missing.length
    ? `<h2 class="no">Missing runs: ${e(String(results.missing.length))} of ` +
      `${e(String(results.missing.length + results.runs.length))}</h2>
<p>These runs had no finished result when this report was made; the tables above are without them.
Run them (<code>gatescope reproduce</code> again with the same options resumes) and collect again.</p>
<ul>${results.missing.map((id) => `<li><code>${e(id)}</code></li>`).join("")}</ul>`
    : "";
}

/** Which marked input each adding-problem row remembers (empty for other tasks). */
function memorySection(results: ResultsFile): string {
  const memoryData = memoryRows(results);
  return memoryData.length
    ? `<h2>Which input is remembered</h2>
<p>The selected weights' test predictions fitted as a·X<sub>first</sub> + b·X<sub>second</sub> + c (mean over seeds).
A network that adds both marked values has a = b = 1 (¼ on adding_hs97); one that lost the early value has a ≈ 0
while b stays.</p>
${table(
  ["task", "T", "cell", "a (first marked value)", "b (second)"],
  memoryData.map((r) => [r.task, r.T, cellLabel(r.cell), num(r.first), num(r.second)]),
  ["T", "a (first marked value)", "b (second)"],
)}`
    : "";
}

/** The task's other test measures per row (empty where its task reports none). */
function measuresSection(results: ResultsFile): string {
  const rows = measureRows(results);
  const names = measureNames(rows);
  return rows.length
    ? `\n<h2>Other test measures</h2>\n<p>${e(MEASURES_CAPTION)}</p>\n` +
        table(["task", "T", "cell", ...names, "seeds"], rows.map((r) => measureCells(r, names)), ["T", "seeds"])
    : "";
}

/** The rows the cited paper's comparisons set side by side (empty where its recipe makes none). */
function contrastSection(results: ResultsFile): string {
  const rows = contrasts(results.manifest.config, results.runs);
  return rows.length
    ? `\n<h2>Rows compared</h2>\n<p>${e(CONTRAST_CAPTION)}</p>\n${table(CONTRAST_HEAD, rows.map(contrastRow), ["T"])}`
    : "";
}

/** The manifest's fields, the config apart. */
function manifestTable(results: ResultsFile): string {
  return Object.entries(results.manifest)
    .filter(([k]) => k !== "config")
    .map(([k, v]) => `<tr><th>${e(k)}</th><td>${e(typeof v === "object" ? JSON.stringify(v) : String(v))}</td></tr>`)
    .join("\n");
}

/** Every figure with its heading and caption. */
function figuresSection(results: ResultsFile): string {
  return reportFigures(results)
    .map((f) => `<h3>${e(f.heading)}</h3>\n${figureHtml(f.figure)}\n<p class="caption">${e(f.caption)}</p>`)
    .join("\n");
}

/** The self-contained, offline HTML report of a results file: summary, deviations and every figure. */
export function reportHtml(results: ResultsFile): string {
  const m = results.manifest;
  const body = `<h1>gatescope: the vanishing-gradient comparison</h1>
<p>Preset <code>${e(m.preset)}</code>, seed ${e(String(m.seed))}, ${results.runs.length} runs on ${e(String(m.jobs))}
worker(s): the runs took ${e(runsCost(results.runs))}; ${e(num(m.wall_s, 4))} s of wall time for this invocation
(finished runs are reused), ${e(madeWith(m))}.</p>
<h2>Protocol</h2>
<p>Every task has three disjoint data streams: training (seeded by the run), a fixed validation set and a fixed test
set. Early stopping, "solved" during training, the choice of weights (the evaluation with the lowest validation
metric) and the choice of learning rate (the lowest mean validation metric over seeds) read the validation set only.
The test set is scored once per run, for the selected weights; every number in the tables is that test metric.
Intervals: percentile bootstrap 95 % of the mean over seeds (2000 resamples), Wilson 95 % for the solve rate; steps
to solve: median [interquartile range] over the seeds that solved.</p>
<h3>Tasks, metrics and success criteria</h3>
${tasksTable(results)}
<h2>Summary</h2>
${summaryTable(results)}
<p>${e(SEEDS_NOTE)}</p>
<h2>Published vs ours</h2>
${publishedTable(results)}
${memorySection(results)}${measuresSection(results)}${contrastSection(results)}
${missingSection(results)}
<h2>Deviations from the original recipes</h2>
${deviationsTable(results)}
<h2>Figures</h2>
${figuresSection(results)}
<h2>Manifest</h2>
<table><tbody>${manifestTable(results)}</tbody></table>
<h3>Configuration</h3>
<pre>${e(JSON.stringify(m.config, null, 2))}</pre>`;
  return htmlPage("gatescope report", body);
}
