// The Node-API face of the native kernels: every call's arrays and shapes are checked here,
// before any pointer is formed, so a wrong call is a JavaScript error, never a crash of the
// process (a Jupyter kernel holding a user's session). The build (base, AVX2 + FMA, AVX-512) is
// chosen once from the CPU's features; a second thread, started on first use, shares the column
// chunks of a product or the row chunks of a gate op with the caller.
#include <napi.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <vector>

#include "kernels.h"
#include "route.h"

#define GS_STR2(x) #x
#define GS_STR(x) GS_STR2(x)

namespace {

// ---- Which build -------------------------------------------------------------------------------

bool cpuHas(const std::string& isa) {
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  if (isa == "avx512")
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw");
  if (isa == "avx2") return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#endif
  return isa == "base";
}

/**
 * AVX-512 where the CPU has it, else AVX2 + FMA, else the portable build. Measured here (an AMD
 * EPYC with full-width AVX-512): NN/TN products 1.9× faster in AVX-512 than in AVX2, NT (dot
 * products, summed on 8 lanes in both) alike.
 */
const char* bestIsa() { return cpuHas("avx512") ? "avx512" : cpuHas("avx2") ? "avx2" : "base"; }

const KernelTable* tableFor(const std::string& isa) {
  if (isa == "avx512") return &kernels_avx512;
  if (isa == "avx2") return &kernels_avx2;
  if (isa == "base") return &kernels_base;
  return nullptr;
}

// ---- The second thread -------------------------------------------------------------------------

/**
 * One persistent worker that shares a call's chunks with the caller. The caller publishes a job — `parts` chunks,
 * each claimed once from a shared counter — and claims chunks itself; the worker claims what is left whenever it
 * runs. So a worker that is asleep, or waiting for a core another process holds, costs the caller nothing but a
 * chunk it is in the middle of: the caller never waits for a worker that has not started. Between jobs the
 * worker spins for a while (a training step publishes every few microseconds), then sleeps on a condition
 * variable, so an idle process costs nothing.
 */
class Worker {
  static constexpr std::chrono::microseconds SPIN{200}, YIELD{20};

 public:
  Worker() : thread_([this] { loop(); }) {}
  ~Worker() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_.notify_one();
    thread_.join();
  }
  /**
   * chunk(i) for i in [0, parts), on both threads; returns once every chunk has run, with whether the caller then
   * waited longer for the worker's chunks than it took over its own (the worker is not keeping up). parts < 2^16.
   * Without `linger` the worker sleeps as soon as it is done, rather than spinning for the next job on a core the
   * caller may need (a job that only samples two threads' time is not followed by another).
   */
  template <class F>
  bool run(uint32_t parts, F& chunk, bool linger) {
    run_ = [](void* f, uint32_t i) { (*static_cast<F*>(f))(i); };
    arg_ = &chunk;
    linger_.store(linger, std::memory_order_relaxed);
    done_.store(0, std::memory_order_relaxed);
    generation_++;
    job_.store(uint64_t{generation_} << 32 | uint64_t{parts} << 16, std::memory_order_release);
    if (asleep_.load()) {
      std::lock_guard<std::mutex> lock(mutex_);
      wake_.notify_one();
    }
    uint32_t mine = 0;
    auto t0 = std::chrono::steady_clock::now();
    for (uint32_t i; claim(generation_, i);) chunk(i), mine++;
    if (mine == parts) return false;
    auto t1 = std::chrono::steady_clock::now();
    // Past YIELD, the caller gives its core up while it waits: with the other core busy, the scheduler may have put
    // the worker beside it, and a worker that shares the caller's core cannot finish while the caller spins.
    while (mine + done_.load(std::memory_order_acquire) < parts)
      if (std::chrono::steady_clock::now() - t1 < YIELD) pause();
      else std::this_thread::yield();
    return std::chrono::steady_clock::now() - t1 > t1 - t0;
  }

