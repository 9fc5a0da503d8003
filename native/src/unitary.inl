// The uRNN's step, z_t += W h_{t−1} with W = D3 R2 F⁻¹ D2 Π R1 F D1 as its factors, then
// h_t = modReLU(z_t), and its backward (src/cells/urnn.ts has the equations and the reference ops
// these twin). Included by kernels.inl inside its ISA's namespace.
// Complex K-vectors are split [re | im], as the engine stores them; K is a power of two.
//
// Rows run W at a time, one per lane: element k of a group is a V whose lane l is row n + l's, so
// each lane does its own row's arithmetic, in the order the row-at-a-time code did, through the
// same expressions (GCC contracts a·b ± c in the same trees for vectors as for scalars;
// scripts/lineage.js holds the bits to that code's). A row's sums over k (the reflections) and its
// FFT's butterflies are chains along k; across rows they are W independent chains. A group's
// missing rows are zeros, computed and dropped. UNITARY_LANES bounds the group (kernels.h).

constexpr int UW = W < UNITARY_LANES ? W : UNITARY_LANES;
typedef float U __attribute__((vector_size(UW * 4)));

/** y = e^{i·sign·θ} x; in place allowed. */
static void rotate(int64_t K, const float* cs, const float* sn, float sign, const U* x, U* y) {
  for (int64_t k = 0; k < K; k++) {
    float c = cs[k], s = sign * sn[k];
    U xr = x[k], xi = x[K + k];
    y[k] = c * xr - s * xi;
    y[K + k] = s * xr + c * xi;
  }
}

/** dθ += Re(ḡ · i y) for y = e^{iθ} x. */
static void rotateGrad(int64_t K, const float* cs, const float* sn, const U* x, const U* g, U* dth) {
  for (int64_t k = 0; k < K; k++) {
    U yr = cs[k] * x[k] - sn[k] * x[K + k], yi = sn[k] * x[k] + cs[k] * x[K + k];
    dth[k] += g[K + k] * yr - g[k] * yi;
  }
}

/** y = F x (sign 1) or F⁻¹ x (sign −1), unitary: a radix-2 FFT from the bit-reversed copy. */
static void fft(int64_t K, const float* twc, const float* tws, const float* rev, float sign, const U* x, U* y) {
  for (int64_t k = 0; k < K; k++) {
    int64_t r = static_cast<int64_t>(rev[k]);
    y[k] = x[r];
    y[K + k] = x[K + r];
  }
  U* yr = y;
  U* yi = y + K;
  for (int64_t size = 2; size <= K; size *= 2) {
    int64_t half = size / 2, stride = K / size;
    for (int64_t start = 0; start < K; start += size)
      for (int64_t j = 0; j < half; j++) {
        float c = twc[j * stride], s = -sign * tws[j * stride];  // w = e^{−i·sign·2πj/size}
        int64_t a = start + j, b = a + half;
        U tr = c * yr[b] - s * yi[b], ti = c * yi[b] + s * yr[b];
        yr[b] = yr[a] - tr;
        yi[b] = yi[a] - ti;
        yr[a] += tr;
        yi[a] += ti;
      }
  }
  float scale = 1.0f / std::sqrt(static_cast<float>(K));
  for (int64_t k = 0; k < 2 * K; k++) y[k] *= scale;
}

/** y = x − 2 v (vᴴx)/‖v‖²; in place allowed. */
static void reflect(int64_t K, const float* v, const U* x, U* y) {
  U sr = {}, si = {};
  float q = 0;
  for (int64_t k = 0; k < K; k++) {
    float vr = v[k], vi = v[K + k];
    U xr = x[k], xi = x[K + k];
    sr += vr * xr + vi * xi;
    si += vr * xi - vi * xr;
    q += vr * vr + vi * vi;
  }
  U ar = 2 * sr / q, ai = 2 * si / q;
  for (int64_t k = 0; k < K; k++) {
    float vr = v[k], vi = v[K + k];
    y[k] = x[k] - (vr * ar - vi * ai);
    y[K + k] = x[K + k] - (vr * ai + vi * ar);
  }
}

