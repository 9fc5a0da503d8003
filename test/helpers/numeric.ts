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

/** The same scale-normalised error verify-torch uses: max|a − b| / max(max|b|, 1e-3). */
export { scaleNormalisedError as scaledError } from "../../src/io/reference";

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