 private:
  static void pause() {
#if defined(__x86_64__)
    __builtin_ia32_pause();
#endif
  }
  /** The next unclaimed chunk of generation g into i, or false when it has none left (or is over). */
  bool claim(uint32_t g, uint32_t& i) {
    uint64_t job = job_.load(std::memory_order_acquire);
    for (;;) {
      const uint32_t next = job & 0xffff, parts = (job >> 16) & 0xffff;
      if (job >> 32 != g || next >= parts) return false;
      if (job_.compare_exchange_weak(job, job + 1, std::memory_order_acq_rel)) return i = next, true;
    }
  }
  void loop() {
    uint32_t seen = 0;
    for (;;) {
      auto t0 = std::chrono::steady_clock::now();
      auto fresh = [&] { return job_.load(std::memory_order_acquire) >> 32 != seen; };
      while (!fresh() && !stop_) {
        if (linger_.load(std::memory_order_relaxed) && std::chrono::steady_clock::now() - t0 < SPIN) {
          pause();
          continue;
        }
        std::unique_lock<std::mutex> lock(mutex_);
        asleep_.store(true);
        wake_.wait(lock, [&] { return fresh() || stop_; });
        asleep_.store(false);
      }
      if (stop_) return;
      seen = static_cast<uint32_t>(job_.load(std::memory_order_acquire) >> 32);
      // run_ and arg_ are read only after a claim: the job they belong to cannot end before this chunk does.
      for (uint32_t i; claim(seen, i);) {
        run_(arg_, i);
        done_.fetch_add(1, std::memory_order_release);
      }
    }
  }
  void (*run_)(void*, uint32_t) = nullptr;
  void* arg_ = nullptr;
  uint32_t generation_ = 0;                  // the caller's count of jobs
  std::atomic<uint64_t> job_{0};             // generation << 32 | parts << 16 | next unclaimed chunk
  std::atomic<uint32_t> done_{0};            // chunks the worker has finished of the current job
  std::atomic<bool> asleep_{false};
  std::atomic<bool> linger_{true};  // spin for the next job before sleeping
  std::atomic<bool> stop_{false};  // read by the spinning loop without the lock
  std::mutex mutex_;
  std::condition_variable wake_;
  std::thread thread_;
};

/**
 * Whether calls of one shape are faster on one thread or on two, learnt from their own times (a split's cost
 * depends on the shape, the CPU and what else runs, so no fixed threshold holds everywhere). A shape's first
 * calls alternate; then each takes the side with the lower running mean, and every EXPLORE-th call runs the other
 * side once, so a core another process takes, or gives back, moves the choice within a few hundred calls. Both
 * sides give the same bits.
 */
struct Timing {
  double ns[2] = {0, 0};  // running mean of a call's time, [one thread, two threads]
  uint32_t seen[2] = {0, 0};
  uint32_t calls = 0;
  static constexpr uint32_t FIRST = 3, EXPLORE = 32;

  /** The side this call takes: 0 one thread, 1 two. */
  int side() {
    calls++;
    if (seen[0] < FIRST || seen[1] < FIRST) return seen[1] < seen[0];
    return calls % EXPLORE == 0 ? 1 - best() : best();
  }
  /** The faster side so far (two threads while a side has no time yet). */
  int best() const { return seen[0] < FIRST || seen[1] < FIRST || ns[1] < ns[0]; }
  void took(int side, double t) {
    ns[side] = seen[side] < FIRST ? (ns[side] * seen[side] + t) / (seen[side] + 1) : 0.75 * ns[side] + 0.25 * t;
    seen[side]++;
  }
};

/** One key per call shape: what is called (gemm, a step op, the uRNN's step) and its extents. */
uint64_t shapeKey(std::initializer_list<int64_t> parts) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a over the values' bytes
  for (int64_t v : parts)
    for (int b = 0; b < 8; b++) h = (h ^ ((static_cast<uint64_t>(v) >> (8 * b)) & 0xff)) * 1099511628211ull;
  return h;
}

/** Per Node environment (each worker_thread that loads the addon has its own). */
struct State {
  const KernelTable* table = nullptr;
  int threads = 1;
  Worker* worker = nullptr;
  std::string threadError;  // why the second thread could not start (then every call runs on one)
  // After a call on which the worker fell behind (its core busy with another process), calls run on one thread
  // for `backoff`: from MIN_BACKOFF, four times longer each time it falls behind again, up to MAX_BACKOFF; it halves
  // once the worker has kept up for 8 × backoff since it last fell behind. One call it falls behind on costs up to
  // a scheduler's time slice, so under lasting contention it must be rare (about once a second); measured in time,
  // not in calls, the wait is as long at every size.
  std::chrono::steady_clock::time_point oneUntil{}, behind{};
  std::chrono::nanoseconds backoff{0};
  std::unordered_map<uint64_t, Timing> timings;  // by call shape (shapeKey)
  std::vector<float> scratch, transposed;  // a product's Cᵀ and an operand laid out transposed
  ~State() { delete worker; }
};

State& state(const Napi::Env& env) { return *env.GetInstanceData<State>(); }

/**
 * The wait on one thread after the worker fell behind: from 16 ms, four times longer each time it falls behind again
 * (a fall costs up to a scheduler's time slice, several ms, so contention must stop being probed within a few),
 * up to a second, where the cost of one fall a second is under 1 %.
 */
constexpr std::chrono::milliseconds MIN_BACKOFF{16};
constexpr std::chrono::seconds MAX_BACKOFF{1};

/** How many chunks a split call shares out: enough that a thread held up in one leaves the rest to the other. */
constexpr int64_t SPLIT_PARTS = 8;

/**
 * f(a, b) over [0, total) on one thread, or in chunks (multiples of `grain` but the last) that both threads take
 * in turn. Each element's arithmetic is the same wherever its chunk runs (see kernels.inl).
 */