/** dv += −(2/q)[ s̄ g + α x − (2 Re(α s)/q) v ] for y = R x, s = vᴴx, α = gᴴv, q = ‖v‖². */
static void reflectGrad(int64_t K, const float* v, const U* x, const U* g, U* dv) {
  U sr = {}, si = {}, alr = {}, ali = {};
  float q = 0;
  for (int64_t k = 0; k < K; k++) {
    float vr = v[k], vi = v[K + k];
    U xr = x[k], xi = x[K + k], gr = g[k], gi = g[K + k];
    sr += vr * xr + vi * xi;
    si += vr * xi - vi * xr;
    q += vr * vr + vi * vi;
    alr += gr * vr + gi * vi;
    ali += gr * vi - gi * vr;
  }
  float f = -2 / q;
  U w = 2 * (alr * sr - ali * si) / q;
  for (int64_t k = 0; k < K; k++) {
    U gr = g[k], gi = g[K + k], xr = x[k], xi = x[K + k];
    dv[k] += f * (sr * gr + si * gi + (alr * xr - ali * xi) - w * v[k]);
    dv[K + k] += f * (sr * gi - si * gr + (alr * xi + ali * xr) - w * v[K + k]);
  }
}

/** y_k = x_{Π[k]}, or its inverse y_{Π[k]} = x_k. */
static void permute(int64_t K, const float* perm, bool inverse, const U* x, U* y) {
  for (int64_t k = 0; k < K; k++) {
    int64_t p = static_cast<int64_t>(perm[k]);
    int64_t to = inverse ? p : k, from = inverse ? k : p;
    y[to] = x[from];
    y[K + to] = x[K + from];
  }
}

/** The factors' constants, laid out by src/cells/urnn.ts's `chainOf`. */
struct Chain {
  int64_t K;
  const float *cs, *sn, *v, *twc, *tws, *perm, *rev;
  explicit Chain(const UnitaryArgs& u)
      : K(u.K), cs(u.c), sn(u.c + 3 * K), v(u.c + 6 * K), twc(u.c + 10 * K), tws(u.c + 11 * K),
        perm(u.c + 12 * K), rev(u.c + 13 * K) {}
  /** The inputs of R1, D2, R2 and D3 (a[0..3], 2K each) for input x, and the output y. */
  void forward(const U* x, U* a, U* t, U* y) const {
    U *r1 = a, *d2 = a + 2 * K, *r2 = a + 4 * K, *d3 = a + 6 * K;
    rotate(K, cs, sn, 1, x, t);  // D1
    fft(K, twc, tws, rev, 1, t, r1);  // F
    reflect(K, v, r1, t);  // R1
    permute(K, perm, false, t, d2);  // Π
    rotate(K, cs + K, sn + K, 1, d2, t);  // D2
    fft(K, twc, tws, rev, -1, t, r2);  // F⁻¹
    reflect(K, v + 2 * K, r2, d3);  // R2
    rotate(K, cs + 2 * K, sn + 2 * K, 1, d3, y);  // D3
  }
};

/** Lane-wise square root (a vector instruction where the build has one; correctly rounded either way). */
static inline U sqrtv(U x) {
  for (int l = 0; l < UW; l++) x[l] = std::sqrt(x[l]);
  return x;
}

/** h = (|z| + b)∘z/|z| where |z| + b > 0, else 0. */
static void modrelu(int64_t K, const float* b, const U* z, U* h) {
  for (int64_t k = 0; k < K; k++) {
    U zr = z[k], zi = z[K + k], r = sqrtv(zr * zr + zi * zi);
    U s = (r + b[k] > 0) & (r > 0) ? (r + b[k]) / r : U{};
    h[k] = s * zr;
    h[K + k] = s * zi;
  }
}

