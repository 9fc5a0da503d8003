// Vectorised exp, sigmoid and tanh on four float32 lanes. exp is Cephes' expf: range
// reduction x = n·ln2 + r, a degree-5 polynomial for e^r, then 2^n built in the exponent
// bits. Relative error about 2 ulp over the clamped range [−87, 88], which keeps 2^n normal
// and the result finite.

import { madd } from "./simd";

@inline function c(x: f32): v128 { return f32x4.splat(x); }

@inline export function exp4(v: v128): v128 {
  let x = f32x4.min(f32x4.max(v, c(-87.0)), c(88.0));
  const fx = f32x4.floor(f32x4.add(f32x4.mul(x, c(1.44269504088896341)), c(0.5)));
  x = f32x4.sub(x, f32x4.mul(fx, c(0.693359375)));
  x = f32x4.sub(x, f32x4.mul(fx, c(-2.12194440e-4)));
  const z = f32x4.mul(x, x);
  let y = c(1.9875691500e-4);
  y = madd(y, x, c(1.3981999507e-3));
  y = madd(y, x, c(8.3334519073e-3));
  y = madd(y, x, c(4.1665795894e-2));
  y = madd(y, x, c(1.6666665459e-1));
  y = madd(y, x, c(5.0000001201e-1));
  y = f32x4.add(f32x4.add(f32x4.mul(y, z), x), c(1.0));
  const pow2n = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(fx), i32x4.splat(127)), 23);
  return f32x4.mul(y, pow2n);
}

/** σ(x) = 1 / (1 + e^−x) */
@inline export function sigmoid4(x: v128): v128 {
  return f32x4.div(c(1.0), f32x4.add(c(1.0), exp4(f32x4.neg(x))));
}

/** tanh(x) = 2σ(2x) − 1: absolute error ~1e-7, which is float32's resolution near ±1. */
@inline export function tanh4(x: v128): v128 {
  return f32x4.sub(f32x4.mul(c(2.0), sigmoid4(f32x4.add(x, x))), c(1.0));
}

@inline export function splat(x: f32): v128 { return f32x4.splat(x); }
