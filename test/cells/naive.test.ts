/**
 * The torch-rnn pattern: a naive implementation written literally from the equations, one
 * scalar at a time with no fused matmuls or shared buffers, must agree with the fused engine.
 */
import { expect } from "chai";
import { RecurrentNet } from "../../src/model/recurrent";
import type { RecurrentConfig } from "../../src/model/config";
import { Rng } from "../../src/math/rng";
import type { Tensor } from "../../src/math/tensor";
import { randomTensor, scaledError } from "../helpers/numeric";
import { urnnPermutation } from "../../src/cells/urnn";

const σ = (x: number) => 1 / (1 + Math.exp(-x));
type Vec = number[];

/** Row r of the fused weight W (rows×cols) times v, plus bias b[r]. */
function affine(W: Tensor, b: Tensor, row0: number, H: number, v: Vec): Vec {
  const cols = W.shape[1];
  const out: Vec = [];
  for (let j = 0; j < H; j++) {
    let s = b.data[row0 + j];
    for (let k = 0; k < cols; k++) s += W.data[(row0 + j) * cols + k] * v[k];
    out.push(s);
  }
  return out;
}

/** s: the LSTM's previous [i | f | o] (FGR's gate recurrence), zero at t = 0. */
interface NaiveStep {
  h: Vec;
  c?: Vec;
  s?: Vec;
  gates: Record<string, Vec>;
}

function naiveStep(
  cfg: RecurrentConfig,
  p: Record<string, Tensor>,
  l: number,
  x: Vec,
  h: Vec,
  c: Vec,
  s: Vec,
): NaiveStep {
  const H = cfg.hiddenSize;
  const Wi = p[`weight_ih_l${l}`],
    Wh = p[`weight_hh_l${l}`],
    bi = p[`bias_ih_l${l}`],
    bh = p[`bias_hh_l${l}`];
  const pre = (gate: number, v: Vec = h) => {
    const a = affine(Wi, bi, gate * H, H, x);
    const r = affine(Wh, bh, gate * H, H, v);
    return a.map((ai, j) => ai + r[j]);
  };
  if (cfg.kind === "rnn_tanh" || cfg.kind === "rnn_relu") {
    const a = pre(0);
    return { h: a.map((v) => (cfg.kind === "rnn_tanh" ? Math.tanh(v) : Math.max(0, v))), gates: { a } };
  }
  if (cfg.kind === "lstm") return naiveLstm(cfg, p, l, pre, h, c, s);
  if (cfg.kind === "mgu") {
    const f = pre(0).map(σ);
    const hn = affine(
      Wh,
      bh,
      H,
      H,
      h.map((hj, j) => f[j] * hj),
    );
    const n = affine(Wi, bi, H, H, x).map((v, j) => Math.tanh(v + hn[j]));
    return { h: n.map((nj, j) => (1 - f[j]) * h[j] + f[j] * nj), gates: { f, n } };
  }
  if (cfg.kind === "indrnn") {
    const a = affine(Wi, bi, 0, H, x).map((v, j) => v + Wh.data[j] * h[j]);
    return { h: a.map((v) => (cfg.activation === "tanh" ? Math.tanh(v) : Math.max(0, v))), gates: { a } };
  }
  if (cfg.kind === "urnn") return naiveUrnn(p, l, x, h);
  const r = pre(0).map(σ),
    z = pre(1).map(σ);
  const xn = affine(Wi, bi, 2 * H, H, x);
  let n: Vec;
  if (cfg.gruVariant === "reset_before") {
    const hn = affine(
      Wh,
      bh,
      2 * H,
      H,
      h.map((hj, j) => r[j] * hj),
    );
    n = xn.map((v, j) => Math.tanh(v + hn[j]));
  } else {
    const hn = affine(Wh, bh, 2 * H, H, h);
    n = xn.map((v, j) => Math.tanh(v + r[j] * hn[j]));
  }
  return { h: n.map((nj, j) => (1 - z[j]) * nj + z[j] * h[j]), gates: { r, z, n } };
}

