/**
 * What the gates do, step by step: per gate and t, the mean and spread of the activation over
 * batch and units, and the fraction saturated below 0.1 / above 0.9 (for σ gates: closed /
 * open); per unit, the fraction of steps it spends saturated either way (Karpathy et al. 2015's
 * scatter); and state norms ‖h_t‖, ‖c_t‖ averaged over the batch.
 */
import { fail } from "../errors";
import type { Trace } from "../model/trace";

/** Per-step mean, spread and saturation of a gate. */
export interface GateStats {
  /** What the gate is ("forget gate f"), from the cell's description. */
  label: string;
  mean: number[];
  std: number[];
  fractionLow: number[]; // < 0.1
  fractionHigh: number[]; // > 0.9
}

/**
 * Each unit's fraction of steps (over every sequence and t) with the gate left-saturated (< 0.1) and
 * right-saturated (> 0.9): Karpathy, Johnson & Fei-Fei 2015's measure, a point per unit in their scatter.
 * A value exactly at 0.1 or 0.9 is not saturated.
 */
export function unitSaturation(trace: Trace, name: string, layer?: number): { left: number[]; right: number[] } {
  const t = trace.get(name, layer);
  const [N, T, H] = t.shape;
  const left = new Array<number>(H).fill(0);
  const right = new Array<number>(H).fill(0);
  for (let r = 0; r < N * T; r++) {
    for (let j = 0; j < H; j++) {
      const v = t.data[r * H + j];
      if (v < 0.1) left[j]++;
      if (v > 0.9) right[j]++;
    }
  }
  return { left: left.map((c) => c / (N * T)), right: right.map((c) => c / (N * T)) };
}

/** Each unit's saturation for one gate of one layer over `count` steps: a panel's points in the scatter. */
export interface GateSaturation {
  gate: string;
  label: string;
  layer: number;
  count: number;
  left: number[];
  right: number[];
}

/** Every σ gate (values in [0, 1]) of every layer of a trace, each unit's fractions left- and right-saturated. */
export function saturationOf(trace: Trace): GateSaturation[] {
  const gates = trace.gateNames.filter((g) => String(trace.describe(g).range) === "0,1");
  return gates.flatMap((gate) =>
    Array.from({ length: trace.numLayers }, (_, layer) => {
      const [N, T] = trace.get(gate, layer).shape;
      return { gate, label: trace.describe(gate).label, layer, count: N * T, ...unitSaturation(trace, gate, layer) };
    }),
  );
}

/** The saturation of the same gates over the steps of both measures (a text read chunk after chunk). */
export function addSaturation(a: GateSaturation[], b: GateSaturation[]): GateSaturation[] {
  if (a.length !== b.length || a.some((s, k) => s.gate !== b[k].gate || s.layer !== b[k].layer))
    fail("addSaturation", "measures of the same gates and layers", b.map((s) => `${s.gate}${s.layer}`).join(" "));
  return a.map((s, k) => {
    const count = s.count + b[k].count;
    const mix = (x: number[], y: number[]) => x.map((v, j) => (v * s.count + y[j] * b[k].count) / count);
    return { ...s, count, left: mix(s.left, b[k].left), right: mix(s.right, b[k].right) };
  });
}

/** Per-step statistics of one traced gate or state over the batch and units. */
export function gateStats(trace: Trace, name: string, layer?: number): GateStats {
  const t = trace.get(name, layer);
  const [N, T, H] = t.shape;
  const out: GateStats = { label: trace.describe(name).label, mean: [], std: [], fractionLow: [], fractionHigh: [] };
  for (let s = 0; s < T; s++) {
    let sum = 0, sq = 0, lo = 0, hi = 0;
    for (let n = 0; n < N; n++) {
      const o = (n * T + s) * H;
      for (let j = 0; j < H; j++) {
        const v = t.data[o + j];
        sum += v; sq += v * v;
        if (v < 0.1) lo++;
        if (v > 0.9) hi++;
      }
    }
    const m = sum / (N * H);
    out.mean.push(m);
    out.std.push(Math.sqrt(Math.max(0, sq / (N * H) - m * m)));
    out.fractionLow.push(lo / (N * H));
    out.fractionHigh.push(hi / (N * H));
  }
  return out;
}

/** Mean over the batch of ‖h_t‖ (or of any traced state, e.g. "c"), for each t. */
export function stateNorms(trace: Trace, name = "h", layer?: number): number[] {
  const t = trace.get(name, layer);
  const [N, T, H] = t.shape;
  const out: number[] = [];
  for (let s = 0; s < T; s++) {
    let total = 0;
    for (let n = 0; n < N; n++) {
      let sq = 0;
      const o = (n * T + s) * H;
      for (let j = 0; j < H; j++) sq += t.data[o + j] ** 2;
      total += Math.sqrt(sq);
    }
    out.push(total / N);
  }
  return out;
}
