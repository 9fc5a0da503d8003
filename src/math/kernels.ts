/**
 * The numeric kernels the cells need, behind one small interface so that a faster backend
 * (wasm SIMD, worker threads) can replace them without touching the cells.
 *
 * All matrices are row-major and addressed as (array, offset, leading dimension), so the
 * cells can work on slices of their big per-sequence buffers without allocating views
 * inside the time loop. Every kernel works on Float32Array and Float64Array alike.
 */
import type { FloatArray } from "./tensor";

export interface Kernels {
  /** Shown to the user so they know which code path computed their numbers. */
  readonly name: string;

  /**
   * C ← beta·C + op(A)·op(B), with op(A) M×K and op(B) K×N; op(X) = Xᵀ when tX is set.
   * beta is 0 (overwrite) or 1 (accumulate): the only two the engine needs.
   */
  gemm(
    tA: boolean, tB: boolean, M: number, N: number, K: number,
    A: FloatArray, aOff: number, lda: number,
    B: FloatArray, bOff: number, ldb: number,
    beta: 0 | 1, C: FloatArray, cOff: number, ldc: number,
  ): void;

  /** Adds bias b (length N) to each of M rows of C (leading dimension ldc). */
  addRowBias(M: number, N: number, b: FloatArray, bOff: number, C: FloatArray, cOff: number, ldc: number): void;

  /** out[j] += Σ_i C[i, j] over M rows: the gradient of a row-broadcast bias. */
  sumRows(M: number, N: number, C: FloatArray, cOff: number, ldc: number, out: FloatArray, outOff: number): void;
}

export const jsKernels: Kernels = {
  name: "js (reference TypeScript)",

  gemm(tA, tB, M, N, K, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc) {
    if (beta === 0) {
      for (let i = 0; i < M; i++) C.fill(0, cOff + i * ldc, cOff + i * ldc + N);
    }
    if (!tA && !tB) {
      // C[i,:] += A[i,k] · B[k,:] — the inner loop runs along contiguous rows of B and C.
      for (let i = 0; i < M; i++) {
        const ci = cOff + i * ldc;
        const ai = aOff + i * lda;
        for (let k = 0; k < K; k++) {
          const a = A[ai + k];
          if (a === 0) continue;
          const bk = bOff + k * ldb;
          for (let j = 0; j < N; j++) C[ci + j] += a * B[bk + j];
        }
      }
    } else if (!tA && tB) {
      // C[i,j] += A[i,:] · B[j,:] — two contiguous rows; four accumulators hide latency.
      for (let i = 0; i < M; i++) {
        const ai = aOff + i * lda;
        const ci = cOff + i * ldc;
        for (let j = 0; j < N; j++) {
          const bj = bOff + j * ldb;
          let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
          let k = 0;
          for (; k + 3 < K; k += 4) {
            s0 += A[ai + k] * B[bj + k];
            s1 += A[ai + k + 1] * B[bj + k + 1];
            s2 += A[ai + k + 2] * B[bj + k + 2];
            s3 += A[ai + k + 3] * B[bj + k + 3];
          }
          for (; k < K; k++) s0 += A[ai + k] * B[bj + k];
          C[ci + j] += s0 + s1 + s2 + s3;
        }
      }
    } else if (tA && !tB) {
      // C[i,:] += A[k,i] · B[k,:] — the weight-gradient form, summing over the rows k.
      for (let k = 0; k < K; k++) {
        const ak = aOff + k * lda;
        const bk = bOff + k * ldb;
        for (let i = 0; i < M; i++) {
          const a = A[ak + i];
          if (a === 0) continue;
          const ci = cOff + i * ldc;
          for (let j = 0; j < N; j++) C[ci + j] += a * B[bk + j];
        }
      }
    } else {
      for (let i = 0; i < M; i++) {
        for (let j = 0; j < N; j++) {
          let s = 0;
          for (let k = 0; k < K; k++) s += A[aOff + k * lda + i] * B[bOff + j * ldb + k];
          C[cOff + i * ldc + j] += s;
        }
      }
    }
  },

  addRowBias(M, N, b, bOff, C, cOff, ldc) {
    for (let i = 0; i < M; i++) {
      const ci = cOff + i * ldc;
      for (let j = 0; j < N; j++) C[ci + j] += b[bOff + j];
    }
  },

  sumRows(M, N, C, cOff, ldc, out, outOff) {
    for (let i = 0; i < M; i++) {
      const ci = cOff + i * ldc;
      for (let j = 0; j < N; j++) out[outOff + j] += C[ci + j];
    }
  },
};

/** Logistic sigmoid, written to stay finite for large |x|. */
export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}
