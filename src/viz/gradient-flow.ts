/** Gradient flow through time: the vanishing-gradient picture. */
import { checkKeys } from "../errors";
import { summarizeFlow } from "../probe/gradient-flow";
import { baseLayout, cellColor, cellLabel, range, type Figure } from "./figure";

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