template <class F>
void split(State& s, uint64_t key, int64_t total, int64_t grain, bool worth, F f) {
  const int64_t size = (total + SPLIT_PARTS - 1) / SPLIT_PARTS;
  const int64_t chunk = (size + grain - 1) / grain * grain, parts = (total + chunk - 1) / chunk;
  if (s.threads < 2 || !worth || parts < 2 || !s.threadError.empty()) return f(0, total);
  if (std::chrono::steady_clock::now() < s.oneUntil) return f(0, total);
  bool started = false;
  if (!s.worker) {
    try {
      s.worker = new Worker();
      started = true;
    } catch (const std::system_error& e) {  // no thread to be had (a process limit): one thread, the same bits
      s.threadError = e.what();
      return f(0, total);
    }
  }
  Timing& timing = s.timings[key];
  const int side = timing.side();
  const bool sampling = side != timing.best();
  const auto t0 = std::chrono::steady_clock::now();
  auto part = [&](uint32_t i) { f(i * chunk, std::min(total, (i + 1) * chunk)); };
  if (side == 0) {
    f(0, total);
  } else if (s.worker->run(static_cast<uint32_t>(parts), part, !sampling)) {
    s.backoff = std::min<std::chrono::nanoseconds>(std::max<std::chrono::nanoseconds>(4 * s.backoff, MIN_BACKOFF),
                                                   MAX_BACKOFF);
    s.behind = std::chrono::steady_clock::now();
    s.oneUntil = s.behind + s.backoff;
  } else if (s.backoff.count() > 0 && std::chrono::steady_clock::now() - s.behind > 8 * s.backoff) {
    s.backoff /= 2;
    s.behind = std::chrono::steady_clock::now();
  }
  // The call that starts the worker pays for its start: not a time of this shape's.
  const std::chrono::duration<double, std::nano> took = std::chrono::steady_clock::now() - t0;
  if (!started) timing.took(side, took.count());
}

// ---- Arguments ---------------------------------------------------------------------------------

/** Largest integer an argument, or a size computed from arguments, may reach: 2^53 − 1, exact in a number. */
constexpr int64_t MAX_SIZE = 9007199254740991;

/** "what: expected …, got …" as a JavaScript RangeError (the TypeScript side rethrows it as a GatescopeError). */
bool fail(const Napi::Env& env, const std::string& what) {
  Napi::RangeError::New(env, what).ThrowAsJavaScriptException();
  return false;
}

/** A call's arguments: an entry point's CallbackInfo, or a replayed call's at one step (Values). */
template <class Args>
bool integer(const Args& info, size_t i, const char* name, int64_t& out) {
  Napi::Value v = info[i];
  if (!v.IsNumber()) return fail(info.Env(), std::string(name) + ": expected an integer ≥ 0, got a non-number");
  double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= 0 && d <= static_cast<double>(MAX_SIZE)) || d != static_cast<double>(static_cast<int64_t>(d)))
    return fail(info.Env(), std::string(name) + ": expected an integer ≥ 0, got " + std::to_string(d));
  out = static_cast<int64_t>(d);
  return true;
}

/**
 * The product of `factors`, or false with the error thrown where it passes MAX_SIZE: sizes are computed in int64
 * from values up to 2^53, which a product of two can wrap.
 */
bool product(const Napi::Env& env, const std::string& what, std::initializer_list<int64_t> factors, int64_t& out) {
  int64_t p = 1;
  for (int64_t f : factors)
    if (__builtin_mul_overflow(p, f, &p) || p > MAX_SIZE)
      return fail(env, what + ": expected a size below 2^53 elements, got a product past it");
  out = p;
  return true;
}

/**
 * A Float32Array argument that holds `rows` rows of `cols` floats from `off`, `ld` apart:
 * its pointer at `off`, or false with the error thrown. The extent is computed with overflow checks.
 */
template <class Args>
bool matrix(const Args& info, size_t i, const char* name, int64_t off, int64_t rows, int64_t cols, int64_t ld,
            float*& out) {
  Napi::Value v = info[i];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
    return fail(info.Env(), std::string(name) + ": expected a Float32Array, got another value");
  auto a = v.As<Napi::Float32Array>();
  int64_t len = static_cast<int64_t>(a.ElementLength());
  if (rows > 0 && cols > 0) {
    if (ld < cols)
      return fail(info.Env(), std::string(name) + ": expected a leading dimension ≥ " + std::to_string(cols) +
                                  ", got " + std::to_string(ld));
    int64_t span, end;
    if (!product(info.Env(), name, {rows - 1, ld}, span)) return false;
    if (__builtin_add_overflow(span, off + cols, &end) || end > MAX_SIZE)
      return fail(info.Env(), std::string(name) + ": expected a size below 2^53 elements, got an extent past it");
    if (end > len)
      return fail(info.Env(), std::string(name) + ": expected at least " + std::to_string(end) +
                                  " elements (" + std::to_string(rows) + "×" + std::to_string(cols) + " from " +
                                  std::to_string(off) + ", " + std::to_string(ld) + " apart), got " +
                                  std::to_string(len));
  } else if (off > len) {
    return fail(info.Env(), std::string(name) + ": expected an offset ≤ " + std::to_string(len) + ", got " +
                                std::to_string(off));
  }
  out = a.Data() + off;
  return true;
}

