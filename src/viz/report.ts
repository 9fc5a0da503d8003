/**
 * DIR/report.html from a results file: one self-contained offline page with every figure, the
 * summary table, published vs ours, and the run manifest. Every string that comes from
 * configs or data is escaped.
 */
import type { ResultsFile } from "../experiment/results";
import type { RunResult } from "../experiment/run";
import { comparisonDashboard } from "./dashboard";
import { gradientFlowFigure, gradientFlowHeatmap } from "./gradient-flow";
import { gradientNormsFigure } from "./training";
import { cellLabel, type Figure } from "./figure";
import { escapeHtml as e, figureHtml, htmlPage } from "./html";
import { makeTask } from "../tasks";
import type { TaskName } from "../tasks";

function groupBy<T>(xs: T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    if (!m.has(k)) m.set(k, []);
    m.get(k)!.push(x);
  }
  return m;
}

/** Every figure the report shows, with a heading each (also what the render tests count). */
export function reportFigures(results: ResultsFile): Array<{ heading: string; figure: Figure }> {
  const out: Array<{ heading: string; figure: Figure }> = [];
  const groups = groupBy(results.runs, (r) => `${r.task}\u0000${r.T}`);
  for (const runs of groups.values()) {
    const { task, T } = runs[0];
    const metricName = makeTask({ name: task as TaskName, T }).metricName;
    out.push({ heading: `${task}, T = ${T}`, figure: comparisonDashboard(runs, { metricName }) });
  }
  const longest = Math.max(...results.runs.map((r) => r.T));
  const atLongest = results.runs.filter((r) => r.T === longest);
  const firstSeed = (rs: RunResult[]) => rs.filter((r) => r.seed === Math.min(...rs.map((x) => x.seed)));
  const picks = firstSeed(atLongest);
  out.push({
    heading: `Gradient flow at initialisation and after training, T = ${longest}`,
    figure: gradientFlowFigure(picks.flatMap((r) => [
      { cell: r.cell, label: `${cellLabel(r.cell)}, initial`, norms: r.grad_flow[0].norms, dash: "dot" as const },
      { cell: r.cell, label: `${cellLabel(r.cell)}, trained (step ${r.grad_flow[r.grad_flow.length - 1].step})`, norms: r.grad_flow[r.grad_flow.length - 1].norms },
    ]), `‖∂L/∂h_t‖ before and after training, ${picks[0]?.task ?? ""} T = ${longest}`),
  });
  for (const r of picks) {
    if (r.grad_flow.length > 2) out.push({ heading: `Gradient flow over training: ${cellLabel(r.cell)}, T = ${longest}`, figure: gradientFlowHeatmap(r.grad_flow, `${cellLabel(r.cell)}: log₁₀‖∂L/∂h_t‖ over training`) });
  }
  for (const r of picks) {
    const clip = (results.manifest.config.train.clip ?? null) as { kind: string; max: number } | null;
    out.push({
      heading: `Per-parameter gradient norms: ${cellLabel(r.cell)}, T = ${longest}, seed ${r.seed}`,
      figure: gradientNormsFigure({
        steps: r.curve.map((c) => c.step), params: r.param_grad_norms, global: r.curve.map((c) => c.grad_norm),
        clipAt: clip?.kind === "norm" ? clip.max : undefined,
      }, `${cellLabel(r.cell)}: gradient norms over training`),
    });
  }
  return out;
}

const num = (v: number, p = 3) => (Number.isFinite(v) ? v.toPrecision(p) : String(v));

export function reportHtml(results: ResultsFile): string {
  const m = results.manifest;
  const summary = results.summary.map((r) => `<tr><td>${e(r.task)}</td><td class="num">${r.T}</td><td>${e(cellLabel(r.cell))}</td>` +
    `<td class="num">${num(r.metric_mean)} ± ${num(r.metric_std, 2)}</td><td class="num">${num(r.baseline)}</td><td class="num">${r.vs_baseline.toFixed(3)}</td>` +
    `<td class="num">${r.solved}/${r.seeds}</td><td class="num">${r.steps_to_solve ?? "—"}</td></tr>`).join("\n");
  const published = results.summary.map((r) => `<tr><td>${e(r.task)}</td><td class="num">${r.T}</td><td>${e(cellLabel(r.cell))}</td><td>${e(r.published)}</td>` +
    `<td>${r.solved === r.seeds ? "solved by every seed" : r.solved === 0 ? (r.vs_baseline > 0.9 ? "at the baseline, not solved" : "below the baseline, not solved") : `solved by ${r.solved} of ${r.seeds} seeds`}</td>` +
    `<td class="${r.agrees === null ? "" : r.agrees ? "ok" : "no"}">${r.agrees === null ? "—" : r.agrees ? "agrees" : "deviates"}</td></tr>`).join("\n");
  const manifest = Object.entries(m).filter(([k]) => k !== "config").map(([k, v]) =>
    `<tr><th>${e(k)}</th><td>${e(typeof v === "object" ? JSON.stringify(v) : String(v))}</td></tr>`).join("\n");
  const figures = reportFigures(results).map((f) => `<h3>${e(f.heading)}</h3>\n${figureHtml(f.figure)}`).join("\n");
  const body = `<h1>gatescope: the vanishing-gradient comparison</h1>
<p>Preset <code>${e(m.preset)}</code>, seed ${m.seed}, ${results.runs.length} runs on ${m.jobs} worker(s), ${m.wall_s.toFixed(0)} s,
backend ${e(m.backend.name)}. Vanilla tanh RNN, LSTM and GRU trained alike; the test metric is measured on a fixed held-out set.</p>
<h2>Summary</h2>
<table><thead><tr><th>task</th><th>T</th><th>cell</th><th>test metric (mean ± sd over seeds)</th><th>baseline</th><th>÷ baseline</th><th>solved</th><th>steps to solve (median)</th></tr></thead>
<tbody>${summary}</tbody></table>
<h2>Published vs ours</h2>
<table><thead><tr><th>task</th><th>T</th><th>cell</th><th>published</th><th>ours</th><th></th></tr></thead>
<tbody>${published}</tbody></table>
<h2>Figures</h2>
${figures}
<h2>Manifest</h2>
<table><tbody>${manifest}</tbody></table>
<h3>Configuration</h3>
<pre>${e(JSON.stringify(m.config, null, 2))}</pre>`;
  return htmlPage("gatescope report", body);
}
