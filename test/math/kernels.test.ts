import { expect } from "chai";
import { jsKernels } from "../../src/backend/js";
import { Rng } from "../../src/math/rng";

/** C = beta·C + op(A)·op(B), from the definition, on the same strided storage. */
function reference(
  tA: boolean, tB: boolean, M: number, N: number, K: number,
  A: Float64Array, lda: number, B: Float64Array, ldb: number, beta: number, C: Float64Array, ldc: number,
) {
  const out = C.slice();
  for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
    let s = 0;
    for (let k = 0; k < K; k++) s += (tA ? A[k * lda + i] : A[i * lda + k]) * (tB ? B[j * ldb + k] : B[k * ldb + j]);
    out[i * ldc + j] = beta * C[i * ldc + j] + s;
  }
  return out;
}

describe("js kernels", () => {
  const rng = new Rng(3);
  const rand = (n: number) => Float64Array.from({ length: n }, () => rng.range(-1, 1));

  it("gemm: all transpose cases, ragged sizes, padding in the leading dimensions, beta 0 and 1", () => {
    for (const [M, N, K] of [[0, 3, 2], [1, 1, 1], [3, 5, 7], [4, 4, 4], [9, 6, 0], [13, 10, 5]]) {
      for (const tA of [false, true]) for (const tB of [false, true]) for (const beta of [0, 1] as const) {
        const lda = (tA ? M : K) + 2, ldb = (tB ? K : N) + 1, ldc = N + 3;
        const A = rand((tA ? K : M) * lda), B = rand((tB ? N : K) * ldb), C = rand(Math.max(M, 1) * ldc);
        const want = reference(tA, tB, M, N, K, A, lda, B, ldb, beta, C, ldc);
        const got = C.slice();
        jsKernels.gemm(tA, tB, M, N, K, A, 0, lda, B, 0, ldb, beta, got, 0, ldc);
        for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
          const where = `M${M} N${N} K${K} tA${tA} tB${tB} beta${beta} (${i},${j})`;
          expect(got[i * ldc + j]).to.be.closeTo(want[i * ldc + j], 1e-12, where);
        }
        // Entries outside the M×N window (the padding) are untouched.
        for (let i = 0; i < M; i++)
          for (let j = N; j < ldc && i * ldc + j < C.length; j++) expect(got[i * ldc + j]).to.equal(C[i * ldc + j]);
      }
    }
  });

  it("gemm honours offsets into larger buffers", () => {
    const A = rand(20), B = rand(20), C = new Float64Array(20);
    jsKernels.gemm(false, true, 2, 2, 3, A, 5, 3, B, 7, 3, 0, C, 11, 2);
    const a = (i: number, k: number) => A[5 + i * 3 + k], b = (j: number, k: number) => B[7 + j * 3 + k];
    const dot = (i: number, j: number) => a(i, 0) * b(j, 0) + a(i, 1) * b(j, 1) + a(i, 2) * b(j, 2);
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) expect(C[11 + i * 2 + j]).to.be.closeTo(dot(i, j), 1e-14);
    expect(C[10]).to.equal(0);
    expect(C[15]).to.equal(0);
  });

  it("addRowBias and sumRows", () => {
    const C = Float64Array.from([1, 2, 3, 4, 5, 6]);
    jsKernels.addRowBias(2, 3, Float64Array.from([10, 20, 30]), 0, C, 0, 3);
    expect(Array.from(C)).to.deep.equal([11, 22, 33, 14, 25, 36]);
    const out = new Float64Array(4);
    jsKernels.sumRows(2, 3, C, 0, 3, out, 1);
    expect(Array.from(out)).to.deep.equal([0, 25, 47, 69]);
  });
});
