/**
 * The statistics a results table reports over seeds: sample mean and standard deviation,
 * quantiles (linear interpolation, R's type 7 / numpy's default), a percentile-bootstrap 95 %
 * interval of the mean (seeded, so the same numbers give the same interval), and Wilson's
 * score interval for a success rate (which, unlike the normal approximation, stays inside
 * [0, 1] and is not degenerate at 0 of n or n of n).
 */
import { fail } from "../errors";
import { Rng } from "../math/rng";

export const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Sample standard deviation (n − 1); 0 for a single value. */
export function sd(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

/** The q-quantile, q ∈ [0, 1], interpolating linearly between order statistics. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) fail("quantile", "at least one value", xs);
  const s = [...xs].sort((a, b) => a - b);
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  return lo + 1 < s.length ? s[lo] + (h - lo) * (s[lo + 1] - s[lo]) : s[lo];
}

/** The median (the 0.5 quantile). */
export const median = (xs: readonly number[]): number => quantile(xs, 0.5);

/**
 * Percentile bootstrap 95 % interval of the mean: B resamples with replacement, the 2.5th and
 * 97.5th percentiles of their means. With one value the interval is that value; with few seeds
 * it is narrow and optimistic, which is why the table also shows n.
 */
export function bootstrapMeanCI(xs: readonly number[], B = 2000, seed = 0x5eed): [number, number] {
  if (xs.length === 0) fail("bootstrap", "at least one value", xs);
  const rng = new Rng(seed);
  return percentiles95(Array.from({ length: B }, () => resampledMean(rng, xs)));
}

/**
 * Percentile bootstrap 95 % interval of mean(xs) − mean(ys), each resampled on its own: two rows' seeds are
 * independent runs, not pairs.
 */
export function bootstrapDiffCI(
  xs: readonly number[],
  ys: readonly number[],
  B = 2000,
  seed = 0x5eed,
): [number, number] {
  if (xs.length === 0 || ys.length === 0) fail("bootstrap of a difference", "values on both sides", [xs, ys]);
  const rng = new Rng(seed);
  return percentiles95(Array.from({ length: B }, () => resampledMean(rng, xs) - resampledMean(rng, ys)));
}

/** The mean of xs.length values drawn from xs with replacement. */
function resampledMean(rng: Rng, xs: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[rng.int(xs.length)];
  return s / xs.length;
}

const percentiles95 = (vs: number[]): [number, number] => [quantile(vs, 0.025), quantile(vs, 0.975)];

/** Wilson score interval for k successes in n trials, z = 1.96 (95 %). */
export function wilsonCI(k: number, n: number, z = 1.959963984540054): [number, number] {
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(k) || k < 0 || k > n)
    fail("Wilson interval", "integers 0 ≤ k ≤ n, n ≥ 1", `${k} of ${n}`);
  const p = k / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}
