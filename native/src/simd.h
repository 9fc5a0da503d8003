// Float32 vectors of W lanes through GCC's vector extensions, so one source serves every ISA:
// kernels_<isa>.cc includes kernels.inl with W = 4 (SSE2, every x86-64), 8 (AVX2 + FMA) or
// 16 (AVX-512), each file compiled with its own -m flags and chosen at run time by CPU features.
// exp is Cephes' expf, as in wasm/assembly/activations.ts: range reduction x = n·ln2 + r, a
// degree-5 polynomial for e^r, 2^n built in the exponent bits; about 2 ulp over [−87, 88].
#pragma once
#include <cstdint>
#include <cstring>

#ifndef GS_W
#error "GS_W (lanes per vector) must be defined by the including file"
#endif

namespace GS_NS {

constexpr int W = GS_W;
typedef float V __attribute__((vector_size(W * 4)));
typedef int32_t VI __attribute__((vector_size(W * 4)));

/**
 * Dot products (NT products) sum W lanes at the end of every element; past 8 lanes that tree costs
 * more than the products at the engine's sizes (K = H), so they run on at most 8.
 */
#if GS_W >= 8
#define GS_DOT_LANES 8
#else
#define GS_DOT_LANES GS_W
#endif
constexpr int DW = GS_DOT_LANES;
typedef float VD __attribute__((vector_size(DW * 4)));

static inline VD loadD(const float* p) { VD v; std::memcpy(&v, p, sizeof v); return v; }
static inline VD loadnD(const float* p, int n) { VD v = {}; std::memcpy(&v, p, n * 4); return v; }

static inline V splat(float x) { return V{} + x; }
static inline V load(const float* p) { V v; std::memcpy(&v, p, sizeof v); return v; }
static inline void store(float* p, V v) { std::memcpy(p, &v, sizeof v); }
/** The first n < W lanes from p, the rest 0: a tail takes the same arithmetic as a full vector. */
static inline V loadn(const float* p, int n) { V v = {}; std::memcpy(&v, p, n * 4); return v; }
static inline void storen(float* p, V v, int n) { std::memcpy(p, &v, n * 4); }
static inline V vmin(V a, V b) { return a < b ? a : b; }
static inline V vmax(V a, V b) { return a > b ? a : b; }

/** a·b + c: one rounding where the build has FMA (-ffp-contract=fast fuses it), else two. */
static inline V madd(V a, V b, V c) { return a * b + c; }
static inline float madd1(float a, float b, float c) { return a * b + c; }

static inline V floorv(V x) {
  V t = __builtin_convertvector(__builtin_convertvector(x, VI), V); // truncation toward 0
  return t - (V)((VI)(t > x) & (VI)splat(1.0f));                   // one less where x < t
}

static inline V expv(V v) {
  V x = vmin(vmax(v, splat(-87.0f)), splat(88.0f));
  V fx = floorv(x * splat(1.44269504088896341f) + splat(0.5f));
  x = x - fx * splat(0.693359375f);
  x = x - fx * splat(-2.12194440e-4f);
  V z = x * x;
  V y = splat(1.9875691500e-4f);
  y = madd(y, x, splat(1.3981999507e-3f));
  y = madd(y, x, splat(8.3334519073e-3f));
  y = madd(y, x, splat(4.1665795894e-2f));
  y = madd(y, x, splat(1.6666665459e-1f));
  y = madd(y, x, splat(5.0000001201e-1f));
  y = y * z + x + splat(1.0f);
  VI n = (__builtin_convertvector(fx, VI) + 127) << 23;
  V pow2n;
  std::memcpy(&pow2n, &n, sizeof n);
  return y * pow2n;
}

/** σ(x) = 1 / (1 + e^−x) */
static inline V sigmoidv(V x) { return splat(1.0f) / (splat(1.0f) + expv(-x)); }
/** tanh(x) = 2σ(2x) − 1: absolute error ~1e-7, float32's resolution near ±1. */
static inline V tanhv(V x) { return splat(2.0f) * sigmoidv(x + x) - splat(1.0f); }
static inline V oneMinus(V x) { return splat(1.0f) - x; }

}  // namespace GS_NS
