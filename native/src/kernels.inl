// The kernels of one ISA build, included by kernels_<isa>.cc after it defines GS_W and GS_NS.
//
// Every output element of a product is computed the same way wherever it falls (a full tile, an
// edge, either thread's half): NN/TN elements are one chain c = a·b + c over k in order (per
// KC-block, each block's sum added to C), NT elements a W-lane dot product over k, lane tails
// zero-padded, summed by a fixed tree. So splitting columns between threads changes no bit.
#include <algorithm>
#include <cmath>
#include <vector>
#include "kernels.h"
#include "simd.h"

namespace GS_NS {

// Register tiles. NN: MR rows × NV vectors of C in accumulators, one broadcast of A, NV loads of
// B per k. NT: TR rows × TC columns of dot products, TR + TC loads per W multiply-adds each.
constexpr int MR = W == 16 ? 8 : W == 8 ? 6 : 4;
constexpr int NV = 2;
constexpr int TR = W == 16 ? 4 : 3;  // AVX-512's 32 registers hold a 4×4 tile of 8-lane sums
constexpr int TC = 4;
/** K block of NN/TN products: an MR×KC strip of A and a KC×NV·W panel of B stay in L1. */
#define GS_KC 256
constexpr int64_t KC = GS_KC;

// This build's rounding rules, beside its sources (scripts/kernel-id.js): whether a·b + c rounds once, how many
// lanes a dot product sums on, the K block of NN/TN products. Builds with equal rules and sources give equal bits.
#ifdef __FMA__
#define GS_MADD "fused"
#else
#define GS_MADD "rounded twice"
#endif
#define GS_STR2(x) #x
#define GS_STR(x) GS_STR2(x)
#define GS_RULES "a·b + c " GS_MADD ", dot products on " GS_STR(GS_DOT_LANES) " lanes, K blocks of " GS_STR(GS_KC)

// ---- NN and TN: C[i, j] = Σ_k A[i·ars + k·acs] B[k·ldb + j] --------------------------------

/** mr rows × nv vectors of C at (i, j); `last` lanes valid in the last vector (W when full). */
template <int mr, int nv, bool part>
static inline void nnTile(const float* A, int64_t ars, int64_t acs, const float* B, int64_t ldb, int64_t K,
                          bool add, float* C, int64_t ldc, int last) {
  V acc[mr][nv];
  for (int r = 0; r < mr; r++)
    for (int v = 0; v < nv; v++) acc[r][v] = V{};
  for (int64_t k = 0; k < K; k++) {
    const float* b = B + k * ldb;
    V bv[nv];
    for (int v = 0; v < nv; v++) bv[v] = part && v == nv - 1 ? loadn(b + v * W, last) : load(b + v * W);
    for (int r = 0; r < mr; r++) {
      V a = splat(A[r * ars + k * acs]);
      for (int v = 0; v < nv; v++) acc[r][v] = madd(a, bv[v], acc[r][v]);
    }
  }
  for (int r = 0; r < mr; r++)
    for (int v = 0; v < nv; v++) {
      float* c = C + r * ldc + v * W;
      int n = part && v == nv - 1 ? last : W;
      V out = add ? loadn(c, n) + acc[r][v] : acc[r][v];
      if (n == W) store(c, out);
      else storen(c, out, n);
    }
}

template <int mr>
static void nnRows(const float* A, int64_t ars, int64_t acs, const float* B, int64_t ldb, int64_t K, bool add,
                   float* C, int64_t ldc, int64_t j0, int64_t j1) {
  int64_t j = j0;
  for (; j + NV * W <= j1; j += NV * W) nnTile<mr, NV, false>(A, ars, acs, B + j, ldb, K, add, C + j, ldc, W);
  for (; j + W <= j1; j += W) nnTile<mr, 1, false>(A, ars, acs, B + j, ldb, K, add, C + j, ldc, W);
  if (j < j1) nnTile<mr, 1, true>(A, ars, acs, B + j, ldb, K, add, C + j, ldc, int(j1 - j));
}

typedef void (*NnRows)(const float*, int64_t, int64_t, const float*, int64_t, int64_t, bool, float*, int64_t,
                       int64_t, int64_t);

static void gemmNN(const float* A, int64_t ars, int64_t acs, const float* B, int64_t ldb, int64_t M, int64_t K,
                   int beta, float* C, int64_t ldc, int64_t j0, int64_t j1) {
  // K in blocks of KC; per block, the columns in panels of JC, each passed by every MR-row strip of A. Operands
  // whose rows lie far apart (weights' rows, a power of two of bytes; A read down its columns) are first copied
  // contiguous, once per K block — B's panels, A's strips — since read in place their lines share L1 sets and
  // leave it. Copies move values, not sums: the bits are the same.
  constexpr int64_t JC = 4 * NV * W;
  static const NnRows rest[] = {nullptr,   nnRows<1>, nnRows<2>, nnRows<3>,
                                nnRows<4>, nnRows<5>, nnRows<6>, nnRows<7>};  // M mod MR rows (MR ≤ 8)
  thread_local std::vector<float> panels, strips;
  const int64_t npanels = (j1 - j0 + JC - 1) / JC, nstrips = (M + MR - 1) / MR;
  // Only large products pay for the copies: a step's (M = the batch) would copy a weight matrix to use it 32 times.
  const bool large = M >= 256 && K >= 256;
  const bool packB = large && ldb > JC, packA = large && ars == 1 && acs > 2 * MR && j1 - j0 > JC;
  if (packB) panels.resize(KC * JC * npanels);
  if (packA) strips.resize(KC * MR * nstrips);
  for (int64_t k0 = 0; k0 < K || k0 == 0; k0 += KC) {
    const int64_t kc = std::min(KC, K - k0);
    const bool add = beta || k0 > 0;
    if (packB)
      for (int64_t p = 0; p < npanels; p++) {
        const int64_t jb = j0 + p * JC, n = std::min(JC, j1 - jb);
        for (int64_t k = 0; k < kc; k++)
          std::copy(B + (k0 + k) * ldb + jb, B + (k0 + k) * ldb + jb + n, panels.data() + (p * KC + k) * JC);
      }
    if (packA)
      for (int64_t s = 0; s < nstrips; s++) {
        const float* a = A + s * MR + k0 * acs;
        const int64_t mr = std::min<int64_t>(MR, M - s * MR);
        for (int64_t k = 0; k < kc; k++) std::copy(a + k * acs, a + k * acs + mr, strips.data() + (s * KC + k) * MR);
      }
    for (int64_t p = 0; p < npanels; p++) {
      const int64_t jb = j0 + p * JC, n = std::min(JC, j1 - jb);
      const float* b = packB ? panels.data() + p * KC * JC : B + k0 * ldb + jb;
      const int64_t ld = packB ? JC : ldb;
      for (int64_t s = 0; s < nstrips; s++) {
        const int64_t i = s * MR, mr = std::min<int64_t>(MR, M - i);
        const float* a = packA ? strips.data() + s * KC * MR : A + i * ars + k0 * acs;
        (mr == MR ? nnRows<MR> : rest[mr])(a, packA ? 1 : ars, packA ? MR : acs, b, ld, kc, add, C + i * ldc + jb,
                                           ldc, 0, n);
      }
    }
    if (K == 0) break;
  }
}

// ---- NT: C[i, j] = Σ_k A[i·lda + k] B[j·ldb + k], dot products along contiguous rows --------

static inline float hsum(VD v) {
  float t[DW];
  std::memcpy(t, &v, sizeof v);
  for (int s = DW / 2; s >= 1; s /= 2)
    for (int l = 0; l < s; l++) t[l] += t[l + s];
  return t[0];
}

template <int tr, int tc>
static inline void ntTile(const float* A, int64_t lda, const float* B, int64_t ldb, int64_t K, int beta, float* C,
                          int64_t ldc) {
  VD acc[tr][tc];
  for (int r = 0; r < tr; r++)
    for (int c = 0; c < tc; c++) acc[r][c] = VD{};
  int64_t k = 0;
  for (; k + DW <= K; k += DW) {
    VD a[tr];
    for (int r = 0; r < tr; r++) a[r] = loadD(A + r * lda + k);
    for (int c = 0; c < tc; c++) {
      VD b = loadD(B + c * ldb + k);
      for (int r = 0; r < tr; r++) acc[r][c] = a[r] * b + acc[r][c];
    }
  }
  if (k < K) {
    int n = int(K - k);
    VD a[tr];
    for (int r = 0; r < tr; r++) a[r] = loadnD(A + r * lda + k, n);
    for (int c = 0; c < tc; c++) {
      VD b = loadnD(B + c * ldb + k, n);
      for (int r = 0; r < tr; r++) acc[r][c] = a[r] * b + acc[r][c];
    }
  }
  for (int r = 0; r < tr; r++)
    for (int c = 0; c < tc; c++) {
      float s = hsum(acc[r][c]);
      C[r * ldc + c] = beta ? C[r * ldc + c] + s : s;
    }
}

template <int tr>
static void ntRows(const float* A, int64_t lda, const float* B, int64_t ldb, int64_t K, int beta, float* C,
                   int64_t ldc, int64_t j0, int64_t j1) {
  int64_t j = j0;
  for (; j + TC <= j1; j += TC) ntTile<tr, TC>(A, lda, B + j * ldb, ldb, K, beta, C + j, ldc);
  for (; j < j1; j++) ntTile<tr, 1>(A, lda, B + j * ldb, ldb, K, beta, C + j, ldc);
}

static void gemmNT(const float* A, int64_t lda, const float* B, int64_t ldb, int64_t M, int64_t K, int beta,
                   float* C, int64_t ldc, int64_t j0, int64_t j1) {
  // Column blocks outer: a block's rows of B (TC·K floats each tile) stay in L1 while every row
  // of A passes, so a weight matrix larger than the caches is read from memory once per call.
  constexpr int64_t JB = 8 * TC;
  typedef void (*Rows)(const float*, int64_t, const float*, int64_t, int64_t, int, float*, int64_t, int64_t,
                       int64_t);
  static const Rows rest[] = {nullptr, ntRows<1>, ntRows<2>, ntRows<3>};
  for (int64_t jb = j0; jb < j1; jb += JB) {
    int64_t je = std::min(j1, jb + JB);
    int64_t i = 0;
    for (; i + TR <= M; i += TR) ntRows<TR>(A + i * lda, lda, B, ldb, K, beta, C + i * ldc, ldc, jb, je);
    if (i < M) rest[M - i](A + i * lda, lda, B, ldb, K, beta, C + i * ldc, ldc, jb, je);
  }
}

static void gemm(const GemmArgs& g, int64_t j0, int64_t j1) {
  if (g.tB) gemmNT(g.A, g.lda, g.B, g.ldb, g.M, g.K, g.beta, g.C, g.ldc, j0, j1);
  else if (g.tA) gemmNN(g.A, 1, g.lda, g.B, g.ldb, g.M, g.K, g.beta, g.C, g.ldc, j0, j1);
  else gemmNN(g.A, g.lda, 1, g.B, g.ldb, g.M, g.K, g.beta, g.C, g.ldc, j0, j1);
}

// ---- Row ops ---------------------------------------------------------------------------------

static void addRowBias(int64_t M, int64_t N, const float* b, float* C, int64_t ldc) {
  for (int64_t i = 0; i < M; i++) {
    float* c = C + i * ldc;
    int64_t j = 0;
    for (; j + W <= N; j += W) store(c + j, load(c + j) + load(b + j));
    for (; j < N; j++) c[j] += b[j];
  }
}

static void sumRows(int64_t M, int64_t N, const float* C, int64_t ldc, float* out) {
  int64_t j = 0;
  for (; j + W <= N; j += W) {
    V s = load(out + j);
    for (int64_t i = 0; i < M; i++) s = s + load(C + i * ldc + j);
    store(out + j, s);
  }
  for (; j < N; j++) {
    float s = out[j];
    for (int64_t i = 0; i < M; i++) s += C[i * ldc + j];
    out[j] = s;
  }
}

// ---- The cells' gate math: twins of src/cells/{lstm,gru,rnn}.ts's reference ops --------------
// Each loops over H in vectors; the tail vector (H not a multiple of W) is loaded zero-padded and
// stored in part, so every unit takes the same arithmetic.

/** A row cursor: the vector at column j of a row, full or the tail's first n lanes. */
struct Lane {
  int64_t j;
  int n;
  V ld(const float* p) const { return n == W ? load(p + j) : loadn(p + j, n); }
  void st(float* p, V v) const {
    if (n == W) store(p + j, v);
    else storen(p + j, v, n);
  }
};
template <class F>
static inline void lanes(int64_t H, F f) {
  for (int64_t j = 0; j < H; j += W) f(Lane{j, int(std::min<int64_t>(W, H - j))});
}

// LSTM, gates row [i | f | g | o]:  c_t = f∘c_{t−1} + i∘g,  h_t = o∘tanh(c_t)
static void lstmForward(int64_t H, float* row, const float* cPrev, float* cNext, float* hNext) {
  lanes(H, [&](Lane L) {
    V i = sigmoidv(L.ld(row)), f = sigmoidv(L.ld(row + H)), g = tanhv(L.ld(row + 2 * H)),
      o = sigmoidv(L.ld(row + 3 * H));
    L.st(row, i); L.st(row + H, f); L.st(row + 2 * H, g); L.st(row + 3 * H, o);
    V c = L.ld(cPrev) * f + g * i;
    L.st(cNext, c);
    L.st(hNext, tanhv(c) * o);
  });
}

// dc = dc' + dh∘o∘(1 − τ²); da_i = dc∘g∘i(1−i); da_f = dc∘c_{t−1}∘f(1−f);
// da_g = dc∘i∘(1−g²); da_o = dh∘τ∘o(1−o); dc_{t−1} = dc∘f
static void lstmBackward(int64_t H, const float* row, const float* cPrev, const float* cCur, const float* dH,
                         const float* dcNext, float* dC, float* dcPrev, float* drow) {
  lanes(H, [&](Lane L) {
    V i = L.ld(row), f = L.ld(row + H), g = L.ld(row + 2 * H), o = L.ld(row + 3 * H);
    V tc = tanhv(L.ld(cCur));
    V dh = L.ld(dH);
    V dc = L.ld(dcNext) + dh * o * oneMinus(tc * tc);
    L.st(dC, dc);
    L.st(dcPrev, dc * f);
    L.st(drow, dc * g * (i * oneMinus(i)));
    L.st(drow + H, dc * L.ld(cPrev) * (f * oneMinus(f)));
    L.st(drow + 2 * H, dc * i * oneMinus(g * g));
    L.st(drow + 3 * H, dh * tc * (o * oneMinus(o)));
  });
}

// GRU, gates row [r | z | n], scratch row = h_{t−1} W_hhᵀ + b_hh:  r, z, and hn or r∘h_{t−1}
static void gruForwardGates(int64_t H, float* row, const float* srow, const float* hPrev, float* extra,
                            bool after) {
  lanes(H, [&](Lane L) {
    V r = sigmoidv(L.ld(row) + L.ld(srow));
    L.st(row, r);
    L.st(row + H, sigmoidv(L.ld(row + H) + L.ld(srow + H)));
    L.st(extra, after ? L.ld(srow + 2 * H) : r * L.ld(hPrev));
  });
}

// n = tanh(a_n + r∘hn | a_n + (r∘h)W_hnᵀ + b_hn),  h_t = (1 − z)∘n + z∘h_{t−1}
static void gruForwardState(int64_t H, float* row, const float* srow, const float* hPrev, float* hNext, bool after) {
  lanes(H, [&](Lane L) {
    V r = L.ld(row), z = L.ld(row + H);
    V hidden = after ? r * L.ld(srow + 2 * H) : L.ld(srow + 2 * H);
    V n = tanhv(L.ld(row + 2 * H) + hidden);
    L.st(row + 2 * H, n);
    L.st(hNext, oneMinus(z) * n + z * L.ld(hPrev));
  });
}

// da_z = dh∘(h_{t−1} − n)∘z(1−z),  da_n = dh∘(1 − z)∘(1 − n²),  dh_{t−1} = dh∘z
static void gruBackwardState(int64_t H, const float* row, const float* hPrev, const float* dH, float* drow,
                             float* dhPrev) {
  lanes(H, [&](Lane L) {
    V z = L.ld(row + H), n = L.ld(row + 2 * H), dh = L.ld(dH);
    L.st(drow + H, dh * (L.ld(hPrev) - n) * z * oneMinus(z));
    L.st(drow + 2 * H, dh * oneMinus(z) * oneMinus(n * n));
    L.st(dhPrev, dh * z);
  });
}

// da_r = dr∘r(1−r), dr = da_n∘hn (after) or d(r∘h)∘h_{t−1} (before);
// after: dAhh = [da_r | da_z | da_n∘r]; before: dh_{t−1} += d(r∘h)∘r
static void gruBackwardReset(int64_t H, const float* row, const float* hPrev, const float* extra, const float* drh,
                             float* drow, float* dhhRow, float* dhPrev, bool after) {
  lanes(H, [&](Lane L) {
    V r = L.ld(row), dan = L.ld(drow + 2 * H);
    V dr = after ? dan * L.ld(extra) : L.ld(drh) * L.ld(hPrev);
    V dar = dr * r * oneMinus(r);
    L.st(drow, dar);
    if (after) {
      L.st(dhhRow, dar);
      L.st(dhhRow + H, L.ld(drow + H));
      L.st(dhhRow + 2 * H, dan * r);
    } else {
      L.st(dhPrev, L.ld(dhPrev) + L.ld(drh) * r);
    }
  });
}

// RNN over elements: h = tanh(a) | relu(a);  da = dh∘(1 − h²) | dh∘[a > 0]
static void rnnForward(int64_t count, const float* a, float* h, bool relu) {
  lanes(count, [&](Lane L) {
    V v = L.ld(a);
    L.st(h, relu ? vmax(v, V{}) : tanhv(v));
  });
}

static void rnnBackward(int64_t count, const float* a, const float* h, const float* dH, float* dA, bool relu) {
  lanes(count, [&](Lane L) {
    V dh = L.ld(dH);
    if (relu) L.st(dA, (V)((VI)(L.ld(a) > V{}) & (VI)dh));
    else {
      V hv = L.ld(h);
      L.st(dA, dh * oneMinus(hv * hv));
    }
  });
}

/** Rows [n0, n1) of one step op; the a[] pointers are row 0's, each buffer's row as wide as STEP_SHAPES says. */
static void step(const StepArgs& s, int64_t n0, int64_t n1) {
  const int64_t H = s.H;
  float* const* a = s.a;
  if (s.op == RNN_FORWARD) return rnnForward(n1 - n0, a[0] + n0, a[1] + n0, s.flag);  // elements [n0, n1) of N·H
  if (s.op == RNN_BACKWARD) return rnnBackward(n1 - n0, a[0] + n0, a[1] + n0, a[2] + n0, a[3] + n0, s.flag);
  const StepShape& shape = STEP_SHAPES[s.op];
  float* r[8];
  for (int64_t n = n0; n < n1; n++) {
    for (int b = 0; b < shape.buffers; b++) r[b] = a[b] + n * shape.widths[b] * H;
    switch (s.op) {
      case LSTM_FORWARD: lstmForward(H, r[0], r[1], r[2], r[3]); break;
      case LSTM_BACKWARD: lstmBackward(H, r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]); break;
      case GRU_FORWARD_GATES: gruForwardGates(H, r[0], r[1], r[2], r[3], s.flag); break;
      case GRU_FORWARD_STATE: gruForwardState(H, r[0], r[1], r[2], r[3], s.flag); break;
      case GRU_BACKWARD_STATE: gruBackwardState(H, r[0], r[1], r[2], r[3], r[4]); break;
      case GRU_BACKWARD_RESET: gruBackwardReset(H, r[0], r[1], r[2], r[3], r[4], r[5], r[6], s.flag); break;
    }
  }
}

#include "unitary.inl"

}  // namespace GS_NS

extern const KernelTable GS_TABLE = {GS_ISA,         GS_W,           GS_RULES,           GS_NS::gemm,
                                     GS_NS::step,    GS_NS::unitary, GS_NS::addRowBias, GS_NS::sumRows};