// ---- Calls -------------------------------------------------------------------------------------

/** Gate ops over fewer units than this stay on one thread. */
constexpr int64_t SPLIT_MIN_UNITS = 2048;

/** gemm(tA, tB, M, N, K, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc): its checked arguments, or false. */
template <class Args>
bool gemmArgs(const Args& info, GemmArgs& g) {
  Napi::Env env = info.Env();
  if (info.Length() != 15) return fail(env, "gemm: expected 15 arguments, got " + std::to_string(info.Length()));
  g.tA = info[0].ToBoolean();
  g.tB = info[1].ToBoolean();
  int64_t aOff, bOff, cOff, beta;
  float *A, *B, *C;
  if (!(integer(info, 2, "gemm M", g.M) && integer(info, 3, "gemm N", g.N) && integer(info, 4, "gemm K", g.K) &&
        integer(info, 6, "gemm aOff", aOff) && integer(info, 7, "gemm lda", g.lda) &&
        integer(info, 9, "gemm bOff", bOff) && integer(info, 10, "gemm ldb", g.ldb) &&
        integer(info, 11, "gemm beta", beta) && integer(info, 13, "gemm cOff", cOff) &&
        integer(info, 14, "gemm ldc", g.ldc)))
    return false;
  if (beta > 1) return fail(env, "gemm beta: expected 0 or 1, got " + std::to_string(beta));
  if (g.tA && g.tB) return fail(env, "gemm: expected at most one transposed operand, got both");
  if (!(matrix(info, 5, "gemm A", aOff, g.tA ? g.K : g.M, g.tA ? g.M : g.K, g.lda, A) &&
        matrix(info, 8, "gemm B", bOff, g.tB ? g.N : g.K, g.tB ? g.K : g.N, g.ldb, B) &&
        matrix(info, 12, "gemm C", cOff, g.M, g.N, g.ldc, C)))
    return false;
  g.A = A, g.B = B, g.C = C, g.beta = static_cast<int>(beta);
  return true;
}

void gemm(State& s, const GemmArgs& g) {
  if (g.M == 0 || g.N == 0) return;
  const uint64_t key = shapeKey({0, g.tA, g.tB, g.M, g.N, g.K});
  route::gemm(*s.table, g, s.scratch, s.transposed,
              [&](int64_t total, int64_t grain, bool worth, auto f) { split(s, key, total, grain, worth, f); });
}

/** A bias added to M rows of C, or C's M rows summed into out. */
struct RowArgs {
  int64_t M, N, ldc;
  float* C;
  float* b;  // addRowBias: the bias; sumRows: out
};

/** addRowBias(M, N, b, bOff, C, cOff, ldc) */
template <class Args>
bool addRowBiasArgs(const Args& info, RowArgs& r) {
  int64_t bOff, cOff;
  if (info.Length() != 7) return fail(info.Env(), "addRowBias: expected 7 arguments, got " +
                                                      std::to_string(info.Length()));
  return integer(info, 0, "addRowBias M", r.M) && integer(info, 1, "addRowBias N", r.N) &&
         integer(info, 3, "addRowBias bOff", bOff) && integer(info, 5, "addRowBias cOff", cOff) &&
         integer(info, 6, "addRowBias ldc", r.ldc) && matrix(info, 2, "addRowBias b", bOff, 1, r.N, r.N, r.b) &&
         matrix(info, 4, "addRowBias C", cOff, r.M, r.N, r.ldc, r.C);
}

/** sumRows(M, N, C, cOff, ldc, out, outOff) */
template <class Args>
bool sumRowsArgs(const Args& info, RowArgs& r) {
  int64_t cOff, outOff;
  if (info.Length() != 7) return fail(info.Env(), "sumRows: expected 7 arguments, got " +
                                                      std::to_string(info.Length()));
  return integer(info, 0, "sumRows M", r.M) && integer(info, 1, "sumRows N", r.N) &&
         integer(info, 3, "sumRows cOff", cOff) && integer(info, 4, "sumRows ldc", r.ldc) &&
         integer(info, 6, "sumRows outOff", outOff) && matrix(info, 2, "sumRows C", cOff, r.M, r.N, r.ldc, r.C) &&
         matrix(info, 5, "sumRows out", outOff, 1, r.N, r.N, r.b);
}

