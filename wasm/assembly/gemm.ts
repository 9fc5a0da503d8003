// Float32 matrix products on raw byte pointers, row-major, SIMD over four lanes. The engine's
// products come in three shapes, each with its own vectorised loop:
//   nn:  C ← β·C + op(A)·B   with B contiguous along j (vectorise over j; A any strides)
//   nt:  C ← β·C + A·Bᵀ      both contiguous along k (vectorise over k: dot products)
//   tn:  C ← β·C + Aᵀ·B      for narrow B (few columns; vectorise over i along A's rows)
// β is 0 (C is overwritten, so it need not be zeroed first) or 1. Strides are in elements.
// Edges that do not fill a tile fall back to scalar loops. Every accumulation is madd
// (simd.ts): fused in the relaxed-SIMD build.

import { madd } from "./simd";

@inline function ld(p: usize): v128 { return v128.load(p); }

const KC = 256;
const MB = 16; // rows of A packed at a time: one cache line of a transposed A's column
@inline function f(p: usize): f32 { return load<f32>(p); }

// This instance's packing buffer (MB × KC floats), set by the host: each thread has its own.
let PACK: usize = 0;
export function set_pack(p: usize): void { PACK = p; }
export const PACK_BYTES = MB * KC * 4;

export function gemm_nn(M: i32, N: i32, K: i32, A: usize, ars: i32, acs: i32, B: usize, ldb: i32, C: usize, ldc: i32,
  beta: i32): void {
  // 2×16 tiles: eight accumulators, four B vectors and one broadcast A value per k — thirteen
  // vector registers, under the fifteen V8 allocates on x86-64 (a 4×16 tile spills and runs at
  // half the speed). K is cut into blocks of KC so that the A and B panels a block sweeps stay in
  // L2 (weight gradients have K = T·N in the thousands). A transposed A (acs ≠ 1: a weight
  // gradient reads dA down its columns) is first packed MB rows at a time into PACK: read in
  // place, its rows lie a power of two apart, alias in L1, and every line would be fetched once
  // per row pair instead of once. Packing moves values, not sums: results are the same.
  const M2 = M & ~1, N16 = N & ~15;
  const bs = <usize>ldb * 4;
  const packed = acs != 1 && ars == 1 && PACK != 0;
  for (let k0 = 0; k0 < K; k0 += KC) {
  const k1 = min(K, k0 + KC);
  for (let ib = 0; ib < M2; ib += MB) {
    const ie = min(M2, ib + MB);
    let base = A + <usize>(ib * ars + k0 * acs) * 4, rs = <usize>ars * 4, ks = <usize>acs * 4;
    if (packed) {
      for (let k = k0; k < k1; k++) {
        const src = A + <usize>(ib + k * acs) * 4, dst = PACK + <usize>((k - k0) * MB) * 4;
        if (ie - ib == MB) {
          v128.store(dst, ld(src)); v128.store(dst + 16, ld(src + 16));
          v128.store(dst + 32, ld(src + 32)); v128.store(dst + 48, ld(src + 48));
        } else for (let r = 0; r < ie - ib; r++) store<f32>(dst + <usize>r * 4, f(src + <usize>r * 4));
      }
      base = PACK; rs = 4; ks = MB * 4;
    }
    for (let i = ib; i < ie; i += 2) {
    const a0 = base + <usize>(i - ib) * rs, a1 = a0 + rs;
    for (let j = 0; j < N16; j += 16) {
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c02 = f32x4.splat(0), c03 = f32x4.splat(0);
      let c10 = f32x4.splat(0), c11 = f32x4.splat(0), c12 = f32x4.splat(0), c13 = f32x4.splat(0);
      let bp = B + <usize>(k0 * ldb + j) * 4;
      let ko: usize = 0;
      for (let k = k0; k < k1; k++) {
        const b0 = ld(bp), b1 = ld(bp + 16), b2 = ld(bp + 32), b3 = ld(bp + 48);
        let x = v128.load32_splat(a0 + ko);
        c00 = madd(x, b0, c00); c01 = madd(x, b1, c01);
        c02 = madd(x, b2, c02); c03 = madd(x, b3, c03);
        x = v128.load32_splat(a1 + ko);
        c10 = madd(x, b0, c10); c11 = madd(x, b1, c11);
        c12 = madd(x, b2, c12); c13 = madd(x, b3, c13);
        bp += bs;
        ko += ks;
      }
      const cp = C + <usize>(i * ldc + j) * 4, keep = beta != 0 || k0 > 0;
      out4(cp, c00, c01, c02, c03, keep);
      out4(cp + <usize>ldc * 4, c10, c11, c12, c13, keep);
    }
    }
  }
  }
  // Leftover columns (N % 16) of the tiled rows, four at a time, then the rest by scalars.
  const N4 = N & ~3;
  for (let i = 0; i < M; i++) {
    const ai = A + <usize>(i * ars) * 4;
    const jv = i < M2 ? N16 : 0;
    for (let j = jv; j < N4; j += 4) {
      let acc = f32x4.splat(0);
      let bp = B + <usize>j * 4;
      for (let k = 0; k < K; k++) {
        acc = madd(v128.load32_splat(ai + <usize>(k * acs) * 4), ld(bp), acc);
        bp += <usize>ldb * 4;
      }
      const cp = C + <usize>(i * ldc + j) * 4;
      v128.store(cp, beta ? f32x4.add(ld(cp), acc) : acc);
    }
    for (let j = max(jv, N4); j < N; j++) {
      let s: f32 = 0;
      for (let k = 0; k < K; k++) s += f(ai + <usize>(k * acs) * 4) * f(B + <usize>(k * ldb + j) * 4);
      const cp = C + <usize>(i * ldc + j) * 4;
      out(cp, s, beta != 0);
    }
  }
}