/** The LSTM family written out gate by gate (cells/lstm.ts's header). */
function naiveLstm(
  cfg: RecurrentConfig,
  p: Record<string, Tensor>,
  l: number,
  pre: (gate: number) => Vec,
  h: Vec,
  c: Vec,
  s: Vec,
): NaiveStep {
  const H = h.length;
  const v = cfg.variant ?? "full";
  const blocks = ["i", "f", "g", "o"].filter(
    (b) => !((b === "i" && v === "NIG") || (b === "f" && (v === "NFG" || v === "CIFG")) || (b === "o" && v === "NOG")),
  );
  const peeps = cfg.peepholes ? blocks.filter((b) => b !== "g") : [];
  const P = p[`peephole_l${l}`];
  const peep = (b: string, j: number) => (peeps.includes(b) ? P.data[peeps.indexOf(b) * H + j] : 0);
  const Wgg = p[`weight_gg_l${l}`];
  const recur = (b: string, j: number) => {
    if (v !== "FGR") return 0;
    const r = ["i", "f", "o"].indexOf(b) * H + j;
    return s.reduce((acc, sm, m) => acc + Wgg.data[r * 3 * H + m] * sm, 0);
  };
  const a = (b: string) => pre(blocks.indexOf(b));
  const i = blocks.includes("i") ? a("i").map((v0, j) => σ(v0 + peep("i", j) * c[j] + recur("i", j))) : h.map(() => 1);
  const f = blocks.includes("f")
    ? a("f").map((v0, j) => σ(v0 + peep("f", j) * c[j] + recur("f", j)))
    : i.map((ij) => (v === "CIFG" ? 1 - ij : 1));
  const g = a("g").map((v0) => (v === "NIAF" ? v0 : Math.tanh(v0)));
  const cNew = c.map((cj, j) => f[j] * cj + i[j] * g[j]);
  const o = blocks.includes("o")
    ? a("o").map((v0, j) => σ(v0 + peep("o", j) * cNew[j] + recur("o", j)))
    : h.map(() => 1);
  const gates: Record<string, Vec> = { g, c: cNew };
  for (const [name, val] of Object.entries({ i, f, o })) if (blocks.includes(name)) gates[name] = val;
  const hNew = cNew.map((cj, j) => o[j] * (v === "NOAF" ? cj : Math.tanh(cj)));
  return { h: hNew, c: cNew, s: [...i, ...f, ...o], gates };
}

type Complex = [number, number];
type CMatrix = Complex[][];
const cmul = (a: Complex, b: Complex): Complex => [a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]];
const matmul = (A: CMatrix, B: CMatrix): CMatrix =>
  A.map((row) =>
    B[0].map((_, j) =>
      row.reduce<Complex>(
        (acc, a, k) => {
          const m = cmul(a, B[k][j]);
          return [acc[0] + m[0], acc[1] + m[1]];
        },
        [0, 0],
      ),
    ),
  );
const eye = (K: number): CMatrix =>
  Array.from({ length: K }, (_, r) => Array.from({ length: K }, (_, q) => [r === q ? 1 : 0, 0]));

/** W = D3 R2 F⁻¹ D2 Π R1 F D1 as an explicit complex K×K matrix (cells/urnn.ts's header). */
export function urnnMatrix(p: Record<string, Tensor>, l: number, K: number): CMatrix {
  const th = p[`theta_l${l}`].data,
    v = p[`reflection_l${l}`].data;
  const D = (k: number): CMatrix =>
    eye(K).map((row, r) => row.map((e, q) => (r === q ? [Math.cos(th[k * K + r]), Math.sin(th[k * K + r])] : e)));
  const R = (k: number): CMatrix => {
    const vr = (r: number): Complex => [v[k * 2 * K + r], v[k * 2 * K + K + r]];
    const q = Array.from({ length: K }, (_, r) => vr(r)[0] ** 2 + vr(r)[1] ** 2).reduce((a, b) => a + b);
    return eye(K).map((row, r) =>
      row.map((e, c) => {
        const m = cmul(vr(r), [vr(c)[0], -vr(c)[1]]);
        return [e[0] - (2 * m[0]) / q, e[1] - (2 * m[1]) / q];
      }),
    );
  };
  const F = (sign: number): CMatrix =>
    eye(K).map((row, r) =>
      row.map((_, c) => {
        const ang = (-sign * 2 * Math.PI * r * c) / K;
        return [Math.cos(ang) / Math.sqrt(K), Math.sin(ang) / Math.sqrt(K)];
      }),
    );
  const pi = urnnPermutation(K);
  const Pi: CMatrix = eye(K).map((row, r) => row.map((_, c) => [c === pi[r] ? 1 : 0, 0]));
  return [D(2), R(1), F(-1), D(1), Pi, R(0), F(1), D(0)].reduce((acc, m) => matmul(acc, m));
}

