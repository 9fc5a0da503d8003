// The native kernel table: one per ISA build (kernels_<isa>.cc), the same functions in each.
// Matrices are row-major float32, addressed by pointer and leading dimension; every call covers
// a column range [j0, j1) (products) or a row range [n0, n1) (gate math), so that two threads
// split one call without changing any element's arithmetic.
#pragma once
#include <cstddef>
#include <cstdint>

struct GemmArgs {
  bool tA, tB;
  int64_t M, N, K;
  const float* A; int64_t lda;
  const float* B; int64_t ldb;
  int beta;
  float* C; int64_t ldc;
};

/** The cells' per-step ops; field names follow src/cells/{lstm,gru,rnn}.ts's reference ops. */
struct StepArgs {
  int op;
  int64_t N, H;
  float* a[8];  // the op's buffers (STEP_SHAPES), each at its first element of row 0
  bool flag;    // GRU: reset after; RNN: relu
};

enum StepOp {
  LSTM_FORWARD, LSTM_BACKWARD, GRU_FORWARD_GATES, GRU_FORWARD_STATE, GRU_BACKWARD_STATE, GRU_BACKWARD_RESET,
  RNN_FORWARD, RNN_BACKWARD, STEP_OPS
};

/**
 * Each step op's buffers, in order, as row widths in H-wide blocks: the one table of them. kernels.inl finds
 * row n of every buffer by it, addon.cc checks every call against it, and src/backend/step-widths.ts is
 * generated from it (scripts/step-widths.js). The RNN ops are elementwise: N·H values as N·H rows of H = 1.
 */
struct StepShape {
  const char* name;  // the reference op's, src/cells/{lstm,gru,rnn}.ts
  int buffers;
  int widths[8];
};
constexpr StepShape STEP_SHAPES[STEP_OPS] = {
    {"lstmForward", 4, {4, 1, 1, 1}},                 // gates, cPrev, cNext, hNext
    {"lstmBackward", 8, {4, 1, 1, 1, 1, 1, 1, 4}},    // gates, cPrev, cCur, dH, dcNext, dC, dcPrev, dA
    {"gruForwardGates", 4, {3, 3, 1, 1}},             // gates, scratch, hPrev, extra
    {"gruForwardState", 4, {3, 3, 1, 1}},             // gates, scratch, hPrev, hNext
    {"gruBackwardState", 5, {3, 1, 1, 3, 1}},         // gates, hPrev, dH, dA, dhPrev
    {"gruBackwardReset", 7, {3, 1, 1, 1, 3, 3, 1}},   // gates, hPrev, extra, drh, dA, dAhh, dhPrev
    {"rnnForward", 2, {1, 1}},                        // a, hNext
    {"rnnBackward", 4, {1, 1, 1, 1}},                 // a, hNext, dH, dA
};

/**
 * Rows the uRNN's step runs at once (one per lane) at most: a K-vector of 16-lane values (64 KiB at K = 512)
 * leaves L1 in the FFT, where 8 lanes measured 2.6× faster.
 */
constexpr int UNITARY_LANES = 8;

/** The uRNN's step by its factors and modReLU (unitary.inl), N rows of H = 2K. */
struct UnitaryArgs {
  bool backward;
  int64_t N, K;
  const float* c;   // the factors' constants, 14K floats (src/cells/urnn.ts's chainOf)
  const float* b;   // the modReLU bias, K
  const float* x;   // h_{t−1}
  float* z;         // forward: z (+= W x); backward: read
  float* h;         // forward: h_t = modReLU(z)
  const float* dH;  // backward: g_h
  float* gz;        // backward: g_z
  float* dx;        // backward: Wᴴ g_z
  float* part;      // backward: row n's [dθ 3K | dv 4K | db K] at n·8K
};

struct KernelTable {
  const char* isa;
  int lanes;
  /** The rounding rules that decide this build's bits besides its sources (kernels.inl's GS_RULES). */
  const char* rules;
  /** C[:, j0:j1] ← beta·C + op(A)·op(B) for those columns (NN, NT or TN; never TT). */
  void (*gemm)(const GemmArgs& g, int64_t j0, int64_t j1);
  /** Rows [n0, n1) of a step op (RNN ops: elements [n0, n1) of N·H). */
  void (*step)(const StepArgs& s, int64_t n0, int64_t n1);
  /** Rows [n0, n1) of the uRNN's step or its backward. */
  void (*unitary)(const UnitaryArgs& u, int64_t n0, int64_t n1);
  void (*addRowBias)(int64_t M, int64_t N, const float* b, float* C, int64_t ldc);
  void (*sumRows)(int64_t M, int64_t N, const float* C, int64_t ldc, float* out);
};

extern const KernelTable kernels_base;
extern const KernelTable kernels_avx2;
extern const KernelTable kernels_avx512;
