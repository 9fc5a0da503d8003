/**
 * Plotly figure specs as plain JSON: `{data, layout}`, no DOM, no plotly.js needed to build
 * them. One colour per cell type everywhere, so RNN, LSTM and GRU read the same in every chart.
 */
import { cellDescription, cellKinds } from "../cells";
/** One Plotly trace. */
export type PlotlyTrace = Record<string, unknown> & { type: string };
/** A Plotly figure as plain data. */
export interface Figure {
  data: PlotlyTrace[];
  layout: Record<string, unknown>;
}

/**
 * Okabe & Ito's qualitative palette: told apart with every common colour-vision deficiency, and
 * dark enough on white (their yellow is left out for that reason).
 */
export const PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"];

const FALLBACK = ["#CC79A7", "#000000", "#7f7f7f", "#8c564b", "#9467bd"];

/**
 * The colour figures give a cell: its kind's own (the description's `color`: Okabe & Ito's for the
 * built-in RNN, LSTM and GRU), else a fixed one picked by its name (an experiment's cell entry).
 */
export function cellColor(cell: string): string {
  const own = cellKinds().includes(cell) ? cellDescription(cell).color : undefined;
  if (own) return own;
  let h = 0;
  for (const ch of cell) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return FALLBACK[h % FALLBACK.length];
}

/** A kind's title from its description ("LSTM"); any other name (an experiment's cell entry) as it is. */
export const cellLabel = (cell: string) => (cellKinds().includes(cell) ? cellDescription(cell).title : cell);

/** A translucent version of a #rrggbb colour, for bands. */
export function fade(hex: string, alpha: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

export function baseLayout(
  title: string,
  x: string,
  y: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    title: { text: title },
    xaxis: { title: { text: x } },
    yaxis: { title: { text: y } },
    margin: { l: 85, r: 20, t: 60, b: 55 }, // room for a log axis's 10⁻ⁿ ticks beside its title
    legend: { orientation: "h", y: -0.2 },
    template: undefined,
    ...extra,
  };
}

export const range = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => i + from);

/**
 * A sequential palette (dark to light) for sweeps over one parameter: viridis, stopped before its
 * pale yellow end so the lightest line still stands out on white.
 */
export function sweepColors(n: number): string[] {
  const stops = ["#440154", "#414487", "#2a788e", "#22a884", "#7ad151", "#9ccb1f"];
  return Array.from({ length: n }, (_, k) => stops[Math.round((k * (stops.length - 1)) / Math.max(1, n - 1))]);
}

/**
 * Layout for a slider whose steps restyle the figure's traces with precomputed values (`values[k]`: each trace's
 * attributes at step k, e.g. {y: [trace 0's, trace 1's]}): Plotly moves it in the page, with no kernel behind it
 * (tslab has no comms; Deno's kernel answers none), in exported HTML too. The legend moves above the plot to leave
 * the slider room below.
 */
export function restyleSlider(
  prefix: string,
  labels: string[],
  values: Array<Record<string, unknown[]>>,
  traces: number,
): Record<string, unknown> {
  const steps = labels.map((label, k) => ({ method: "restyle", label, args: [values[k], range(traces)] }));
  return {
    sliders: [{ active: 0, currentvalue: { prefix }, pad: { t: 50 }, steps }],
    margin: { l: 85, r: 20, t: 60, b: 130 },
    legend: { orientation: "h", y: 1.12 },
  };
}