/** step(op, N, H, flag, array0, offset0, array1, offset1, …): N rows of H units (RNN: N·H elements, H = 1). */
template <class Args>
bool stepArgs(const Args& info, StepArgs& a) {
  Napi::Env env = info.Env();
  int64_t op, N, H;
  if (!(integer(info, 0, "step op", op) && integer(info, 1, "step N", N) && integer(info, 2, "step H", H)))
    return false;
  if (op >= STEP_OPS) return fail(env, "step op: expected 0–" + std::to_string(STEP_OPS - 1) + ", got " +
                                           std::to_string(op));
  const StepShape& shape = STEP_SHAPES[op];
  const std::string name = shape.name;
  if (info.Length() != 4 + 2 * static_cast<size_t>(shape.buffers))
    return fail(env, name + ": expected " + std::to_string(4 + 2 * shape.buffers) + " arguments, got " +
                         std::to_string(info.Length()));
  a.op = static_cast<int>(op), a.N = N, a.H = H, a.flag = info[3].ToBoolean();
  for (int b = 0; b < shape.buffers; b++) {
    int64_t off, size;
    std::string what = name + " buffer " + std::to_string(b);
    if (!(integer(info, 5 + 2 * b, (what + " offset").c_str(), off) &&
          product(env, what, {N, H, shape.widths[b]}, size) &&
          matrix(info, 4 + 2 * b, what.c_str(), off, 1, size, size, a.a[b])))
      return false;
  }
  return true;
}

void step(State& s, const StepArgs& a) {
  const KernelTable& k = *s.table;
  const bool rnn = a.op == RNN_FORWARD || a.op == RNN_BACKWARD;
  split(s, shapeKey({1, a.op, a.N, a.H}), rnn ? a.N * a.H : a.N, 1, a.N * a.H >= SPLIT_MIN_UNITS,
        [&](int64_t n0, int64_t n1) { k.step(a, n0, n1); });
}

Napi::Value Gemm(const Napi::CallbackInfo& info) {
  GemmArgs g{};
  if (gemmArgs(info, g)) gemm(state(info.Env()), g);
  return info.Env().Undefined();
}

Napi::Value AddRowBias(const Napi::CallbackInfo& info) {
  RowArgs r{};
  if (addRowBiasArgs(info, r)) state(info.Env()).table->addRowBias(r.M, r.N, r.b, r.C, r.ldc);
  return info.Env().Undefined();
}

Napi::Value SumRows(const Napi::CallbackInfo& info) {
  RowArgs r{};
  if (sumRowsArgs(info, r)) state(info.Env()).table->sumRows(r.M, r.N, r.C, r.ldc, r.b);
  return info.Env().Undefined();
}

Napi::Value Step(const Napi::CallbackInfo& info) {
  StepArgs a{};
  if (stepArgs(info, a)) step(state(info.Env()), a);
  return info.Env().Undefined();
}

// ---- Replay ------------------------------------------------------------------------------------

/**
 * The glue between a layer's backward steps, as src/cells/layer.ts's layerOps compute it: out = a + b (add) or
 * out = a (copy) over `count` values — one float addition or a move per value, which no build rounds otherwise.
 */
struct GlueArgs {
  int64_t count;
  float* a;
  float* b;  // add only
  float* out;
};

/** add(count, a, aOff, b, bOff, out, outOff) or copy(count, src, sOff, dst, dOff) */
template <class Args>
bool glueArgs(const Args& info, bool add, GlueArgs& c) {
  const char* what = add ? "add" : "copy";
  const size_t want = add ? 7 : 5;
  int64_t off[3];
  if (info.Length() != want)
    return fail(info.Env(), std::string(what) + ": expected " + std::to_string(want) + " arguments, got " +
                                std::to_string(info.Length()));
  if (!integer(info, 0, (std::string(what) + " count").c_str(), c.count)) return false;
  float** to[3] = {&c.a, add ? &c.b : &c.out, &c.out};
  for (size_t k = 0; 2 * k + 1 < want; k++) {
    const std::string name = std::string(what) + " buffer " + std::to_string(k);
    if (!(integer(info, 2 * k + 2, (name + " offset").c_str(), off[k]) &&
          matrix(info, 2 * k + 1, name.c_str(), off[k], 1, c.count, c.count, *to[k])))
      return false;
  }
  return true;
}

void glue(const GlueArgs& c, bool add) {
  if (add)
    for (int64_t k = 0; k < c.count; k++) c.out[k] = c.a[k] + c.b[k];
  else
    std::copy(c.a, c.a + c.count, c.out);
}

/** add(count, a, aOff, b, bOff, out, outOff) and copy(count, src, sOff, dst, dOff): a layer's glue, one call. */
Napi::Value Glue(const Napi::CallbackInfo& info, bool add) {
  GlueArgs c;
  if (glueArgs(info, add, c)) glue(c, add);
  return info.Env().Undefined();
}
Napi::Value Add(const Napi::CallbackInfo& info) { return Glue(info, true); }
Napi::Value Copy(const Napi::CallbackInfo& info) { return Glue(info, false); }

/** The calls a replay knows, by the code src/backend/native.ts's capture gives them. */
enum Kind { GEMM, ADD_ROW_BIAS, SUM_ROWS, STEP, ADD, COPY, KINDS };

