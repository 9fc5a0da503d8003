/**
 * The comparison dashboard for one task and T: RNN vs LSTM vs GRU side by side, as four
 * panels sharing one colour per cell: gradient flow at initialisation, gradient flow after
 * training, learning curves against the baseline, and the global gradient norm over training.
 */
import { checkKeys } from "../errors";
import type { RunResult } from "./run";
import { gradientFlowFigure } from "../viz/gradient-flow";
import { learningCurves } from "../viz/training";
import { baseLayout, cellColor, cellLabel, type Figure, type PlotlyTrace } from "../viz/figure";

const PANELS = [
  { x: "x", y: "y", domain: { x: [0, 0.46], y: [0.58, 0.95] }, title: "Gradient flow at initialisation" },
  { x: "x2", y: "y2", domain: { x: [0.54, 1], y: [0.58, 0.95] }, title: "Gradient flow after training" },
  { x: "x3", y: "y3", domain: { x: [0, 0.46], y: [0, 0.4] }, title: "Learning curves" },
  { x: "x4", y: "y4", domain: { x: [0.54, 1], y: [0, 0.4] }, title: "Gradient norm while training" },
];

/** Each panel's title, centred above it (Plotly has no subplot titles of its own). */
const panelTitles = PANELS.map((p) => ({
  text: `<b>${p.title}</b>`,
  xref: "paper",
  yref: "paper",
  x: (p.domain.x[0] + p.domain.x[1]) / 2,
  y: p.domain.y[1] + 0.01,
  xanchor: "center",
  yanchor: "bottom",
  showarrow: false,
}));

function place(traces: PlotlyTrace[], k: number, legend: boolean): PlotlyTrace[] {
  return traces.map((t) => ({
    ...t,
    xaxis: PANELS[k].x,
    yaxis: PANELS[k].y,
    showlegend: legend && t.showlegend !== false,
  }));
}

/** Gradient flow before and after training and learning curves, one panel per cell. */
export function comparisonDashboard(runs: RunResult[], options: { metricName: string; title?: string }): Figure {
  checkKeys("comparisonDashboard options", options, ["metricName", "title"]);
  const first = (r: RunResult) => r.grad_flow[0];
  const last = (r: RunResult) => r.grad_flow[r.grad_flow.length - 1];
  const oneSeed = runs.filter((r) => r.seed === Math.min(...runs.filter((x) => x.cell === r.cell).map((x) => x.seed)));
  const init = gradientFlowFigure(oneSeed.map((r) => ({ cell: r.cell, norms: first(r).norms })));
  const trained = gradientFlowFigure(oneSeed.map((r) => ({ cell: r.cell, norms: last(r).norms })));
  const curves = learningCurves(
    runs.map((r) => ({ cell: r.cell, seed: r.seed, evals: r.evals })),
    { baseline: runs[0].baseline, metricName: options.metricName },
  );
  const norms: PlotlyTrace[] = oneSeed.map((r) => ({
    type: "scatter",
    mode: "lines",
    name: cellLabel(r.cell),
    x: r.curve.map((c) => c.step),
    y: r.curve.map((c) => c.grad_norm),
    line: { color: cellColor(r.cell) },
  }));
  const data = [
    ...place(init.data, 0, false),
    ...place(trained.data, 1, false),
    ...place(curves.data, 2, true),
    ...place(norms, 3, false),
  ];
  const axis = (k: number, title: string, log: boolean) => ({
    domain: PANELS[k].domain,
    title: { text: title },
    ...(log ? { type: "log", exponentformat: "power" } : {}),
  });
  const layout = baseLayout(options.title ?? `${runs[0].task}, T = ${runs[0].T}: RNN vs LSTM vs GRU`, "", "", {
    height: 820,
    xaxis: { ...axis(0, "t", false), anchor: "y", domain: PANELS[0].domain.x },
    yaxis: { ...axis(0, "‖∂L/∂h_t‖ at initialisation", true), anchor: "x", domain: PANELS[0].domain.y },
    xaxis2: { title: { text: "t" }, anchor: "y2", domain: PANELS[1].domain.x },
    yaxis2: {
      title: { text: "‖∂L/∂h_t‖ after training" },
      type: "log",
      exponentformat: "power",
      anchor: "x2",
      domain: PANELS[1].domain.y,
    },
    xaxis3: { title: { text: "training step" }, anchor: "y3", domain: PANELS[2].domain.x },
    yaxis3: {
      title: { text: `validation ${options.metricName}` },
      type: "log",
      exponentformat: "power",
      anchor: "x3",
      domain: PANELS[2].domain.y,
    },
    xaxis4: { title: { text: "training step" }, anchor: "y4", domain: PANELS[3].domain.x },
    yaxis4: {
      title: { text: "global ‖∂L/∂θ‖ (before clipping)" },
      type: "log",
      exponentformat: "power",
      anchor: "x4",
      domain: PANELS[3].domain.y,
    },
    legend: { orientation: "h", y: -0.08 },
    annotations: panelTitles,
  });
  return { data, layout };
}
