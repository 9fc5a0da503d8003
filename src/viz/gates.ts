/** What the gates do: heatmaps over units and time, trajectories, saturation. */
import { checkKeys, fail, shapeString } from "../errors";
import type { Tensor } from "../math/tensor";
import type { Trace } from "../model/trace";
import { saturationOf, type GateSaturation, type GateStats } from "../probe/gates";
import { baseLayout, cellColor, fade, PALETTE, range, restyleSlider, type Figure, type PlotlyTrace } from "./figure";

/** One input channel drawn above a gate heatmap. */
export interface InputChannel {
  name: string;
  /** One value per step of the sample sequence. */
  values: number[];
}

/** Sequence `sample` of an N×T×D input as D named channels, for `gateHeatmaps`' input panel. */
export function inputChannels(x: Tensor, sample = 0, names: string[] = []): InputChannel[] {
  const [N, T, D] = x.shape;
  if (x.shape.length !== 3 || !(Number.isInteger(sample) && sample >= 0 && sample < N)) {
    const got = `${shapeString(x.shape)}, sample ${sample}`;
    fail("inputChannels", `an N×T×D input and a sample in [0, ${N - 1}]`, got);
  }
  return range(D).map((d) => ({
    name: names[d] ?? `input ${d}`,
    values: range(T).map((t) => x.data[(sample * T + t) * D + d]),
  }));
}

/**
 * One heatmap (unit × time) per gate for sequence `sample`, stacked, with the input sequence
 * drawn in the top panel on the same time axis (e.g. the adding problem's values and markers).
 */
export function gateHeatmaps(
  trace: Trace,
  options: { sample?: number; layer?: number; gates?: string[]; input?: InputChannel[]; title?: string } = {},
): Figure {
  checkKeys("gateHeatmaps options", options, ["sample", "layer", "gates", "input", "title"]);
  const sample = options.sample ?? 0;
  // Gates by default; a cell without any (a vanilla RNN) shows what it has before h.
  const gates = options.gates ?? (trace.gateNames.length ? trace.gateNames : trace.names.filter((n) => n !== "h"));
  const panels = (options.input ? 1 : 0) + gates.length;
  const gap = 0.04;
  const height = (1 - gap * (panels - 1)) / panels;
  const domain = (k: number) => [1 - (k + 1) * height - k * gap, 1 - k * (height + gap)];
  const data: PlotlyTrace[] = [];
  const layout: Record<string, unknown> = baseLayout(options.title ?? `Gate activations, sequence ${sample}`, "", "", {
    height: 180 * panels + 120,
    showlegend: Boolean(options.input),
    legend: { orientation: "h", x: 0, y: 1.0, yanchor: "bottom" },
  });
  let k = 0;
  if (options.input) {
    for (const ch of options.input) {
      data.push({
        type: "scatter",
        mode: "lines",
        name: ch.name,
        x: range(ch.values.length, 1),
        y: ch.values,
        xaxis: "x",
        yaxis: "y",
      });
    }
    layout.yaxis = { domain: domain(k), title: { text: "input" } };
    k++;
  }
  gates.forEach((g) => {
    const t = trace.get(g, options.layer);
    const [, T, H] = t.shape;
    const z: number[][] = [];
    for (let j = 0; j < H; j++) z.push(range(T).map((s) => t.data[(sample * T + s) * H + j]));
    const axis = k === 0 ? "" : String(k + 1);
    const { label, range: values } = trace.describe(g);
    const sigmoidGate = values !== null && values[0] === 0 && values[1] === 1;
    const [lo, hi] = domain(k);
    // One colour bar per panel, beside it: σ gates run 0..1, tanh quantities −1..1, unbounded ones ±max|v|.
    // A loop, not Math.max(...values): a spread of a long trace's 10⁶ values overflows the call stack.
    const largest = () => z.reduce((m, row) => row.reduce((a, v) => Math.max(a, Math.abs(v)), m), 1e-12);
    const bound = values ? Math.max(-values[0], values[1]) : largest();
    data.push({
      type: "heatmap",
      name: label,
      x: range(T, 1),
      y: range(H),
      z,
      xaxis: "x",
      yaxis: `y${axis}`,
      colorscale: sigmoidGate ? "Blues" : "RdBu",
      reversescale: sigmoidGate,
      zmin: sigmoidGate ? 0 : -bound,
      zmax: sigmoidGate ? 1 : bound,
      showscale: true,
      colorbar: { len: hi - lo, y: (lo + hi) / 2, yanchor: "middle", thickness: 12 },
    });
    layout[`yaxis${axis}`] = { domain: domain(k), title: { text: `${label}<br>unit` } };
    k++;
  });
  layout.xaxis = { title: { text: "time step t" }, anchor: `y${k === 1 ? "" : k}` };
  return { data, layout };
}

