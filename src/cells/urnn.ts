/**
 * uRNN, the unitary evolution RNN (Arjovsky, Shah & Bengio 2016): a complex state whose
 * recurrent matrix is unitary by construction, so ‖W h‖ = ‖h‖ and the recurrent Jacobian cannot
 * shrink or blow up the gradient by itself. With K = H/2 complex units:
 *
 *   W = D3 R2 F⁻¹ D2 Π R1 F D1
 *     D_k = diag(e^{iθ_k})           θ_k ∈ R^K        (theta, 3×K)
 *     R_k = I − 2 v_k v_kᴴ / ‖v_k‖²   v_k ∈ C^K        (reflection, 2×H: [Re v_k | Im v_k])
 *     F the unitary DFT, Π a fixed permutation (drawn once from a fixed seed, the same for every
 *     network of this size)
 *   z_t = W h_{t−1} + V x_t          V ∈ C^{K×D}     (weight_ih, H×D: rows [Re V ; Im V])
 *   h_t = modReLU(z_t, b):  (|z| + b)∘z/|z| where |z| + b > 0, else 0     b ∈ R^K (bias_modrelu)
 *
 * Every real H-vector here is [Re | Im] of a complex K-vector; the readout sees h that way, as
 * the paper's U [Re h_t ; Im h_t] does. The gates buffer keeps z_t. Backward uses the complex
 * gradient g = ∂L/∂Re + i ∂L/∂Im, for which a linear y = A x gives g_x = Aᴴ g_y:
 *
 *   modReLU, r = |z|, s = 1 + b/r:  g_z = s·g_h − (b/r³)·Re(z̄ g_h)·z      db += Re(z̄ g_h)/r
 *   y = e^{iθ}x:   g_x = e^{−iθ} g_y,   dθ += Re(ḡ_y · i y)
 *   y = R x:       g_x = R g_y (R is Hermitian),
 *                  dv += −(2/q)[ s̄ g_y + α x − (2 Re(α s)/q) v ],  s = vᴴx, α = g_yᴴ v, q = ‖v‖²
 *   y = F x:       g_x = F⁻¹ g_y;   y = F⁻¹ x: g_x = F g_y;   y = Π x: g_x = Πᵀ g_y
 *   dh_{t−1} = g_{D1 input}
 * A step computes W h_{t−1} by the factors row by row, O(N·H log H) (`urnnOps`, recomputing each
 * row's chain in backward), where the backend has a twin of that or H is large; else as one matmul
 * by W built from θ and v once per pass (`FACTORS_MIN_H` says when), with ∂L/∂θ, ∂L/∂v from
 * ∂L/∂W = Σ_t g_zᵀ h_{t−1} sent back through the same rules column by column.
 * Deviations from the paper: h_0 is an input (zeros by default), not a learned vector; K that is
 * not a power of two takes the DFT as a sum (O(K²) per column) and always the matmul, powers of
 * two an FFT. The modReLU bias starts at 0, as the authors' draft says. Memory: T·N·H for z and
 * (T+1)·N·H for h, plus H² for W where the matmul runs.
 */
import { H_SLOT, type Cell, type LayerWork, type ParamSpec } from "./cell";
import type { Kernels } from "../math/kernels";
import type { CellDescription } from "./registry";
import { Rng } from "../math/rng";
import type { FloatArray } from "../math/tensor";

type F = FloatArray;

interface DftTable {
  /** cos and sin of 2π·m/K, m < K. */
  cos: Float64Array;
  sin: Float64Array;
  /** Bit-reversal permutation, when K is a power of two (then the FFT runs); else empty. */
  rev: Int32Array;
}

function dftTable(K: number): DftTable {
  const cos = Float64Array.from({ length: K }, (_, m) => Math.cos((2 * Math.PI * m) / K));
  const sin = Float64Array.from({ length: K }, (_, m) => Math.sin((2 * Math.PI * m) / K));
  const pow2 = K > 0 && (K & (K - 1)) === 0;
  const bits = Math.round(Math.log2(K));
  const rev = pow2
    ? Int32Array.from({ length: K }, (_, k) =>
        parseInt(k.toString(2).padStart(bits, "0").split("").reverse().join("") || "0", 2),
      )
    : new Int32Array(0);
  return { cos, sin, rev };
}