/** C ← v, or C += v when `keep`: beta = 0 overwrites, so C need not be zeroed first. */
@inline function out4(cp: usize, v0: v128, v1: v128, v2: v128, v3: v128, keep: bool): void {
  v128.store(cp, keep ? f32x4.add(ld(cp), v0) : v0);
  v128.store(cp + 16, keep ? f32x4.add(ld(cp + 16), v1) : v1);
  v128.store(cp + 32, keep ? f32x4.add(ld(cp + 32), v2) : v2);
  v128.store(cp + 48, keep ? f32x4.add(ld(cp + 48), v3) : v3);
}

@inline function out(cp: usize, v: f32, keep: bool): void {
  store<f32>(cp, keep ? f(cp) + v : v);
}

@inline function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

function dot(a: usize, b: usize, K: i32): f32 {
  const K4 = K & ~3;
  let acc = f32x4.splat(0);
  for (let k = 0; k < K4; k += 4) acc = madd(ld(a + <usize>k * 4), ld(b + <usize>k * 4), acc);
  let s = hsum(acc);
  for (let k = K4; k < K; k++) s += f(a + <usize>k * 4) * f(b + <usize>k * 4);
  return s;
}

export function gemm_nt(M: i32, N: i32, K: i32, A: usize, lda: i32, B: usize, ldb: i32, C: usize, ldc: i32,
  beta: i32): void {
  const M2 = M & ~1, N4 = N & ~3, K4 = K & ~3;
  for (let i = 0; i < M2; i += 2) {
    const a0 = A + <usize>(i * lda) * 4, a1 = a0 + <usize>lda * 4;
    for (let j = 0; j < N4; j += 4) {
      const b0 = B + <usize>(j * ldb) * 4, b1 = b0 + <usize>ldb * 4, b2 = b1 + <usize>ldb * 4, b3 = b2 + <usize>ldb * 4;
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c02 = f32x4.splat(0), c03 = f32x4.splat(0);
      let c10 = f32x4.splat(0), c11 = f32x4.splat(0), c12 = f32x4.splat(0), c13 = f32x4.splat(0);
      for (let k = 0; k < K4; k += 4) {
        const o = <usize>k * 4;
        const x0 = ld(a0 + o), x1 = ld(a1 + o);
        const y0 = ld(b0 + o), y1 = ld(b1 + o), y2 = ld(b2 + o), y3 = ld(b3 + o);
        c00 = madd(x0, y0, c00); c01 = madd(x0, y1, c01);
        c02 = madd(x0, y2, c02); c03 = madd(x0, y3, c03);
        c10 = madd(x1, y0, c10); c11 = madd(x1, y1, c11);
        c12 = madd(x1, y2, c12); c13 = madd(x1, y3, c13);
      }
      let s00 = hsum(c00), s01 = hsum(c01), s02 = hsum(c02), s03 = hsum(c03);
      let s10 = hsum(c10), s11 = hsum(c11), s12 = hsum(c12), s13 = hsum(c13);
      for (let k = K4; k < K; k++) {
        const o = <usize>k * 4;
        const x0 = f(a0 + o), x1 = f(a1 + o);
        s00 += x0 * f(b0 + o); s01 += x0 * f(b1 + o); s02 += x0 * f(b2 + o); s03 += x0 * f(b3 + o);
        s10 += x1 * f(b0 + o); s11 += x1 * f(b1 + o); s12 += x1 * f(b2 + o); s13 += x1 * f(b3 + o);
      }
      let cp = C + <usize>(i * ldc + j) * 4;
      out(cp, s00, beta != 0); out(cp + 4, s01, beta != 0); out(cp + 8, s02, beta != 0); out(cp + 12, s03, beta != 0);
      cp += <usize>ldc * 4;
      out(cp, s10, beta != 0); out(cp + 4, s11, beta != 0); out(cp + 8, s12, beta != 0); out(cp + 12, s13, beta != 0);
    }
  }
  for (let i = 0; i < M; i++) {
    for (let j = i < M2 ? N4 : 0; j < N; j++) {
      const cp = C + <usize>(i * ldc + j) * 4;
      out(cp, dot(A + <usize>(i * lda) * 4, B + <usize>(j * ldb) * 4, K), beta != 0);
    }
  }
}