/**
 * One unit on one sequence: its σ gates (or those named) against t, a state on a second axis, and
 * the input below them — a 0/1 channel (a marker) as bars, any other as a grey line. What a unit
 * does at the moments the task cares about, in one call.
 */
export function unitFigure(
  trace: Trace,
  options: {
    unit: number;
    sample?: number;
    layer?: number;
    gates?: string[];
    state?: string;
    input?: InputChannel[];
    title?: string;
  },
): Figure {
  checkKeys("unitFigure options", options, ["unit", "sample", "layer", "gates", "state", "input", "title"]);
  const { unit: j, sample: n = 0, layer } = options;
  const first = trace.get(trace.names[0], layer);
  const [N, T, H] = first.shape;
  if (!(Number.isInteger(j) && j >= 0 && j < H) || !(Number.isInteger(n) && n >= 0 && n < N)) {
    fail("unitFigure", `a unit in [0, ${H - 1}] and a sample in [0, ${N - 1}]`, `unit ${j}, sample ${n}`);
  }
  const gates = options.gates ?? trace.gateNames.filter((g) => String(trace.describe(g).range) === "0,1");
  const state = options.state ?? (trace.names.includes("c") ? "c" : "h");
  const x = range(T, 1);
  const series = (name: string) => {
    const t = trace.get(name, layer);
    return x.map((s) => t.data[(n * T + s - 1) * H + j]);
  };
  const data: PlotlyTrace[] = (options.input ?? []).map((ch) =>
    ch.values.every((v) => v === 0 || v === 1)
      ? { type: "bar", name: ch.name, x, y: ch.values, marker: { color: "#E69F00" }, opacity: 0.4 }
      : { type: "scatter", mode: "lines", name: ch.name, x, y: ch.values, line: { color: "#999" } },
  );
  gates.forEach((g, k) => {
    const color = PALETTE[k % PALETTE.length];
    data.push({
      type: "scatter",
      mode: "lines",
      name: trace.describe(g).label,
      x,
      y: series(g),
      line: { color, width: 3 },
    });
  });
  data.push({
    type: "scatter",
    mode: "lines",
    name: `${trace.describe(state).label} (right axis)`,
    x,
    y: series(state),
    line: { color: "#000000", width: 2, dash: "dot" },
    yaxis: "y2",
  });
  const title = options.title ?? `Unit ${j} on sequence ${n}`;
  return {
    data,
    layout: baseLayout(title, "time step t", "gate activation / input", {
      yaxis: { title: { text: "gate activation / input" }, range: [-0.05, 1.05] },
      yaxis2: { title: { text: trace.describe(state).label }, overlaying: "y", side: "right" },
      margin: { l: 85, r: 85, t: 60, b: 55 }, // the right axis needs room for its title too
      legend: { orientation: "h", y: -0.25 },
      barmode: "overlay",
    }),
  };
}

/**
 * Every unit's (or the chosen units') gates and state at step t of one sequence, with a slider over t: each of the
 * slider's steps is a Plotly `restyle` of precomputed values, so scrubbing needs no kernel (tslab and Deno's kernel
 * take no widget messages) and works in exported HTML too; a static image shows the first step. The slider's
 * steps are named t = 1, 2, … or by `stepLabels` (the characters of a text, say).
 */
