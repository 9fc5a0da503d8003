/**
 * Gradient flow through time: ‖∂L/∂h_t‖ against t (the vanishing-gradient picture of
 * Bengio et al. 1994, Pascanu et al. 2013, Arjovsky et al. 2016), its decay rate, and
 * estimates of ‖∂h_t/∂h_{t−1}‖.
 */
import type { Tensor } from "../math/tensor";

/** ‖∂L/∂h_t‖ over the batch and units (Frobenius over N×H), for t = 1..T, of one layer. dh: L×N×T×H. */
export function gradientNorms(dh: Tensor, layer = dh.shape[0] - 1): number[] {
  const [, N, T, H] = dh.shape;
  const sums = new Float64Array(T);
  const base = layer * N * T * H;
  for (let n = 0; n < N; n++) {
    for (let t = 0; t < T; t++) {
      const o = base + (n * T + t) * H;
      let s = 0;
      for (let j = 0; j < H; j++) s += dh.data[o + j] * dh.data[o + j];
      sums[t] += s;
    }
  }
  return Array.from(sums, Math.sqrt);
}

/** A gradient-flow profile in numbers. */
export interface FlowSummary {
  /**
   * Least-squares slope of log10‖∂L/∂h_t‖ against t: decades gained per step back in time
   * (negative: vanishing).
   */
  decadesPerStep: number;
  /** ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖: below 1 vanishing, above 1 exploding. */
  firstOverLast: number;
  /** How many orders of magnitude separate the largest and the smallest norm. */
  decadesSpanned: number;
}

/** Reducers for series of any length (a spread into Math.max overflows the call stack at ~10⁵ values). */
const max = (a: number, b: number) => Math.max(a, b);
const min = (a: number, b: number) => Math.min(a, b);

/** How fast ‖∂L/∂h_t‖ vanishes or explodes along t. */
export function summarizeFlow(norms: number[]): FlowSummary {
  const pts = norms.map((v, t) => [t, v] as const).filter(([, v]) => v > 0 && Number.isFinite(v));
  let slope = 0;
  if (pts.length >= 2) {
    const n = pts.length;
    const mx = pts.reduce((s, [t]) => s + t, 0) / n;
    const my = pts.reduce((s, [, v]) => s + Math.log10(v), 0) / n;
    let sxy = 0, sxx = 0;
    for (const [t, v] of pts) { sxy += (t - mx) * (Math.log10(v) - my); sxx += (t - mx) ** 2; }
    // Norms are indexed forward in time; "per step back in time" flips the sign.
    slope = sxx > 0 ? -sxy / sxx : 0;
  }
  const positive = norms.filter((v) => v > 0);
  const last = norms[norms.length - 1];
  return {
    decadesPerStep: slope,
    firstOverLast: last > 0 ? norms[0] / last : Infinity,
    decadesSpanned: positive.length ? Math.log10(positive.reduce(max) / positive.reduce(min)) : 0,
  };
}

/**
 * ‖∂L/∂h_{t−1}‖ / ‖∂L/∂h_t‖ for each t, an estimate of the gain of ∂h_t/∂h_{t−1} along the
 * gradient's direction. Exact as a ratio only where no loss term enters between t−1 and t
 * (everywhere but the last step for a last-step loss). Entry k is for the step into t = k+1.
 */
export function stepGains(norms: number[]): number[] {
  const out: number[] = [];
  for (let t = 1; t < norms.length; t++) out.push(norms[t] > 0 ? norms[t - 1] / norms[t] : NaN);
  return out;
}