/** g_z = s·g_h − (b/r³)·Re(z̄ g_h)·z, s = 1 + b/r, where |z| + b > 0 (else 0); db = Re(z̄ g_h)/r there. */
static void modreluBack(int64_t K, const float* b, const U* z, const U* gh, U* gz, U* db) {
  for (int64_t k = 0; k < K; k++) {
    U zr = z[k], zi = z[K + k], r = sqrtv(zr * zr + zi * zi);
    U s = 1 + b[k] / r, proj = zr * gh[k] + zi * gh[K + k], c = b[k] / (r * r * r) * proj;
    auto on = (r + b[k] > 0) & (r > 0);
    gz[k] = on ? s * gh[k] - c * zr : U{};
    gz[K + k] = on ? s * gh[K + k] - c * zi : U{};
    db[k] = on ? proj / r : U{};
  }
}

/** rows[k], lane l = src[l·H + k] for the group's cnt rows, 0 past them. */
static void gather(int64_t H, const float* src, int cnt, U* rows) {
  for (int64_t k = 0; k < H; k++) {
    U v = {};
    for (int l = 0; l < cnt; l++) v[l] = src[l * H + k];
    rows[k] = v;
  }
}

/** dst[l·H + k] = rows[k], lane l, for the group's cnt rows. */
static void scatter(int64_t H, const U* rows, int cnt, float* dst) {
  for (int64_t k = 0; k < H; k++)
    for (int l = 0; l < cnt; l++) dst[l * H + k] = rows[k][l];
}

/**
 * Rows [n0, n1): forward z_n += UW x_n, h_n = modReLU(z_n); backward g_z from g_h, dx_n = Wᴴ g_z and
 * row n's dθ, dv, db into part_n.
 */
static void unitary(const UnitaryArgs& u, int64_t n0, int64_t n1) {
  const Chain ch(u);
  const int64_t K = u.K, H = 2 * K;
  thread_local std::vector<U> scratch;
  scratch.resize(13 * H);
  U *a = scratch.data(), *t = a + 4 * H, *g = a + 5 * H, *y = a + 6 * H, *x = a + 7 * H, *z = a + 8 * H;
  U* part = a + 9 * H;  // [dθ 3K | dv 2H | db K] of each lane's row
  for (int64_t n = n0; n < n1; n += UW) {
    const int cnt = static_cast<int>(std::min<int64_t>(UW, n1 - n));
    gather(H, u.x + n * H, cnt, x);
    gather(H, u.z + n * H, cnt, z);
    ch.forward(x, a, t, y);
    if (!u.backward) {
      for (int64_t k = 0; k < H; k++) z[k] += y[k];
      modrelu(K, u.b, z, t);
      scatter(H, z, cnt, u.z + n * H);
      scatter(H, t, cnt, u.h + n * H);
      continue;
    }
    U *dth = part, *dv = part + 3 * K;
    std::fill(part, part + 7 * K, U{});
    gather(H, u.dH + n * H, cnt, y);
    modreluBack(K, u.b, z, y, g, part + 7 * K);
    scatter(H, g, cnt, u.gz + n * H);
    const U *r1 = a, *d2 = a + H, *r2 = a + 2 * H, *d3 = a + 3 * H;
    rotateGrad(K, ch.cs + 2 * K, ch.sn + 2 * K, d3, g, dth + 2 * K);  // D3
    rotate(K, ch.cs + 2 * K, ch.sn + 2 * K, -1, g, g);
    reflectGrad(K, ch.v + H, r2, g, dv + H);  // R2 (Hermitian)
    reflect(K, ch.v + H, g, g);
    fft(K, ch.twc, ch.tws, ch.rev, 1, g, t);  // F⁻¹ᴴ = F
    rotateGrad(K, ch.cs + K, ch.sn + K, d2, t, dth + K);  // D2
    rotate(K, ch.cs + K, ch.sn + K, -1, t, t);
    permute(K, ch.perm, true, t, g);  // Πᵀ
    reflectGrad(K, ch.v, r1, g, dv);  // R1
    reflect(K, ch.v, g, g);
    fft(K, ch.twc, ch.tws, ch.rev, -1, g, t);  // Fᴴ = F⁻¹
    rotateGrad(K, ch.cs, ch.sn, x, t, dth);  // D1
    rotate(K, ch.cs, ch.sn, -1, t, y);
    scatter(H, y, cnt, u.dx + n * H);
    scatter(4 * H, part, cnt, u.part + n * 8 * K);
  }
}
