/**
 * Readable cells: which units of a traced state (tanh(c), h) follow a feature of the input, per feature the units
 * ranked by |Pearson r| over one sequence's steps. A feature no unit follows as well as `threshold` is said to be
 * tracked by none — the finder never names a best cell that is not one.
 */
import { fail } from "../errors";
import type { Tensor } from "../math/tensor";

/** For one feature: the units that follow it best, and whether any follows it at |r| ≥ the threshold. */
export interface CellMatch {
  feature: string;
  /** Units by decreasing |r| (those with a constant value, whose r is undefined, left out). */
  best: Array<{ unit: number; r: number }>;
  tracked: boolean;
}

const constant = (a: ArrayLike<number>) => Array.prototype.every.call(a, (v: number) => v === a[0]);

/** Pearson's r of two equally long series; NaN where either is constant (rounding must not make one vary). */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  if (n < 2 || constant(a) || constant(b)) return NaN;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) [ma, mb] = [ma + a[i], mb + b[i]];
  [ma, mb] = [ma / n, mb / n];
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    const [da, db] = [a[i] - ma, b[i] - mb];
    [sab, saa, sbb] = [sab + da * db, saa + da * da, sbb + db * db];
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : NaN;
}

/**
 * Ranks the units of `states` (N×T×H) by how well each follows each feature: over sequence `sample`'s T steps when a
 * feature has T values, or over every sequence's steps pooled when it has N·T (sequence by sequence, as the data).
 */
export function findCells(
  states: Tensor,
  features: Record<string, ArrayLike<number>>,
  options: { sample?: number; threshold?: number; top?: number } = {},
): CellMatch[] {
  const [N, T, H] = states.shape;
  const { sample: n = 0, threshold = 0.5, top = 5 } = options;
  if (!(Number.isInteger(n) && n >= 0 && n < N)) fail("findCells sample", `an integer in [0, ${N - 1}]`, n);
  /** Unit j's values over `steps` consecutive rows of N·T from row `first`. */
  const unit = (j: number, first: number, steps: number) =>
    Float64Array.from({ length: steps }, (_, t) => states.data[(first + t) * H + j]);
  return Object.entries(features).map(([feature, values]) => {
    const pooled = values.length === N * T;
    const want = `${T} values (one per step) or ${N * T} (every sequence's)`;
    if (!pooled && values.length !== T) fail(`findCells feature "${feature}"`, want, values.length);
    const [first, steps] = pooled ? [0, N * T] : [n * T, T];
    const best = Array.from({ length: H }, (_, j) => ({ unit: j, r: pearson(unit(j, first, steps), values) }))
      .filter((m) => Number.isFinite(m.r))
      .sort((a, b) => Math.abs(b.r) - Math.abs(a.r))
      .slice(0, top);
    return { feature, best, tracked: best.length > 0 && Math.abs(best[0].r) >= threshold };
  });
}
