/** Training over time: learning curves against the baseline, gradient norms and clipping. */
import { checkKeys, fail } from "../errors";
import { baseLayout, cellColor, cellLabel, fade, type Figure, type PlotlyTrace } from "./figure";

/** One run's learning curve. */
export interface CurveRun {
  cell: string;
  seed: number;
  /** Groups runs into one line and names it; default: the cell (seeds of a cell form a band). */
  label?: string;
  color?: string;
  /** The validation metric at each evaluated step. */
  evals: Array<{ step: number; metric: number }>;
}

/**
 * Validation metric against training step, log scale: one line per cell (median over seeds) with a
 * band from the best to the worst seed, and the task's trivial baseline dashed.
 */
export function learningCurves(
  runs: CurveRun[],
  options: { baseline: number; metricName: string; title?: string; yRange?: [number, number] },
): Figure {
  checkKeys("learningCurves options", options, ["baseline", "metricName", "title", "yRange"]);
  const yRange = options.yRange;
  if (
    yRange !== undefined &&
    !(Array.isArray(yRange) && yRange.length === 2 && yRange[0] > 0 && yRange[1] > yRange[0])
  ) {
    fail("learningCurves options.yRange", "[low, high] with 0 < low < high (metric units; the axis is log)", yRange);
  }
  const byCell = new Map<string, CurveRun[]>();
  for (const r of runs) {
    const key = r.label ?? r.cell;
    if (!byCell.has(key)) byCell.set(key, []);
    byCell.get(key)!.push(r);
  }
  const data: PlotlyTrace[] = [];
  let maxStep = 0;
  for (const [key, rs] of byCell) {
    const cell = rs[0].cell;
    // Early-stopped runs end sooner: each seed keeps its last value after it stops.
    const steps = [...new Set(rs.flatMap((r) => r.evals.map((e) => e.step)))].sort((a, b) => a - b);
    maxStep = Math.max(maxStep, steps[steps.length - 1] ?? 0);
    const at = (r: CurveRun, s: number) => {
      let v = r.evals[0]?.metric ?? NaN;
      for (const e of r.evals) if (e.step <= s) v = e.metric;
      return v;
    };
    const cols = steps.map((s) => rs.map((r) => at(r, s)).sort((a, b) => a - b));
    const color = rs[0].color ?? cellColor(cell);
    if (rs.length > 1) {
      data.push({
        type: "scatter",
        mode: "lines",
        x: steps,
        y: cols.map((c) => c[c.length - 1]),
        line: { width: 0 },
        showlegend: false,
        hoverinfo: "skip",
        legendgroup: key,
      });
      data.push({
        type: "scatter",
        mode: "lines",
        x: steps,
        y: cols.map((c) => c[0]),
        line: { width: 0 },
        fill: "tonexty",
        fillcolor: fade(color, 0.2),
        showlegend: false,
        hoverinfo: "skip",
        legendgroup: key,
      });
    }
    data.push({
      type: "scatter",
      mode: "lines",
      name: (rs[0].label ?? cellLabel(cell)) + (rs.length > 1 ? ` (median of ${rs.length} seeds, band: range)` : ""),
      x: steps,
      y: cols.map((c) => c[Math.floor((c.length - 1) / 2)]),
      line: { color, width: 2 },
      legendgroup: key,
    });
  }
  data.push({
    type: "scatter",
    mode: "lines",
    name: `baseline ${options.baseline.toPrecision(3)}`,
    x: [0, maxStep],
    y: [options.baseline, options.baseline],
    line: { color: "#444", dash: "dash" },
  });
  return {
    data,
    layout: baseLayout(
      options.title ?? "Learning curves",
      "training step",
      `validation ${options.metricName} (log scale)`,
      {
        yaxis: {
          type: "log",
          title: { text: `validation ${options.metricName} (log scale)` },
          exponentformat: "power",
          // A run that diverges would otherwise stretch the axis over dozens of decades.
          ...(yRange ? { range: yRange.map(Math.log10) } : {}),
        },
      },
    ),
  };
}