function naiveUrnn(p: Record<string, Tensor>, l: number, x: Vec, h: Vec): NaiveStep {
  const K = h.length / 2;
  const W = urnnMatrix(p, l, K);
  const V = p[`weight_ih_l${l}`],
    b = p[`bias_modrelu_l${l}`].data;
  const D = x.length;
  const z: Vec = new Array(2 * K).fill(0);
  for (let r = 0; r < K; r++) {
    for (let k = 0; k < K; k++) {
      const m = cmul(W[r][k], [h[k], h[K + k]]);
      z[r] += m[0];
      z[K + r] += m[1];
    }
    for (let d = 0; d < D; d++) {
      z[r] += V.data[r * D + d] * x[d];
      z[K + r] += V.data[(K + r) * D + d] * x[d];
    }
  }
  const hNew = z.slice();
  for (let r = 0; r < K; r++) {
    const mod = Math.hypot(z[r], z[K + r]);
    const scale = mod + b[r] > 0 ? (mod + b[r]) / mod : 0;
    hNew[r] = z[r] * scale;
    hNew[K + r] = z[K + r] * scale;
  }
  return { h: hNew, gates: { z } };
}

const CONFIGS: RecurrentConfig[] = [
  { kind: "rnn_tanh", inputSize: 3, hiddenSize: 5, numLayers: 2 },
  { kind: "rnn_relu", inputSize: 3, hiddenSize: 5, numLayers: 2 },
  { kind: "lstm", inputSize: 3, hiddenSize: 5, numLayers: 2 },
  { kind: "gru", gruVariant: "reset_after", inputSize: 3, hiddenSize: 5, numLayers: 2 },
  { kind: "gru", gruVariant: "reset_before", inputSize: 3, hiddenSize: 5, numLayers: 2 },
  ...(["NIG", "NFG", "NOG", "NIAF", "NOAF", "CIFG", "FGR"] as const).map((variant) => ({
    kind: "lstm",
    variant,
    inputSize: 3,
    hiddenSize: 5,
    numLayers: 2,
  })),
  { kind: "lstm", peepholes: true, inputSize: 3, hiddenSize: 5, numLayers: 2 },
  { kind: "lstm", peepholes: true, variant: "FGR", inputSize: 3, hiddenSize: 5, numLayers: 2 },
  { kind: "mgu", inputSize: 3, hiddenSize: 5, numLayers: 2 },
  { kind: "indrnn", inputSize: 3, hiddenSize: 5, numLayers: 2 },
  { kind: "indrnn", activation: "tanh", inputSize: 3, hiddenSize: 5, numLayers: 2 },
  { kind: "urnn", inputSize: 3, hiddenSize: 6, numLayers: 2 }, // K = 3: the DFT as a sum
  { kind: "urnn", inputSize: 3, hiddenSize: 16, numLayers: 2 }, // K = 8: the FFT
];