/** One captured call, checked, with its arrays' pointers at step 0 and how far each moves per step. */
struct Planned {
  Kind kind;
  GemmArgs g;
  RowArgs r;
  StepArgs a;
  GlueArgs c;
  // Per array argument, in the order the call takes them; a fixed array, so that copying a call in the time loop
  // allocates nothing (at most 16: 32 arguments, each offset after its array).
  int64_t strides[16];
  size_t moving;

  /** f(pointer) for each array argument's pointer, in the call's order. */
  template <class F>
  void pointers(F f) {
    switch (kind) {
      case GEMM: return f(g.A), f(g.B), f(g.C);
      case ADD_ROW_BIAS: return f(r.b), f(r.C);
      case SUM_ROWS: return f(r.C), f(r.b);
      case STEP:
        for (int b = 0; b < STEP_SHAPES[a.op].buffers; b++) f(a.a[b]);
        return;
      case ADD: return f(c.a), f(c.b), f(c.out);
      case COPY: return f(c.a), f(c.out);
      case KINDS: return;
    }
  }
  /** This call's arguments checked as its entry point checks them, or false with the error thrown. */
  template <class Args>
  bool parse(const Args& info) {
    switch (kind) {
      case GEMM: return gemmArgs(info, g);
      case ADD_ROW_BIAS: return addRowBiasArgs(info, r);
      case SUM_ROWS: return sumRowsArgs(info, r);
      case STEP: return stepArgs(info, a);
      case ADD: return glueArgs(info, true, c);
      case COPY: return glueArgs(info, false, c);
      case KINDS: return false;
    }
    return false;
  }
  void run(State& s) const {
    switch (kind) {
      case GEMM: return gemm(s, g);
      case ADD_ROW_BIAS: return s.table->addRowBias(r.M, r.N, r.b, r.C, r.ldc);
      case SUM_ROWS: return s.table->sumRows(r.M, r.N, r.C, r.ldc, r.b);
      case STEP: return step(s, a);
      case ADD: return glue(c, true);
      case COPY: return glue(c, false);
      case KINDS: return;
    }
  }
};

/** A replayed call's arguments at one step, as an entry point would have received them. */
struct Values {
  Napi::Env env;
  std::vector<Napi::Value> v;
  size_t Length() const { return v.size(); }
  /** Past the end: undefined, as CallbackInfo gives it (a parser may read an argument before counting them). */
  Napi::Value operator[](size_t i) const { return i < v.size() ? v[i] : env.Undefined(); }
  Napi::Env Env() const { return env; }
};

/**
 * replay(T, arrays, program): T steps of one captured step's calls (src/backend/native.ts), the offsets of step t
 * moved by t·stride, with no JavaScript between steps — as CUDA Graphs replay a captured stream. program, a
 * Float64Array: per call [kind, argc, then per argument (tag, value, stride)], tag 0 a number, 1 a boolean, 2
 * arrays[value]; only an array's offset (the number after it) may move. Every call is checked as its entry point
 * checks it at step 0 and at step T − 1, which bound every step's extents (offsets are affine in t), before any
 * step runs: a bad program is an error with nothing written. Some offset must move (so T is bounded by an
 * array's length). Each call then runs as its entry point runs it, so
 * the bits are those of the steps called one by one.
 */