export function gemm_tn(M: i32, N: i32, K: i32, A: usize, lda: i32, B: usize, ldb: i32, C: usize, ldc: i32,
  beta: i32): void {
  const M16 = M & ~15;
  for (let j = 0; j < N; j++) {
    for (let i = 0; i < M16; i += 16) {
      let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
      let ap = A + <usize>i * 4;
      let bp = B + <usize>j * 4;
      for (let k = 0; k < K; k++) {
        const b = f32x4.splat(f(bp));
        c0 = madd(ld(ap), b, c0);
        c1 = madd(ld(ap + 16), b, c1);
        c2 = madd(ld(ap + 32), b, c2);
        c3 = madd(ld(ap + 48), b, c3);
        ap += <usize>lda * 4;
        bp += <usize>ldb * 4;
      }
      for (let l = 0; l < 16; l++) {
        const v = l < 4 ? c0 : l < 8 ? c1 : l < 12 ? c2 : c3;
        const cp = C + <usize>((i + l) * ldc + j) * 4;
        out(cp, lane(v, l & 3), beta != 0);
      }
    }
    for (let i = M16; i < M; i++) {
      let s: f32 = 0;
      for (let k = 0; k < K; k++) s += f(A + <usize>(k * lda + i) * 4) * f(B + <usize>(k * ldb + j) * 4);
      const cp = C + <usize>(i * ldc + j) * 4;
      out(cp, s, beta != 0);
    }
  }
}

@inline function lane(v: v128, l: i32): f32 {
  return l == 0 ? f32x4.extract_lane(v, 0) : l == 1 ? f32x4.extract_lane(v, 1)
    : l == 2 ? f32x4.extract_lane(v, 2) : f32x4.extract_lane(v, 3);
}

/** dst (cols×rows) ← srcᵀ, src rows×cols with leading dimension lds. */
export function transpose(rows: i32, cols: i32, src: usize, lds: i32, dst: usize): void {
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) store<f32>(dst + <usize>(c * rows + r) * 4, f(src + <usize>(r * lds + c) * 4));
  }
}

export function add_row_bias(M: i32, N: i32, b: usize, C: usize, ldc: i32): void {
  const N4 = N & ~3;
  for (let i = 0; i < M; i++) {
    const cp = C + <usize>(i * ldc) * 4;
    for (let j = 0; j < N4; j += 4) {
      v128.store(cp + <usize>j * 4, f32x4.add(ld(cp + <usize>j * 4), ld(b + <usize>j * 4)));
    }
    for (let j = N4; j < N; j++) store<f32>(cp + <usize>j * 4, f(cp + <usize>j * 4) + f(b + <usize>j * 4));
  }
}

export function sum_rows(M: i32, N: i32, C: usize, ldc: i32, out: usize): void {
  const N4 = N & ~3;
  for (let i = 0; i < M; i++) {
    const cp = C + <usize>(i * ldc) * 4;
    for (let j = 0; j < N4; j += 4) {
      v128.store(out + <usize>j * 4, f32x4.add(ld(out + <usize>j * 4), ld(cp + <usize>j * 4)));
    }
    for (let j = N4; j < N; j++) store<f32>(out + <usize>j * 4, f(out + <usize>j * 4) + f(cp + <usize>j * 4));
  }
}
