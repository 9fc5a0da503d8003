/** Gradient flow through time: the vanishing-gradient picture. */
import { checkKeys, fail } from "../errors";
import { summarizeFlow } from "../probe/gradient-flow";
import { baseLayout, cellColor, cellLabel, range, restyleSlider, type Figure } from "./figure";

/** One line of a gradient-flow chart: ‖∂L/∂h_t‖ against t. */
export interface FlowProfile {
  /** Cell type (picks the colour) and a label for the legend. */
  cell: string;
  label?: string;
  /** ‖∂L/∂h_t‖ for t = 1..T. */
  norms: number[];
  dash?: "solid" | "dash" | "dot";
  /** Overrides the cell's colour, for profiles that differ in something else (a gain, a bias). */
  color?: string;
}

const FLOW_TITLE = "Gradient flow through time: ‖∂L/∂h_t‖";
const FLOW_AXES = { x: "time step t", y: "‖∂L/∂h_t‖ (log scale)" };

/**
 * log‖∂L/∂h_t‖ against t, one line per profile, fitted decay rate in the legend. `axes` relabels
 * for another gradient plotted the same way (e.g. |∂h_T/∂h_0| against T).
 */
export function gradientFlowFigure(
  profiles: FlowProfile[],
  title = FLOW_TITLE,
  axes: { x?: string; y?: string } = {},
): Figure {
  checkKeys("gradientFlowFigure axes", axes, ["x", "y"]);
  const x = axes.x ?? FLOW_AXES.x,
    y = axes.y ?? FLOW_AXES.y;
  return {
    data: profiles.map((p) => {
      const s = summarizeFlow(p.norms);
      return {
        type: "scatter",
        mode: "lines",
        name:
          `${p.label ?? cellLabel(p.cell)} (${s.decadesPerStep >= 0 ? "+" : ""}${s.decadesPerStep.toFixed(3)} ` +
          `decades/step)`,
        x: range(p.norms.length, 1),
        y: p.norms.map((v) => (v > 0 ? v : null)),
        line: { color: p.color ?? cellColor(p.cell), dash: p.dash ?? "solid", width: 2 },
      };
    }),
    // The legend carries the decay rates, so it shows even for a single profile.
    layout: baseLayout(title, x, y, {
      showlegend: true,
      yaxis: { type: "log", title: { text: y }, exponentformat: "power" },
    }),
  };
}

/**
 * Gradient flow under a setting swept over values (a forget bias, a recurrent gain): one chart of
 * `gradientFlowFigure`'s lines, with a slider over the values. Each slider step is a Plotly restyle of the
 * precomputed lines and legend (decay rates), on one fixed log axis, so it scrubs with no kernel round-trip.
 */
export function gradientFlowSlider(
  setting: string,
  sweep: Array<{ value: number; profiles: FlowProfile[] }>,
  title = `${FLOW_TITLE}, as ${setting} varies`,
): Figure {
  if (sweep.length === 0) fail("gradientFlowSlider sweep", "at least one {value, profiles}", sweep);
  const figs = sweep.map((s) => gradientFlowFigure(s.profiles, title));
  const lines = figs[0].data.length;
  const bad = figs.findIndex((f) => f.data.length !== lines);
  if (bad >= 0) {
    const got = figs[bad].data.length;
    fail(`gradientFlowSlider sweep[${bad}].profiles`, `${lines} profiles, as the first value has`, got);
  }
  // One log axis for every value, whole decades around all of them, so the lines move and the scale does not.
  let [lo, hi] = [Infinity, 0];
  for (const f of figs)
    for (const t of f.data)
      for (const v of t.y as Array<number | null>) if (v !== null) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  const decades = hi > 0 ? { range: [Math.floor(Math.log10(lo)), Math.ceil(Math.log10(hi))] } : {};
  const labels = sweep.map((s) => String(s.value));
  const values = figs.map((f) => ({ y: f.data.map((t): unknown => t.y), name: f.data.map((t): unknown => t.name) }));
  const layout = figs[0].layout;
  return {
    data: figs[0].data,
    layout: {
      ...layout,
      yaxis: { ...(layout.yaxis as Record<string, unknown>), ...decades },
      ...restyleSlider(`${setting} = `, labels, values, lines),
    },
  };
}

/** Gradient flow over training: training step × t, colour = log10‖∂L/∂h_t‖. */
export function gradientFlowHeatmap(
  records: Array<{ step: number; norms: number[] }>,
  title = "Gradient flow over training",
): Figure {
  const T = records[0]?.norms.length ?? 0;
  // A norm that underflowed to 0 has no logarithm; drawn as a gap it would read as "no data", so it
  // takes the colour one decade below the smallest norm that did not underflow, and the scale says so.
  const logs = records.flatMap((r) => r.norms.filter((v) => v > 0).map(Math.log10));
  const floor = Math.floor(logs.reduce((a, b) => Math.min(a, b), 0)) - 1;
  const underflow = records.some((r) => r.norms.some((v) => !(v > 0)));
  return {
    data: [
      {
        type: "heatmap",
        x: range(T, 1),
        y: records.map((r) => r.step),
        z: records.map((r) => r.norms.map((v) => (v > 0 ? Math.log10(v) : floor))),
        colorscale: "Viridis",
        colorbar: { title: { text: `log₁₀‖∂L/∂h_t‖${underflow ? `<br>(${floor}: underflow to 0)` : ""}` } },
      },
    ],
    layout: baseLayout(title, "time step t", "training step", {
      yaxis: { type: "category", title: { text: "training step" } },
    }),
  };
}