export function timeScrubber(
  trace: Trace,
  options: {
    sample?: number;
    layer?: number;
    names?: string[];
    title?: string;
    units?: number[];
    stepLabels?: string[];
  } = {},
): Figure {
  checkKeys("timeScrubber options", options, ["sample", "layer", "names", "title", "units", "stepLabels"]);
  const { sample: n = 0, layer } = options;
  const names = options.names ?? [...trace.gateNames, trace.names.includes("c") ? "c" : "h"];
  const tensors = names.map((name) => trace.get(name, layer));
  const [N, T, H] = tensors[0].shape;
  if (!(Number.isInteger(n) && n >= 0 && n < N)) fail("timeScrubber sample", `an integer in [0, ${N - 1}]`, n);
  const units = options.units ?? range(H);
  if (!units.length || !units.every((j) => Number.isInteger(j) && j >= 0 && j < H))
    fail("timeScrubber units", `unit indices in [0, ${H - 1}]`, options.units);
  const labels = options.stepLabels ?? range(T, 1).map(String);
  if (labels.length !== T) fail("timeScrubber stepLabels", `${T} labels (one per step)`, labels.length);
  const at = (k: number, t: number) => units.map((j) => tensors[k].data[(n * T + t) * H + j]);
  const data: PlotlyTrace[] = names.map((name, k) => ({
    type: "bar",
    name: trace.describe(name).label,
    x: units.map(String),
    y: at(k, 0),
    marker: { color: PALETTE[k % PALETTE.length] },
  }));
  // One fixed axis for every t, so that scrubbing moves the bars and not the scale.
  let [lo, hi] = [0, 1];
  for (const v of tensors)
    for (let i = 0; i < v.data.length; i++) [lo, hi] = [Math.min(lo, v.data[i]), Math.max(hi, v.data[i])];
  return {
    data,
    layout: baseLayout(options.title ?? "Gates and state at step t (drag the slider)", "unit", "value", {
      barmode: "group",
      xaxis: { title: { text: "unit" }, type: "category" }, // unit numbers name bars, they are not a scale
      yaxis: { title: { text: "value" }, range: [lo < 0 ? 1.05 * Math.min(lo, -1) : 0, 1.05 * hi] },
      ...restyleSlider(
        options.stepLabels ? "reading " : "t = ",
        labels,
        range(T).map((t) => ({ y: names.map((_, k) => at(k, t)) })),
        names.length,
      ),
    }),
  };
}

/**
 * Karpathy, Johnson & Fei-Fei 2015's saturation plot: one panel per σ gate, a point per unit at (fraction of
 * steps right-saturated > 0.9, fraction left-saturated < 0.1), coloured by layer. Points near the right edge are
 * gates nearly always open (a forget gate there makes the unit an integrator), near the top nearly always shut.
 * From one trace, or from saturations measured over a whole text chunk by chunk (saturationOf, addSaturation).
 */
export function saturationScatter(
  measured: Trace | GateSaturation[],
  title = "Gate saturation by unit (Karpathy et al. 2015)",
): Figure {
  const all = Array.isArray(measured) ? measured : saturationOf(measured);
  const gates = [...new Set(all.map((s) => s.gate))];
  const id = (k: number) => (k === 0 ? "" : String(k + 1)); // Plotly names its first axes x and y, then x2, y2, …
  const data: PlotlyTrace[] = [];
  gates.forEach((g, k) => {
    for (const { layer, left, right, label } of all.filter((s) => s.gate === g)) {
      data.push({
        type: "scatter",
        mode: "markers",
        name: `layer ${layer + 1}`,
        legendgroup: `layer ${layer + 1}`,
        showlegend: k === 0,
        x: right,
        y: left,
        xaxis: `x${id(k)}`,
        yaxis: `y${id(k)}`,
        marker: { color: PALETTE[layer % PALETTE.length], size: 7, opacity: 0.7 },
        hovertemplate: `${label}, layer ${layer + 1}: right %{x:.2f}, left %{y:.2f}<extra></extra>`,
      });
    }
  });
  const axes: Record<string, unknown> = {};
  gates.forEach((g, k) => {
    const [from, to] = [k / gates.length + 0.04, (k + 1) / gates.length - 0.04];
    axes[`xaxis${id(k)}`] = { domain: [from, to], range: [-0.02, 1.02], title: { text: "fraction right-saturated" } };
    axes[`yaxis${id(k)}`] = {
      range: [-0.02, 1.02],
      anchor: `x${id(k)}`,
      scaleanchor: `x${id(k)}`,
      title: { text: k === 0 ? "fraction left-saturated" : "" },
    };
  });
  const annotations = gates.map((g, k) => ({
    text: all.find((s) => s.gate === g)!.label,
    x: (k + 0.5) / gates.length,
    y: 1.08,
    xref: "paper",
    yref: "paper",
    showarrow: false,
  }));
  const layout = { ...baseLayout(title, "", ""), ...axes, annotations, legend: { orientation: "h", y: -0.25 } };
  return { data, layout };
}

