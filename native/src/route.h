// How a call reaches the kernels: which product a gemm becomes (three transposed routes and the direct one)
// and the row-order sum of the uRNN's per-row partial gradients. Part of the arithmetic — a route decides
// which kernel (chain or dot product) computes an element — so scripts/kernel-id.js hashes this file with
// the kernels. No Node-API here: addon.cc checks the arguments and hands over checked pointers.
//
// The routes' widths are the class's (ROUTE_W), never a build's vector width, so the AVX2 build
// (8 lanes) and the AVX-512 build (16) send every product down the same route and give the same bits.
#pragma once
#include <cstdint>
#include <vector>

#include "kernels.h"

namespace route {

/** Where a product leaves the direct route: the AVX-512 build's width, which the committed runs used. */
constexpr int64_t ROUTE_W = 16;

/** Products smaller than this many multiply-adds stay on one thread: a hand-off costs ~1 µs, and measured
 * with npm run bench, H = 32's per-step products (32×128×32 = 2^17) ran slower on two. */
constexpr int64_t SPLIT_MIN_MACS = 1 << 18;

/** out (cols×rows) ← src (rows×cols, rows `ld` apart) transposed. */
inline void transpose(std::vector<float>& out, const float* src, int64_t rows, int64_t cols, int64_t ld) {
  out.resize(rows * cols);
  for (int64_t r = 0; r < rows; r++)
    for (int64_t c = 0; c < cols; c++) out[c * rows + r] = src[r * ld + c];
}

/** C (M×N) ← beta·C + Cᵀᵀ, with Cᵀ N×M in `t`. */
inline void addTransposed(float* C, int64_t ldc, const std::vector<float>& t, int64_t M, int64_t N, int beta) {
  for (int64_t i = 0; i < M; i++)
    for (int64_t j = 0; j < N; j++) C[i * ldc + j] = beta ? C[i * ldc + j] + t[j * M + i] : t[j * M + i];
}

/**
 * C ← beta·C + op(A)·op(B) for checked arguments (M, N > 0, at most one operand transposed), through `k`.
 * `split(total, grain, worth, f)` runs f over [0, total) on one thread or two; `scratch` and `transposed`
 * are the caller's reusable buffers.
 */
template <class Split>
void gemm(const KernelTable& k, GemmArgs g, std::vector<float>& scratch, std::vector<float>& transposed,
          Split split) {
  const bool worth = g.M * g.N * g.K >= SPLIT_MIN_MACS;
  if (g.tB && g.K < ROUTE_W && g.N >= ROUTE_W && !g.tA) {
    // Dot products this short (an input projection, K = D) cost more in setup than in sums:
    // Bᵀ laid out K×N makes it an NN product, vectorised over N.
    transpose(transposed, g.B, g.N, g.K, g.ldb);
    g.B = transposed.data(), g.ldb = g.N, g.tB = false;
  } else if (g.N < ROUTE_W && !g.tB) {
    // A narrow C (a few columns, as in ∂L/∂x with D inputs): compute Cᵀ = op(B)ᵀ op(A)ᵀ, whose
    // rows are M wide, then add it in. With A transposed that is a TN product as stored; else Bᵀ
    // is laid out N×K and the product is dot products along A's rows (NT).
    scratch.resize(g.N * g.M);
    GemmArgs t{true, false, g.N, g.M, g.K, g.B, g.ldb, g.A, g.lda, 0, scratch.data(), g.M};
    if (!g.tA) {
      transpose(transposed, g.B, g.K, g.N, g.ldb);
      t = GemmArgs{false, true, g.N, g.M, g.K, transposed.data(), g.K, g.A, g.lda, 0, scratch.data(), g.M};
    }
    split(g.M, 16, worth, [&](int64_t a, int64_t b) { k.gemm(t, a, b); });
    addTransposed(g.C, g.ldc, scratch, g.M, g.N, g.beta);
    return;
  }
  if (g.tB && g.M <= 64 && g.K >= ROUTE_W) {
    // A batch of rows against a weight matrix (a step's h_{t−1} W_hhᵀ): dot products would sum
    // lanes at every element, so compute Cᵀ = B·Aᵀ instead, an NN product whose vectors run along
    // the batch, and add it in. The two threads take rows of Cᵀ (columns of C).
    transpose(transposed, g.A, g.M, g.K, g.lda);
    scratch.resize(g.N * g.M);
    split(g.N, 8, worth, [&](int64_t r0, int64_t r1) {
      GemmArgs t{false, false, r1 - r0, g.M, g.K, g.B + r0 * g.ldb, g.ldb, transposed.data(), g.M, 0,
                 scratch.data() + r0 * g.M, g.M};
      k.gemm(t, 0, g.M);
    });
    addTransposed(g.C, g.ldc, scratch, g.M, g.N, g.beta);
    return;
  }
  split(g.N, 16, worth, [&](int64_t a, int64_t b) { k.gemm(g, a, b); });
}

/** The uRNN backward's per-row partials [dθ 3K | dv 4K | db K] (row n at n·8K) added in row order. */
inline void unitaryPartials(const UnitaryArgs& u, float* dth, float* dv, float* db) {
  const int64_t K = u.K, H = 2 * K;
  for (int64_t n = 0; n < u.N; n++) {
    const float* p = u.part + n * 8 * K;
    for (int64_t i = 0; i < 3 * K; i++) dth[i] += p[i];
    for (int64_t i = 0; i < 2 * H; i++) dv[i] += p[3 * K + i];
    for (int64_t i = 0; i < K; i++) db[i] += p[7 * K + i];
  }
}

}  // namespace route
