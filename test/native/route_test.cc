// The GEMM routes of native/src/route.h, checked without Node-API against the base build's kernels: each shape
// takes the route it is meant to (read from the split it asks for and the operand it lays out transposed), its
// product equals a float64 one to float32 rounding, and splitting it into chunks of its grain — as two threads
// do — gives the same bits as one piece. Built and run by test/backend/route.test.ts; prints one line per case.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "route.h"

namespace {

struct Case {
  const char* route;  // which route the shape should take
  bool tA, tB;
  int64_t M, N, K;
  int64_t total, grain;  // the split that route asks for
  bool laidOut;          // whether it lays an operand out transposed first
};

float value(int64_t i, int salt) { return static_cast<float>(std::sin(0.37 * static_cast<double>(i) + salt)); }

int check(const Case& c) {
  const int64_t lda = c.tA ? c.M : c.K, ldb = c.tB ? c.K : c.N, ldc = c.N;
  std::vector<float> A(c.M * c.K), B(c.K * c.N), C0(c.M * c.N);
  for (size_t i = 0; i < A.size(); i++) A[i] = value(i, 1);
  for (size_t i = 0; i < B.size(); i++) B[i] = value(i, 2);
  for (size_t i = 0; i < C0.size(); i++) C0[i] = value(i, 3);
  auto a = [&](int64_t i, int64_t k) { return c.tA ? A[k * lda + i] : A[i * lda + k]; };
  auto b = [&](int64_t k, int64_t j) { return c.tB ? B[j * ldb + k] : B[k * ldb + j]; };
  int failures = 0;
  auto fail = [&](const std::string& what) {
    std::printf("FAIL %s (%ld×%ld×%ld): %s\n", c.route, (long)c.M, (long)c.N, (long)c.K, what.c_str());
    failures++;
  };
  std::vector<float> outs[2];
  for (int chunked = 0; chunked < 2; chunked++) {
    std::vector<float> C = C0, scratch, transposed;
    int64_t total = -1, grain = -1;
    GemmArgs g{c.tA, c.tB, c.M, c.N, c.K, A.data(), lda, B.data(), ldb, 1, C.data(), ldc};
    route::gemm(kernels_base, g, scratch, transposed, [&](int64_t t, int64_t gr, bool, auto f) {
      total = t, grain = gr;
      if (!chunked) return f(0, t);
      for (int64_t from = (t - 1) / gr * gr; from >= 0; from -= gr) f(from, std::min(t, from + gr));  // last first
    });
    if (total != c.total || grain != c.grain)
      fail("split " + std::to_string(total) + "/" + std::to_string(grain) + ", expected " + std::to_string(c.total) +
           "/" + std::to_string(c.grain));
    if (!transposed.empty() != c.laidOut) fail(c.laidOut ? "no operand laid out" : "an operand laid out");
    outs[chunked] = C;
  }
  if (std::memcmp(outs[0].data(), outs[1].data(), outs[0].size() * sizeof(float)) != 0)
    fail("chunks of its grain give other bits than one piece");
  double worst = 0;
  for (int64_t i = 0; i < c.M; i++)
    for (int64_t j = 0; j < c.N; j++) {
      double want = C0[i * ldc + j], scale = std::fabs(want);
      for (int64_t k = 0; k < c.K; k++) {
        const double p = double(a(i, k)) * b(k, j);
        want += p, scale += std::fabs(p);
      }
      worst = std::max(worst, std::fabs(outs[0][i * ldc + j] - want) / (scale + 1e-30));
    }
  if (worst > 1e-6) fail("error " + std::to_string(worst) + " against float64");
  if (!failures) std::printf("ok %s (%ld×%ld×%ld), error %.1e\n", c.route, (long)c.M, (long)c.N, (long)c.K, worst);
  return failures;
}

}  // namespace

int main() {
  const Case cases[] = {
      // An input projection: Bᵀ with K = D < 16 laid out K×N, then the direct route.
      {"short K, B transposed", false, true, 40, 48, 3, 48, 16, true},
      // ∂L/∂x with D outputs: C narrower than 16, computed as Cᵀ (TN as stored with A transposed; else NT).
      {"narrow C, A transposed", true, false, 50, 5, 33, 50, 16, false},
      {"narrow C", false, false, 50, 5, 33, 50, 16, true},
      // A step's batch against a weight matrix: Cᵀ = B·Aᵀ, vectors along the batch, threads on rows of Cᵀ.
      {"batch × weightsᵀ", false, true, 32, 72, 40, 72, 8, true},
      // Everything else, as stored: threads on column chunks of C.
      {"direct NN", false, false, 70, 50, 37, 50, 16, false},
      {"direct TN", true, false, 70, 50, 37, 50, 16, false},
      {"direct NT, a tall batch", false, true, 100, 40, 37, 40, 16, false},
  };
  int failures = 0;
  for (const Case& c : cases) failures += check(c);
  return failures ? 1 : 0;
}