/** Per-parameter gradient norms over training. */
export interface NormSeries {
  steps: number[];
  /** Per-parameter gradient norms, one value per entry of `steps`. */
  params: Record<string, number[]>;
  /** Global norm before clipping, and the clip threshold if any. */
  global?: number[];
  clipAt?: number;
}

/** Per-parameter gradient norms over training; steps where clipping acted are marked. */
export function gradientNormsFigure(s: NormSeries, title = "Gradient norms over training"): Figure {
  const data: PlotlyTrace[] = Object.entries(s.params).map(([name, v]) => ({
    type: "scatter",
    mode: "lines",
    name,
    x: s.steps,
    y: v,
  }));
  if (s.global) {
    data.push({
      type: "scatter",
      mode: "lines",
      name: "global norm (before clipping)",
      x: s.steps,
      y: s.global,
      line: { color: "#000", width: 2 },
    });
    if (s.clipAt !== undefined) {
      const hits = s.steps.map((st, i) => [st, s.global![i]] as const).filter(([, g]) => g > s.clipAt!);
      data.push({
        type: "scatter",
        mode: "markers",
        name: `clipped (global norm > ${s.clipAt})`,
        x: hits.map((h) => h[0]),
        y: hits.map((h) => h[1]),
        marker: { symbol: "x", color: "#D55E00", size: 7 },
      });
      data.push({
        type: "scatter",
        mode: "lines",
        name: "clip threshold",
        x: [s.steps[0], s.steps[s.steps.length - 1]],
        y: [s.clipAt, s.clipAt],
        line: { dash: "dot", color: "#D55E00" },
      });
    }
  }
  return {
    data,
    layout: baseLayout(title, "training step", "‖∂L/∂θ‖ (log scale)", {
      yaxis: { type: "log", title: { text: "‖∂L/∂θ‖ (log scale)" }, exponentformat: "power" },
    }),
  };
}

/** One cell's metric over a swept setting. */
export interface SweepSeries {
  cell: string;
  label?: string;
  /** One point per swept value: its mean, and optionally the range over seeds. */
  points: Array<{ x: number; y: number; lo?: number; hi?: number }>;
}

/** A metric against a swept hyper-parameter (log x), one line per series, the baseline dashed. */
export function sweepFigure(
  series: SweepSeries[],
  options: { x: string; y: string; baseline?: number; title?: string },
): Figure {
  checkKeys("sweepFigure options", options, ["x", "y", "baseline", "title"]);
  const data: PlotlyTrace[] = series.map((s) => ({
    type: "scatter",
    mode: "lines+markers",
    name: s.label ?? cellLabel(s.cell),
    x: s.points.map((p) => p.x),
    y: s.points.map((p) => p.y),
    line: { color: cellColor(s.cell), width: 2 },
    ...(s.points.every((p) => p.lo !== undefined && p.hi !== undefined)
      ? {
          error_y: {
            type: "data",
            symmetric: false,
            array: s.points.map((p) => p.hi! - p.y),
            arrayminus: s.points.map((p) => p.y - p.lo!),
          },
        }
      : {}),
  }));
  const xs = series.flatMap((s) => s.points.map((p) => p.x));
  if (options.baseline !== undefined && xs.length) {
    data.push({
      type: "scatter",
      mode: "lines",
      name: `baseline ${options.baseline.toPrecision(3)}`,
      x: [Math.min(...xs), Math.max(...xs)],
      y: [options.baseline, options.baseline],
      line: { color: "#444", dash: "dash" },
    });
  }
  return {
    data,
    layout: baseLayout(options.title ?? `${options.y} against ${options.x}`, options.x, options.y, {
      xaxis: { type: "log", title: { text: options.x }, exponentformat: "power" },
      yaxis: { type: "log", title: { text: options.y }, exponentformat: "power" },
    }),
  };
}
