// The one place the two kernel builds differ. Built with relaxed SIMD, a·b + c is one fused
// multiply-add (f32x4.relaxed_madd: one rounding where the CPU has FMA, as on x86-64 with FMA3
// and every ARM64); the plain-SIMD build multiplies, rounds, adds and rounds. Results are
// bit-identical run to run on one machine and build, not across the two builds.

@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}