Napi::Value Replay(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  State& s = state(env);
  int64_t T;
  if (info.Length() != 3) return fail(env, "replay: expected 3 arguments, got " + std::to_string(info.Length())),
                                 env.Undefined();
  if (!integer(info, 0, "replay T", T)) return env.Undefined();
  if (!info[1].IsArray()) return fail(env, "replay arrays: expected an array, got another value"), env.Undefined();
  if (!info[2].IsTypedArray() || info[2].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array)
    return fail(env, "replay program: expected a Float64Array, got another value"), env.Undefined();
  auto arrays = info[1].As<Napi::Array>();
  auto code = info[2].As<Napi::Float64Array>();
  const double* p = code.Data();
  const size_t size = code.ElementLength();
  std::vector<Planned> plan;
  for (size_t at = 0; at < size;) {
    const std::string where = "replay program at " + std::to_string(at);
    if (at + 2 > size) return fail(env, where + ": expected a call's kind and argument count, got the end"),
                              env.Undefined();
    const double kind = p[at], argc = p[at + 1];
    if (!(kind >= 0 && kind < KINDS && kind == static_cast<int>(kind)))
      return fail(env, where + ": expected a kind 0–" + std::to_string(KINDS - 1) + ", got " + std::to_string(kind)),
             env.Undefined();
    if (!(argc >= 0 && argc <= 32 && argc == static_cast<int>(argc) && at + 2 + 3 * argc <= size))
      return fail(env, where + ": expected up to 32 arguments within the program, got " + std::to_string(argc)),
             env.Undefined();
    Planned call{};
    call.kind = static_cast<Kind>(kind);
    const double* args = p + at + 2;
    at += 2 + 3 * static_cast<size_t>(argc);
    // Each argument at step t; the offsets' strides, in order. Moving numbers other than offsets are refused.
    auto valuesAt = [&](int64_t t, Values& out) {
      out.v.clear();
      call.moving = 0;
      for (int i = 0; i < argc; i++) {
        const double tag = args[3 * i], value = args[3 * i + 1], stride = args[3 * i + 2];
        const bool offset = i > 0 && args[3 * (i - 1)] == 2;
        if (stride != 0 && !(offset && std::abs(stride) <= static_cast<double>(MAX_SIZE) &&
                             stride == static_cast<double>(static_cast<int64_t>(stride))))
          return fail(env, where + " argument " + std::to_string(i) +
                               ": expected a stride only on an array's offset, an integer, got " +
                               std::to_string(stride));
        if (tag == 2) {
          if (!(value >= 0 && value < arrays.Length() && value == static_cast<uint32_t>(value)))
            return fail(env, where + " argument " + std::to_string(i) + ": expected an array index below " +
                                 std::to_string(arrays.Length()) + ", got " + std::to_string(value));
          out.v.push_back(arrays.Get(static_cast<uint32_t>(value)));
        } else if (tag == 1) {
          out.v.push_back(Napi::Boolean::New(env, value != 0));
        } else if (tag == 0) {
          int64_t moved = 0;
          if (stride != 0) {
            // An offset at step t, in int64 with overflow checks; past 2^53 the entry point's own check refuses it.
            const bool exact = std::abs(value) <= static_cast<double>(MAX_SIZE) &&
                               value == static_cast<double>(static_cast<int64_t>(value));
            const int64_t v = exact ? static_cast<int64_t>(value) : 0, st = static_cast<int64_t>(stride);
            if (!exact || __builtin_mul_overflow(st, t, &moved) || __builtin_add_overflow(moved, v, &moved))
              return fail(env, where + " argument " + std::to_string(i) + ": expected an offset below 2^53 at " +
                                   "every step, got one past it");
            call.strides[call.moving++] = st;
          } else if (offset) {
            call.strides[call.moving++] = 0;
          }
          out.v.push_back(Napi::Number::New(env, stride != 0 ? static_cast<double>(moved) : value));
        } else {
          return fail(env, where + " argument " + std::to_string(i) + ": expected a tag 0, 1 or 2, got " +
                               std::to_string(tag));
        }
      }
      return true;
    };
    Values last{env, {}}, first{env, {}};
    if (T > 1 && !(valuesAt(T - 1, last) && call.parse(last))) return env.Undefined();
    if (!(valuesAt(0, first) && call.parse(first))) return env.Undefined();
    size_t arrayArgs = 0;
    call.pointers([&](auto&) { arrayArgs++; });
    if (call.moving != arrayArgs)
      return fail(env, where + ": expected an offset after each of its " + std::to_string(arrayArgs) +
                           " arrays, got " + std::to_string(call.moving)),
             env.Undefined();
    plan.push_back(std::move(call));
  }
  // A step whose offsets do not move repeats itself: not a time loop, and T would bound nothing.
  const bool moves = std::any_of(plan.begin(), plan.end(), [](const Planned& c) {
    return std::any_of(c.strides, c.strides + c.moving, [](int64_t st) { return st != 0; });
  });
  if (T > 1 && !moves)
    return fail(env, "replay program: expected an offset that moves with t, got none (" +
                         std::to_string(plan.size()) + " calls)"),
           env.Undefined();
  for (int64_t t = 0; t < T; t++)
    for (const Planned& call : plan) {
      Planned now = call;
      size_t i = 0;
      now.pointers([&](auto& ptr) { ptr += t * call.strides[i++]; });
      now.run(s);
    }
  return env.Undefined();
}

/**
 * unitary(false, N, K, consts, cOff, b, bOff, x, xOff, z, zOff, h, hOff) and
 * unitary(true, N, K, consts, cOff, b, bOff, x, xOff, z, zOff, dH, dHOff, gz, gzOff, dx, dxOff, dθ, dθOff,
 * dv, dvOff, db, dbOff): the uRNN's step by its factors over N rows of H = 2K (K a power of two), or its
 * backward. Backward rows write their dθ, dv, db apart, then they are added in row order, so two threads
 * give the bits one does.
 */