/** Mean activation of each gate against t, with a ±1 sd band over batch and units. */
export function gateTrajectories(
  stats: Record<string, GateStats>,
  title = "Gate activations over time (mean ± sd)",
): Figure {
  const data: PlotlyTrace[] = [];
  Object.entries(stats).forEach(([g, s], k) => {
    const color = PALETTE[k % PALETTE.length];
    const x = range(s.mean.length, 1);
    data.push({
      type: "scatter",
      mode: "lines",
      x,
      y: s.mean.map((m, t) => m + s.std[t]),
      line: { width: 0 },
      showlegend: false,
      hoverinfo: "skip",
      legendgroup: g,
    });
    data.push({
      type: "scatter",
      mode: "lines",
      x,
      y: s.mean.map((m, t) => m - s.std[t]),
      line: { width: 0 },
      fill: "tonexty",
      fillcolor: fade(color, 0.12), // light: the bands of several gates overlap
      showlegend: false,
      hoverinfo: "skip",
      legendgroup: g,
    });
    data.push({
      type: "scatter",
      mode: "lines",
      name: s.label,
      x,
      y: s.mean,
      line: { color, width: 2 },
      legendgroup: g,
    });
  });
  return { data, layout: baseLayout(title, "time step t", "activation") };
}

const BINS = 50;

/** The fraction of `values` in each of BINS equal bins over [0, 1] (1 itself in the last). */
function binFractions(values: ArrayLike<number>): number[] {
  const counts = new Array<number>(BINS).fill(0);
  for (let k = 0; k < values.length; k++) counts[Math.min(BINS - 1, Math.max(0, Math.floor(values[k] * BINS)))]++;
  return counts.map((c) => c / Math.max(1, values.length));
}

/**
 * Histogram of each gate's activations over a whole trace: saturation at 0 or 1 shows as spikes.
 * Binned here (50 bins over [0, 1]), so the figure carries 50 numbers per gate, not every activation.
 */
export function gateSaturationHistogram(
  trace: Trace,
  options: { gates?: string[]; layer?: number; title?: string } = {},
): Figure {
  checkKeys("gateSaturationHistogram options", options, ["gates", "layer", "title"]);
  // the σ gates
  const gates = options.gates ?? trace.gateNames.filter((n) => String(trace.describe(n).range) === "0,1");
  return {
    data: gates.map((g) => ({
      type: "bar",
      name: trace.describe(g).label,
      x: range(BINS).map((b) => (b + 0.5) / BINS),
      y: binFractions(trace.get(g, options.layer).data),
      width: 1 / BINS,
      opacity: 0.6,
    })),
    layout: baseLayout(options.title ?? "Gate saturation", "activation", "fraction of (unit, step, sequence)", {
      barmode: "overlay",
      bargap: 0,
      xaxis: { title: { text: "activation" }, range: [0, 1] },
      shapes: [0.1, 0.9].map((x) => ({
        type: "line",
        x0: x,
        x1: x,
        yref: "paper",
        y0: 0,
        y1: 1,
        line: { dash: "dot", color: "#555" },
      })),
    }),
  };
}

/** ‖h_t‖ (and ‖c_t‖) against t, one line per model. */
export function stateNormsFigure(
  series: Array<{ cell: string; label?: string; norms: number[]; state?: "h" | "c" }>,
  title = "State norms over time",
): Figure {
  return {
    data: series.map((s) => ({
      type: "scatter",
      mode: "lines",
      name: `${s.label ?? s.cell} ‖${s.state ?? "h"}_t‖`,
      x: range(s.norms.length, 1),
      y: s.norms,
      line: { color: cellColor(s.cell), dash: s.state === "c" ? "dash" : "solid" },
    })),
    layout: baseLayout(title, "time step t", "mean norm over the batch"),
  };
}
