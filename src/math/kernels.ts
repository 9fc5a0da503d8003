/**
 * The numeric kernels the cells need, behind one small interface so that a faster backend
 * (wasm SIMD, worker threads) can replace them without touching the cells.
 *
 * All matrices are row-major and addressed as (array, offset, leading dimension), so the
 * cells can work on slices of their big per-sequence buffers without allocating views
 * inside the time loop. Every kernel works on Float32Array and Float64Array alike.
 */
import type { DType, FloatArray } from "./tensor";

/**
 * Where a backend's kernels may read and write. The layer runner stages its inputs, allocates
 * its working buffers here, and keeps (copies out, if the backend must) what it returns, so a
 * backend with its own memory (wasm) needs no buffer to outlive one operation.
 */
export interface Workspace {
  /**
   * A new top-level operation starts: every earlier staged or allocated buffer may be reused,
   * except the retained ones of the owners it will read (a backward reads its forward's caches
   * in place). Other retained owners are first given copies of their arrays.
   */
  begin(reading?: readonly object[]): void;
  /** A zeroed buffer; `zeroed: false` for one the caller overwrites whole before reading it. */
  alloc(dtype: DType, size: number, zeroed?: boolean): FloatArray;
  /** `a`, or a copy of it the kernels can work on. */
  stage(a: FloatArray): FloatArray;
  /** `a`, or a copy of it that outlives the operation. */
  keep(a: FloatArray): FloatArray;
  /**
   * Leaves `owner`'s arrays under `keys` where they are, past the end of this operation: a later
   * operation that reads `owner` finds them there; any other one first swaps them for copies, so
   * what the owner holds stays valid. Only reads through `owner` see the swap.
   */
  retain<T extends object>(owner: T, keys: readonly (keyof T & string)[]): void;
  /** `owner`'s retained arrays will not be read again: their space is reused without a copy. */
  drop(owner: object): void;
}

/**
 * A backend's twin of a cell's reference op: same arguments, returns false to hand the call back to the
 * reference. The cells' op signatures differ; each cell checks its twin's arguments against its own op.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type FastOp = (...args: any[]) => boolean;

export type MatrixKernels = Pick<Kernels, "gemm" | "addRowBias" | "sumRows">;

/** What a build says of its own arithmetic (src/backend/arithmetic.ts makes its kernel build id of it). */
export interface KernelArithmetic {
  /** The rounding rules beside the sources, in words (a·b + c rounded once or twice, how dot products sum). */
  rules: string;
  /** A hash of the sources that compute them (scripts/kernel-id.js), or what else pins them. */
  sources: string;
}

/** A backend: the matrix kernels every layer runs on, and optional fast twins of the cells' step ops. */
export interface Kernels {
  /** Shown to the user so they know which code path computed their numbers. */
  readonly name: string;
  /** What decides this backend's float32 bits; kernels without it are a class of one, by name. */
  readonly arithmetic?: KernelArithmetic;

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

  /**
   * Faster twins of cells' per-step ops, by the name the cell looks them up under. A twin
   * returns false when it cannot take a call (an array outside its memory, a width it does not
   * vectorise); the cell then runs its own reference op, so a backend lists only what it speeds up.
   */
  ops: Readonly<Record<string, FastOp>>;

  workspace: Workspace;

  /** Threads a product may use (the wasm backend: 1 or 2); results are identical for either. */
  readonly threads?: 1 | 2;
  /** Lets products use one or two threads; results are bit-identical either way. */
  setThreads?(n: 1 | 2): void;

  /**
   * body(t, K) for t = from, from ± 1, …, to (backwards where to < from), as one call where the backend can capture
   * a step's kernel calls and replay them with their offsets moved by t, as CUDA Graphs replay a captured stream:
   * no JavaScript between steps. For bodies that make kernel calls alone (`Cell.replayable`); where the capture
   * finds calls it cannot replay (another float type, arguments not affine in t) the steps run one by one. The
   * bits are those of the steps run one by one.
   */
  replay?(from: number, to: number, body: (t: number, K: Kernels) => void): void;

  /** Gives back the memory a large operation grew (the wasm backend); call between operations. */
  release?(): void;
  /** Bytes of memory the backend holds now, where it keeps its own. */
  memoryBytes?(): number;
}

/** Reference matrix kernels in plain TypeScript, for both float types. */
export const referenceMatrix: MatrixKernels = {

  gemm(tA, tB, M, N, K, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc) {
    if (beta === 0) {
      for (let i = 0; i < M; i++) C.fill(0, cOff + i * ldc, cOff + i * ldc + N);
    }
    // op(A)[i,k] = A[aOff + i·ars + k·acs], op(B)[k,j] = B[bOff + k·brs + j·bcs]: one loop
    // nest serves all four transpose cases.
    const ars = tA ? 1 : lda, acs = tA ? lda : 1;
    const brs = tB ? 1 : ldb, bcs = tB ? ldb : 1;
    // 4×4 register tiles: 8 loads feed 16 multiply-adds, which is what lets plain JS approach
    // the machine's scalar peak instead of being bound by memory traffic.
    const M4 = M - (M % 4), N4 = N - (N % 4);
    for (let i = 0; i < M4; i += 4) {
      const a0 = aOff + i * ars, a1 = a0 + ars, a2 = a1 + ars, a3 = a2 + ars;
      for (let j = 0; j < N4; j += 4) {
        const b0 = bOff + j * bcs, b1 = b0 + bcs, b2 = b1 + bcs, b3 = b2 + bcs;
        let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        for (let k = 0; k < K; k++) {
          const ka = k * acs, kb = k * brs;
          const x0 = A[a0 + ka], x1 = A[a1 + ka], x2 = A[a2 + ka], x3 = A[a3 + ka];
          const y0 = B[b0 + kb], y1 = B[b1 + kb], y2 = B[b2 + kb], y3 = B[b3 + kb];
          c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
          c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
          c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2; c23 += x2 * y3;
          c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2; c33 += x3 * y3;
        }
        let c = cOff + i * ldc + j;
        C[c] += c00; C[c + 1] += c01; C[c + 2] += c02; C[c + 3] += c03; c += ldc;
        C[c] += c10; C[c + 1] += c11; C[c + 2] += c12; C[c + 3] += c13; c += ldc;
        C[c] += c20; C[c + 1] += c21; C[c + 2] += c22; C[c + 3] += c23; c += ldc;
        C[c] += c30; C[c + 1] += c31; C[c + 2] += c32; C[c + 3] += c33;
      }
    }
    // The ragged right and bottom edges, one dot product per entry.
    for (let i = 0; i < M; i++) {
      for (let j = i < M4 ? N4 : 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += A[aOff + i * ars + k * acs] * B[bOff + k * brs + j * bcs];
        C[cOff + i * ldc + j] += s;
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