Napi::Value Unitary(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  State& s = state(env);
  UnitaryArgs u{};
  u.backward = info[0].ToBoolean();
  const size_t want = u.backward ? 23 : 13;
  if (info.Length() != want)
    return fail(env, "unitary: expected " + std::to_string(want) + " arguments, got " +
                         std::to_string(info.Length())),
           env.Undefined();
  if (!(integer(info, 1, "unitary N", u.N) && integer(info, 2, "unitary K", u.K))) return env.Undefined();
  if (u.K == 0 || (u.K & (u.K - 1)) != 0 || u.K > (int64_t{1} << 40))
    return fail(env, "unitary K: expected a power of two up to 2^40, got " + std::to_string(u.K)), env.Undefined();
  int64_t NH, rows;
  if (!(product(env, "unitary N·H", {u.N, 2 * u.K}, NH) && product(env, "unitary scratch", {u.N, 8 * u.K}, rows)))
    return env.Undefined();
  const int64_t K = u.K, H = 2 * K;
  // Each buffer after K: (name, elements from its offset); the offset follows the array.
  struct Buffer {
    const char* name;
    int64_t size;
    float** to;
  };
  float *c, *b, *x, *dH = nullptr, *dth = nullptr, *dv = nullptr, *db = nullptr;
  std::vector<Buffer> buffers = {{"consts", 14 * K, &c}, {"b", K, &b}, {"x", NH, &x}, {"z", NH, &u.z}};
  if (u.backward)
    buffers.insert(buffers.end(), {{"dH", NH, &dH}, {"gz", NH, &u.gz}, {"dx", NH, &u.dx},
                                   {"dθ", 3 * K, &dth}, {"dv", 2 * H, &dv}, {"db", K, &db}});
  else buffers.push_back({"h", NH, &u.h});
  for (size_t i = 0; i < buffers.size(); i++) {
    int64_t off;
    std::string what = std::string("unitary ") + buffers[i].name;
    if (!(integer(info, 4 + 2 * i, (what + " offset").c_str(), off) &&
          matrix(info, 3 + 2 * i, what.c_str(), off, 1, buffers[i].size, buffers[i].size, *buffers[i].to)))
      return env.Undefined();
  }
  u.c = c, u.b = b, u.x = x, u.dH = dH;
  if (u.backward) {
    s.scratch.resize(rows);
    u.part = s.scratch.data();
  }
  const KernelTable& k = *s.table;
  const int64_t group = std::min(k.lanes, UNITARY_LANES);  // rows a call runs at once
  split(s, shapeKey({2, u.backward, u.N, K}), u.N, group, u.N > group && K >= 64,
        [&](int64_t n0, int64_t n1) { k.unitary(u, n0, n1); });
  if (u.backward) route::unitaryPartials(u, dth, dv, db);
  return env.Undefined();
}

/** setThreads(1 | 2) */
Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  int64_t n;
  if (integer(info, 0, "threads", n)) {
    if (n == 1 || n == 2) state(info.Env()).threads = static_cast<int>(n);
    else fail(info.Env(), "threads: expected 1 or 2, got " + std::to_string(n));
  }
  return info.Env().Undefined();
}

/** setIsa("base" | "avx2" | "avx512"): a build this CPU runs, else an error. */
Napi::Value SetIsa(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string isa = info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : "";
  if (!tableFor(isa)) return fail(env, "build: expected \"base\", \"avx2\" or \"avx512\", got \"" + isa + "\""),
                             env.Undefined();
  if (!cpuHas(isa)) return fail(env, "build \"" + isa + "\": expected a CPU with it, got one without"),
                           env.Undefined();
  state(env).table = tableFor(isa);
  return env.Undefined();
}

/**
 * { isa: the build in use, best: the default for this CPU, lanes, available: [the builds this CPU runs],
 *   builds: {isa: {rules, sources}} for every build compiled in }
 */
Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("isa", state(env).table->isa);
  o.Set("best", bestIsa());
  o.Set("lanes", state(env).table->lanes);
  Napi::Array available = Napi::Array::New(env);
  uint32_t n = 0;
  for (const char* isa : {"avx512", "avx2", "base"})
    if (cpuHas(isa)) available.Set(n++, isa);
  o.Set("available", available);
  // Every build's arithmetic, the ones this CPU cannot run too: a run made by one is accepted by its class.
  Napi::Object builds = Napi::Object::New(env);
  for (const char* isa : {"avx512", "avx2", "base"}) {
    Napi::Object b = Napi::Object::New(env);
    b.Set("rules", std::string(tableFor(isa)->rules) + ", routes at " + std::to_string(route::ROUTE_W));
    b.Set("sources", GS_STR(GS_SOURCES));
    builds.Set(isa, b);
  }
  o.Set("builds", builds);
  // Empty while a second thread has started or none was asked for; else why calls run on one thread.
  o.Set("threadError", state(env).threadError);
  return o;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  State* s = new State();
  s->table = tableFor(bestIsa());
  env.SetInstanceData(s);
  exports.Set("gemm", Napi::Function::New(env, Gemm));
  exports.Set("addRowBias", Napi::Function::New(env, AddRowBias));
  exports.Set("sumRows", Napi::Function::New(env, SumRows));
  exports.Set("step", Napi::Function::New(env, Step));
  exports.Set("unitary", Napi::Function::New(env, Unitary));
  exports.Set("add", Napi::Function::New(env, Add));
  exports.Set("copy", Napi::Function::New(env, Copy));
  exports.Set("replay", Napi::Function::New(env, Replay));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads));
  exports.Set("setIsa", Napi::Function::New(env, SetIsa));
  exports.Set("info", Napi::Function::New(env, Info));
  return exports;
}

}  // namespace

NODE_API_MODULE(gatescope, Init)
