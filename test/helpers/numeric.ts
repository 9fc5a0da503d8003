/** Finite differences and error measures shared by the gradient tests. */
import { Rng } from "../../src/math/rng";
import type { FloatArray, Tensor } from "../../src/math/tensor";

/** Central differences of f with respect to every entry of `data` (perturbed in place, restored). */
export function numericGrad(f: () => number, data: FloatArray, eps = 1e-6): Float64Array {
  const g = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const keep = data[i];
    data[i] = keep + eps;
    const up = f();
    data[i] = keep - eps;
    const down = f();
    data[i] = keep;
    g[i] = (up - down) / (2 * eps);
  }
  return g;
}

/**
 * Scale-normalised error: max|a − b| / max(max|b|, floor). The same measure verify-torch
 * uses; it does not blow up on entries whose true gradient is ~0.
 */
export function scaledError(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-3): number {
  if (a.length !== b.length) throw new Error(`length mismatch ${a.length} vs ${b.length}`);
  let diff = 0;
  let scale = floor;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

export function randomTensor(rng: Rng, shape: number[], scale = 1, dtype: "float32" | "float64" = "float64"): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = dtype === "float64" ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = rng.range(-scale, scale);
  return { shape, data };
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