describe("fused engine vs a naive per-step implementation", () => {
  for (const cfg of CONFIGS) {
    const { kind, inputSize, hiddenSize, numLayers, ...options } = cfg;
    const label = `${kind} ${JSON.stringify(options)}`;
    it(`${label}: outputs, final states and every traced gate agree`, () => {
      const rng = new Rng(7);
      const net = new RecurrentNet({ ...cfg, dtype: "float64" }, rng);
      const N = 3,
        T = 6,
        L = 2,
        H = cfg.hiddenSize;
      const x = randomTensor(rng, [N, T, cfg.inputSize]);
      const h0 = randomTensor(rng, [L, N, H], 0.5);
      const c0 = randomTensor(rng, [L, N, H], 0.5);
      const lstm = net.cell.hasCellState;
      const fwd = net.forward(x, { h0, c0: lstm ? c0 : undefined });
      for (let n = 0; n < N; n++) {
        let seq: Vec[] = [];
        for (let t = 0; t < T; t++) seq.push(Array.from(x.data.subarray((n * T + t) * 3, (n * T + t + 1) * 3)));
        for (let l = 0; l < L; l++) {
          let h = Array.from(h0.data.subarray((l * N + n) * H, (l * N + n + 1) * H));
          let c = Array.from(c0.data.subarray((l * N + n) * H, (l * N + n + 1) * H));
          let sPrev: Vec = new Array(3 * H).fill(0);
          const out: Vec[] = [];
          for (let t = 0; t < T; t++) {
            const s = naiveStep(cfg, net.params, l, seq[t], h, c, sPrev);
            h = s.h;
            if (s.c) c = s.c;
            if (s.s) sPrev = s.s;
            out.push(h);
            for (const [name, v] of Object.entries({ ...s.gates, h: s.h })) {
              const traced = fwd.trace.get(name, l).data.subarray((n * T + t) * H, (n * T + t + 1) * H);
              expect(scaledError(traced, v), `layer ${l} ${name} at t=${t}`).to.be.below(1e-13);
            }
          }
          expect(scaledError(fwd.hN.data.subarray((l * N + n) * H, (l * N + n + 1) * H), h)).to.be.below(1e-13);
          if (lstm)
            expect(scaledError(fwd.cN!.data.subarray((l * N + n) * H, (l * N + n + 1) * H), c)).to.be.below(1e-13);
          seq = out;
        }
        expect(scaledError(fwd.output.data.subarray(n * T * H, (n + 1) * T * H), seq.flat())).to.be.below(1e-13);
      }
    });
  }

  for (const K of [6, 8])
    it(`uRNN, K = ${K}: the recurrent matrix is unitary (WᴴW = I), so ‖W h‖ = ‖h‖`, () => {
      const net = new RecurrentNet({ kind: "urnn", inputSize: 2, hiddenSize: 2 * K, dtype: "float64" }, new Rng(3));
      const W = urnnMatrix(net.params, 0, K);
      for (let r = 0; r < K; r++) {
        for (let c = 0; c < K; c++) {
          let re = 0,
            im = 0;
          for (let k = 0; k < K; k++) {
            const m = cmul([W[k][r][0], -W[k][r][1]], W[k][c]);
            re += m[0];
            im += m[1];
          }
          expect(re, `(WᴴW)[${r}][${c}]`).to.be.closeTo(r === c ? 1 : 0, 1e-12);
          expect(im).to.be.closeTo(0, 1e-12);
        }
      }
    });

  it("Float32 agrees with Float64 on the same weights to float32 precision", () => {
    for (const cfg of CONFIGS) {
      const rng = new Rng(11);
      const net64 = new RecurrentNet({ ...cfg, dtype: "float64" }, rng);
      const net32 = RecurrentNet.fromParams({ ...cfg, dtype: "float32" }, net64.params);
      const x = randomTensor(rng, [4, 20, 3]);
      const dy = randomTensor(rng, [4, 20, cfg.hiddenSize]);
      const f64 = net64.forward(x),
        f32 = net32.forward(x);
      expect(f32.output.data).to.be.instanceOf(Float32Array);
      expect(scaledError(f32.output.data, f64.output.data)).to.be.below(1e-5);
      const b64 = net64.backward(f64, { dOutput: dy }),
        b32 = net32.backward(f32, { dOutput: dy });
      for (const name of Object.keys(b64.grads))
        expect(scaledError(b32.grads[name].data, b64.grads[name].data), name).to.be.below(1e-4);
    }
  });
});