/** The fixed permutation Π of K units, y_k = x_{Π[k]} (the same for every network of this size). */
export function urnnPermutation(K: number): Int32Array {
  const rng = new Rng(20160101 + K);
  const p = Int32Array.from({ length: K }, (_, i) => i);
  for (let i = K - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

/**
 * Complex K-vectors as [re | im] at offsets into real arrays. Each map reads (x, xo) and
 * writes (y, yo); x and y must not overlap unless stated.
 *
 * y = F x (sign 1, y_k = Σ_m e^{−2πi km/K} x_m / √K) or F⁻¹ x (sign −1): radix-2 FFT when K is
 * a power of two, else the sum as written (O(K²)).
 */
function dft(K: number, T: DftTable, sign: 1 | -1, x: F, xo: number, y: F, yo: number) {
  const scale = 1 / Math.sqrt(K);
  if (T.rev.length === 0) {
    for (let k = 0; k < K; k++) {
      let re = 0,
        im = 0;
      for (let m = 0; m < K; m++) {
        const i = (k * m) % K;
        const c = T.cos[i],
          s = sign * T.sin[i];
        const xr = x[xo + m],
          xi = x[xo + K + m];
        re += c * xr + s * xi;
        im += c * xi - s * xr;
      }
      y[yo + k] = re * scale;
      y[yo + K + k] = im * scale;
    }
    return;
  }
  for (let k = 0; k < K; k++) {
    y[yo + k] = x[xo + T.rev[k]];
    y[yo + K + k] = x[xo + K + T.rev[k]];
  }
  for (let size = 2; size <= K; size *= 2) {
    const half = size / 2,
      stride = K / size;
    for (let start = 0; start < K; start += size) {
      for (let j = 0; j < half; j++) {
        const c = T.cos[j * stride],
          s = -sign * T.sin[j * stride]; // w = e^{−i·sign·2πj/size}
        const a = yo + start + j,
          b = a + half;
        const tr = c * y[b] - s * y[b + K],
          ti = c * y[b + K] + s * y[b];
        y[b] = y[a] - tr;
        y[b + K] = y[a + K] - ti;
        y[a] += tr;
        y[a + K] += ti;
      }
    }
  }
  for (let k = 0; k < 2 * K; k++) y[yo + k] *= scale;
}

/** cos θ and sin θ of the three diagonals. */
interface Phases {
  cos: Float64Array;
  sin: Float64Array;
}

function phasesOf(theta: F): Phases {
  return { cos: Float64Array.from(theta, Math.cos), sin: Float64Array.from(theta, Math.sin) };
}

/** y = e^{iθ}x (sign 1) or e^{−iθ}x (sign −1); in place allowed. */
function rotate(K: number, ph: Phases, tOff: number, sign: 1 | -1, x: F, xo: number, y: F, yo: number) {
  for (let k = 0; k < K; k++) {
    const c = ph.cos[tOff + k],
      s = sign * ph.sin[tOff + k];
    const xr = x[xo + k],
      xi = x[xo + K + k];
    y[yo + k] = c * xr - s * xi;
    y[yo + K + k] = s * xr + c * xi;
  }
}

/** y = x − 2 v (vᴴx)/‖v‖²; v at v[vo..vo+2K). In place allowed. */
function reflect(K: number, v: F, vo: number, x: F, xo: number, y: F, yo: number) {
  let sr = 0,
    si = 0,
    q = 0;
  for (let k = 0; k < K; k++) {
    const vr = v[vo + k],
      vi = v[vo + K + k],
      xr = x[xo + k],
      xi = x[xo + K + k];
    sr += vr * xr + vi * xi; // vᴴx = Σ conj(v) x
    si += vr * xi - vi * xr;
    q += vr * vr + vi * vi;
  }
  const ar = (2 * sr) / q,
    ai = (2 * si) / q;
  for (let k = 0; k < K; k++) {
    const vr = v[vo + k],
      vi = v[vo + K + k];
    y[yo + k] = x[xo + k] - (vr * ar - vi * ai);
    y[yo + K + k] = x[xo + K + k] - (vr * ai + vi * ar);
  }
}

/** dv += −(2/q)[ s̄ g + α x − (2 Re(α s)/q) v ] for y = R x, with g = g_y. */
function reflectGrad(K: number, v: F, vo: number, x: F, xo: number, g: F, go: number, dv: F) {
  let sr = 0,
    si = 0,
    q = 0,
    alr = 0,
    ali = 0;
  for (let k = 0; k < K; k++) {
    const vr = v[vo + k],
      vi = v[vo + K + k],
      xr = x[xo + k],
      xi = x[xo + K + k];
    const gr = g[go + k],
      gi = g[go + K + k];
    sr += vr * xr + vi * xi;
    si += vr * xi - vi * xr;
    q += vr * vr + vi * vi;
    alr += gr * vr + gi * vi; // α = gᴴv = Σ conj(g) v
    ali += gr * vi - gi * vr;
  }
  const reAS = alr * sr - ali * si;
  const f = -2 / q;
  for (let k = 0; k < K; k++) {
    const gr = g[go + k],
      gi = g[go + K + k],
      xr = x[xo + k],
      xi = x[xo + K + k];
    const vr = v[vo + k],
      vi = v[vo + K + k];
    // s̄ g = (sr − i si)(gr + i gi);  α x = (alr + i ali)(xr + i xi)
    const re = sr * gr + si * gi + (alr * xr - ali * xi) - ((2 * reAS) / q) * vr;
    const im = sr * gi - si * gr + (alr * xi + ali * xr) - ((2 * reAS) / q) * vi;
    dv[vo + k] += f * re;
    dv[vo + K + k] += f * im;
  }
}

/** dθ += Re(ḡ · i y) for y = e^{iθ}x, computed from x. */
function rotateGrad(K: number, ph: Phases, tOff: number, x: F, xo: number, g: F, go: number, dtheta: F) {
  for (let k = 0; k < K; k++) {
    const c = ph.cos[tOff + k],
      s = ph.sin[tOff + k];
    const yr = c * x[xo + k] - s * x[xo + K + k],
      yi = s * x[xo + k] + c * x[xo + K + k];
    dtheta[tOff + k] += g[go + K + k] * yr - g[go + k] * yi;
  }
}

function permute(K: number, pi: Int32Array, inverse: boolean, x: F, xo: number, y: F, yo: number) {
  for (let k = 0; k < K; k++) {
    const [to, from] = inverse ? [pi[k], k] : [k, pi[k]];
    y[yo + to] = x[xo + from];
    y[yo + K + to] = x[xo + K + from];
  }
}

/**
 * The factors' constants for one (θ, v), made once per pass: what the chain of products below reads,
 * and `packed`, the same as float32 for a fast backend's twin (native/src/unitary.inl):
 * [cos θ 3K | sin θ 3K | v 4K | cos 2πm/K | sin 2πm/K | Π | bit reversal], 14K floats.
 */
export interface Chain {
  K: number;
  ph: Phases;
  v: F;
  table: DftTable;
  pi: Int32Array;
  packed: Float32Array;
  /** Scratch: the inputs of R1, D2, R2, D3, then three vectors, each 2K. */
  tmp: Float64Array;
}

function chainOf(K: number, table: DftTable, pi: Int32Array, theta: F, v: F): Chain {
  const ph = phasesOf(theta);
  const packed = new Float32Array(14 * K);
  const parts = [ph.cos, ph.sin, v, table.cos, table.sin, pi, table.rev];
  [0, 3, 6, 10, 11, 12, 13].forEach((at, i) => packed.set(parts[i], at * K));
  return { K, ph, v, table, pi, packed, tmp: new Float64Array(14 * K) };
}

/** Row x at xo through the chain: the inputs of R1, D2, R2, D3 (kept for `chainBack`) and W x, into c.tmp. */
function chainRow(c: Chain, x: F, xo: number): void {
  const { K, ph, v, table, pi, tmp } = c;
  const H = 2 * K,
    t = 4 * H,
    y = 6 * H;
  rotate(K, ph, 0, 1, x, xo, tmp, t); // D1
  dft(K, table, 1, tmp, t, tmp, 0); // F → input of R1
  reflect(K, v, 0, tmp, 0, tmp, t); // R1
  permute(K, pi, false, tmp, t, tmp, H); // Π → input of D2
  rotate(K, ph, K, 1, tmp, H, tmp, t); // D2
  dft(K, table, -1, tmp, t, tmp, 2 * H); // F⁻¹ → input of R2
  reflect(K, v, H, tmp, 2 * H, tmp, 3 * H); // R2 → input of D3
  rotate(K, ph, 2 * K, 1, tmp, 3 * H, tmp, y); // D3
}

/** After chainRow(c, x, xo): g (at go) back through the chain into dx (at dxo); dθ and dv accumulate. */
function chainBack(c: Chain, x: F, xo: number, g: F, go: number, dx: F, dxo: number, dth: F, dv: F): void {
  const { K, ph, v, table, pi, tmp } = c;
  const H = 2 * K,
    t = 4 * H,
    b = 5 * H;
  for (let k = 0; k < H; k++) tmp[b + k] = g[go + k];
  rotateGrad(K, ph, 2 * K, tmp, 3 * H, tmp, b, dth); // D3
  rotate(K, ph, 2 * K, -1, tmp, b, tmp, b);
  reflectGrad(K, v, H, tmp, 2 * H, tmp, b, dv); // R2 (Hermitian)
  reflect(K, v, H, tmp, b, tmp, b);
  dft(K, table, 1, tmp, b, tmp, t); // F⁻¹ᴴ = F
  rotateGrad(K, ph, K, tmp, H, tmp, t, dth); // D2
  rotate(K, ph, K, -1, tmp, t, tmp, t);
  permute(K, pi, true, tmp, t, tmp, b); // Πᵀ
  reflectGrad(K, v, 0, tmp, 0, tmp, b, dv); // R1
  reflect(K, v, 0, tmp, b, tmp, b);
  dft(K, table, -1, tmp, b, tmp, t); // Fᴴ = F⁻¹
  rotateGrad(K, ph, 0, x, xo, tmp, t, dth); // D1
  rotate(K, ph, 0, -1, tmp, t, dx, dxo);
}

/** h_t (hs at zOff + N·H) = modReLU(z_t) for N rows of z_t (gates at zOff). */
function modrelu(N: number, K: number, b: F, gates: F, zOff: number, hs: F): void {
  const H = 2 * K;
  for (let n = 0; n < N; n++) {
    const z = zOff + n * H;
    for (let k = 0; k < K; k++) {
      const zr = gates[z + k],
        zi = gates[z + K + k];
      const r = Math.sqrt(zr * zr + zi * zi);
      const s = r + b[k] > 0 && r > 0 ? (r + b[k]) / r : 0;
      hs[z + N * H + k] = s * zr;
      hs[z + N * H + K + k] = s * zi;
    }
  }
}

/** g_z (dZ) from g_h (dH), both at zOff, for N rows of z_t (gates at zOff); db accumulates. */
function modreluBack(N: number, K: number, b: F, gates: F, zOff: number, dH: F, dZ: F, db: F): void {
  const H = 2 * K;
  for (let n = 0; n < N; n++) {
    const z = zOff + n * H;
    for (let k = 0; k < K; k++) {
      const zr = gates[z + k],
        zi = gates[z + K + k];
      const r = Math.sqrt(zr * zr + zi * zi);
      const ghr = dH[z + k],
        ghi = dH[z + K + k];
      let gzr = 0,
        gzi = 0;
      if (r + b[k] > 0 && r > 0) {
        const s = 1 + b[k] / r;
        const proj = zr * ghr + zi * ghi; // Re(z̄ g_h)
        gzr = s * ghr - (b[k] / (r * r * r)) * proj * zr;
        gzi = s * ghi - (b[k] / (r * r * r)) * proj * zi;
        db[k] += proj / r;
      }
      dZ[z + k] = gzr;
      dZ[z + K + k] = gzi;
    }
  }
}

/**
 * The uRNN's step by its factors, N rows of H, row t at `row` of gates (z) and hs (h_{t−1}; h_t one
 * row on): the reference ops a fast backend twins.
 */
export const urnnOps = {
  /** z_t += W h_{t−1}; h_t = modReLU(z_t). */
  urnnForward(N: number, H: number, c: Chain, b: F, row: number, gates: F, hs: F): void {
    for (let n = 0; n < N; n++) {
      chainRow(c, hs, row + n * H);
      for (let k = 0; k < H; k++) gates[row + n * H + k] += c.tmp[6 * H + k];
    }
    modrelu(N, H / 2, b, gates, row, hs);
  },

  /** g_z (dZ at row) from g_h (dH at row); dhPrev = g_z W (overwritten); dθ, dv and db accumulate, row by row. */
  urnnBackward(N: number, H: number, c: Chain, b: F, row: number, gates: F, hs: F, dH: F, dZ: F, dhPrev: F,
    dth: F, dv: F, db: F): void {
    modreluBack(N, H / 2, b, gates, row, dH, dZ, db);
    for (let n = 0; n < N; n++) {
      chainRow(c, hs, row + n * H);
      chainBack(c, hs, row + n * H, dZ, row + n * H, dhPrev, n * H, dth, dv);
    }
  },
};

const PARAMS: ParamSpec[] = [
  { name: "weight_ih", shape: (D, H) => [H, D], init: "weight_ih", grad: "input" },
  {
    name: "theta",
    shape: (_D, H) => [3, H / 2],
    init: (d, rng) => d.forEach((_, i) => (d[i] = rng.range(-Math.PI, Math.PI))),
    grad: "cell",
  },
  {
    name: "reflection",
    shape: (_D, H) => [2, H],
    init: (d, rng) => d.forEach((_, i) => (d[i] = rng.range(-1, 1))),
    grad: "cell",
  },
  { name: "bias_modrelu", shape: (_D, H) => [H / 2], init: (d) => d.fill(0), grad: "cell" },
];

/**
 * W as the real H×H matrix it is on [Re | Im] vectors (row i, column j = ∂z_i/∂h_j), built once
 * per pass by sending the H basis vectors through the chain, O(H² log H): each step's product
 * h_{t−1} Wᵀ is then one matmul in the fast backend, O(N·H²), as the tanh RNN's is. Where the
 * backend has no twin of the chain, that beats the chain row by row in TypeScript, O(N·H log H) a
 * step, by 4–5× up to H = 512 (measured) and is about even at H = 1024, where W's H² floats start
 * to weigh: from FACTORS_MIN_H on such backends run the chain. A backend's twin runs it at every H
 * (native: faster than W from H = 64 on, measured).
 */
export const FACTORS_MIN_H = 1024;

interface Unitary {
  theta: Float64Array;
  v: Float64Array;
  chain: Chain;
  W: F;
}

function sameValues(a: Float64Array, b: F): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** W for the last few (θ, v) seen: one per layer of a network, found by value (backends stage copies). */
const KEEP = 8;

function urnnCell(): Cell {
  let K = 0;
  let table = dftTable(0);
  let pi: Int32Array = new Int32Array(0);
  let basis = new Float64Array(0);
  let built: Unitary[] = []; // most recently used first
  // The layer being stepped: a layer's steps run in one go, forward t = 0…T−1, backward T−1…0.
  let chain: Chain | null = null;
  let dense: { u: Unitary; W: F } | null = null;
  const sized = (H: number) => {
    if (H / 2 === K) return;
    K = H / 2;
    table = dftTable(K);
    pi = urnnPermutation(K);
    basis = new Float64Array(2 * K);
  };
  const pow2 = () => (K & (K - 1)) === 0;

  /** Column j of W = D3 R2 F⁻¹ D2 Π R1 F D1 e_j, for every j. */
  function unitary(p: Record<string, F>, H: number): Unitary {
    const { theta, reflection: v } = p;
    const found = built.find((u) => sameValues(u.theta, theta) && sameValues(u.v, v) && u.W.length === H * H);
    if (found) {
      built = [found, ...built.filter((u) => u !== found)];
      return found;
    }
    const c = chainOf(K, table, pi, Float64Array.from(theta), Float64Array.from(v));
    // the least recently used entry's W, when this network is through with it
    const reuse = built.length >= KEEP ? built.pop() : undefined;
    const fits = reuse !== undefined && reuse.W.length === H * H && reuse.W.constructor === theta.constructor;
    const W = fits ? reuse.W : new (theta.constructor as new (n: number) => F)(H * H);
    for (let j = 0; j < H; j++) {
      basis.fill(0);
      basis[j] = 1;
      chainRow(c, basis, 0);
      for (let i = 0; i < H; i++) W[i * H + j] = c.tmp[6 * H + i];
    }
    const u = { theta: Float64Array.from(theta), v: Float64Array.from(v), chain: c, W };
    built.unshift(u);
    return u;
  }

  /**
   * dθ and dv from G = ∂L/∂W: column j of W is the chain's output for input e_j, so column j of
   * G is that output's gradient, sent back through the chain as a row's is.
   */
  function unitaryGrad(c: Chain, G: F, H: number, dth: F, dv: F): void {
    const g = new Float64Array(2 * H); // column j of G, then what the chain makes of it (unused)
    for (let j = 0; j < H; j++) {
      for (let i = 0; i < H; i++) g[i] = G[i * H + j];
      basis.fill(0);
      basis[j] = 1;
      chainRow(c, basis, 0);
      chainBack(c, basis, 0, g, 0, g, H, dth, dv);
    }
  }

  /** This layer's factors, made once per pass. */
  function layerChain(w: LayerWork, first: boolean): Chain {
    if (first || chain === null) chain = chainOf(K, table, pi, w.p.theta, w.p.reflection);
    return chain;
  }

  /** This layer's W, staged where the backend's products can read it; looked up once per pass. */
  function layerUnitary(w: LayerWork, first: boolean, Kn: Kernels): { u: Unitary; W: F } {
    if (first || dense === null) {
      const u = unitary(w.p, w.H);
      dense = { u, W: Kn.workspace.stage(u.W) };
    }
    return dense;
  }

  return {
    G: 1,
    params: PARAMS,
    hasCellState: false,
    carry: 0,
    separateHiddenGrad: false,
    extraWidth: 0,
    trace: {
      z: { buffer: "gates", column: 0, label: "pre-activation z [Re | Im]", range: null, gate: false },
      h: { ...H_SLOT, label: "hidden state h [Re | Im]" },
    },
    hiddenInputs: [],

    forwardStep(w, t, Kn) {
      const { N, H, gates, hs, p } = w;
      sized(H);
      const b = p.bias_modrelu;
      const row = t * N * H; // z_t in gates, h_{t−1} in hs; z_t = V x_t + W h_{t−1}
      const c = pow2() ? layerChain(w, t === 0) : null;
      if (c && Kn.ops.urnnForward?.(N, H, c, b, row, gates, hs)) return;
      if (c && H >= FACTORS_MIN_H) return urnnOps.urnnForward(N, H, c, b, row, gates, hs);
      Kn.gemm(false, true, N, H, H, hs, row, H, layerUnitary(w, t === 0, Kn).W, 0, H, 1, gates, row, H);
      modrelu(N, K, b, gates, row, hs);
    },

    backwardStep(w, d, t, Kn) {
      const { N, T, H, gates, hs, p } = w;
      sized(H);
      const row = t * N * H;
      const { theta: dth, reflection: dv, bias_modrelu: db } = d.dp;
      if (pow2()) {
        const c = layerChain(w, t === T - 1);
        const args = [N, H, c, p.bias_modrelu, row, gates, hs, d.dH, d.dAih, d.dhPrev, dth, dv, db] as const;
        if (Kn.ops.urnnBackward?.(...args)) return;
        if (H >= FACTORS_MIN_H) return urnnOps.urnnBackward(...args);
      }
      modreluBack(N, K, p.bias_modrelu, gates, row, d.dH, d.dAih, db);
      const { u, W } = layerUnitary(w, t === T - 1, Kn);
      Kn.gemm(false, false, N, H, H, d.dAih, row, H, W, 0, H, 0, d.dhPrev, 0, H); // g_{h_{t−1}} = g_z W
      if (t > 0) return;
      // The last step backward (t = 0): ∂L/∂W = Σ_t g_zᵀ h_{t−1} in one matmul, then through the chain.
      const G = Kn.workspace.alloc(u.W instanceof Float32Array ? "float32" : "float64", H * H, false);
      Kn.gemm(true, false, H, H, T * N, d.dAih, 0, H, hs, 0, H, 0, G, 0, H);
      unitaryGrad(u.chain, G, H, dth, dv);
    },
  };
}

export const urnn: CellDescription<"urnn"> = {
  kind: "urnn",
  title: "uRNN",
  summary: "unitary evolution RNN (Arjovsky et al. 2016): W = D3 R2 F⁻¹ D2 Π R1 F D1, complex state, modReLU",
  options: {},
  units: "H/2 complex units",
  checkHidden: (H) => (H % 2 === 0 ? null : "an even number (H/2 complex units, stored as [Re | Im])"),
  cell: urnnCell,
};
