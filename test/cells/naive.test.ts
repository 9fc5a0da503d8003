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

interface NaiveStep { h: Vec; c?: Vec; gates: Record<string, Vec> }

function naiveStep(cfg: RecurrentConfig, p: Record<string, Tensor>, l: number, x: Vec, h: Vec, c: Vec): NaiveStep {
  const H = cfg.hiddenSize;
  const Wi = p[`weight_ih_l${l}`], Wh = p[`weight_hh_l${l}`], bi = p[`bias_ih_l${l}`], bh = p[`bias_hh_l${l}`];
  const pre = (gate: number, v: Vec = h) => {
    const a = affine(Wi, bi, gate * H, H, x);
    const r = affine(Wh, bh, gate * H, H, v);
    return a.map((ai, j) => ai + r[j]);
  };
  if (cfg.kind === "rnn_tanh" || cfg.kind === "rnn_relu") {
    const a = pre(0);
    return { h: a.map((v) => (cfg.kind === "rnn_tanh" ? Math.tanh(v) : Math.max(0, v))), gates: { a } };
  }
  if (cfg.kind === "lstm") {
    const i = pre(0).map(σ), f = pre(1).map(σ), g = pre(2).map(Math.tanh), o = pre(3).map(σ);
    const cNew = c.map((cj, j) => cj * f[j] + g[j] * i[j]);
    return { h: cNew.map((cj, j) => Math.tanh(cj) * o[j]), c: cNew, gates: { i, f, g, o, c: cNew } };
  }
  const r = pre(0).map(σ), z = pre(1).map(σ);
  const xn = affine(Wi, bi, 2 * H, H, x);
  let n: Vec;
  if (cfg.gruVariant === "reset_before") {
    const hn = affine(Wh, bh, 2 * H, H, h.map((hj, j) => r[j] * hj));
    n = xn.map((v, j) => Math.tanh(v + hn[j]));
  } else {
    const hn = affine(Wh, bh, 2 * H, H, h);
    n = xn.map((v, j) => Math.tanh(v + r[j] * hn[j]));
  }
  return { h: n.map((nj, j) => (1 - z[j]) * nj + z[j] * h[j]), gates: { r, z, n } };
}

const CONFIGS: RecurrentConfig[] = [
  { kind: "rnn_tanh", inputSize: 3, hiddenSize: 5, numLayers: 2 },
  { kind: "rnn_relu", inputSize: 3, hiddenSize: 5, numLayers: 2 },
  { kind: "lstm", inputSize: 3, hiddenSize: 5, numLayers: 2 },
  { kind: "gru", gruVariant: "reset_after", inputSize: 3, hiddenSize: 5, numLayers: 2 },
  { kind: "gru", gruVariant: "reset_before", inputSize: 3, hiddenSize: 5, numLayers: 2 },
];

describe("fused engine vs a naive per-step implementation", () => {
  for (const cfg of CONFIGS) {
    const label = `${cfg.kind}${cfg.gruVariant ? ` ${cfg.gruVariant}` : ""}`;
    it(`${label}: outputs, final states and every traced gate agree`, () => {
      const rng = new Rng(7);
      const net = new RecurrentNet({ ...cfg, dtype: "float64" }, rng);
      const N = 3, T = 6, L = 2, H = cfg.hiddenSize;
      const x = randomTensor(rng, [N, T, cfg.inputSize]);
      const h0 = randomTensor(rng, [L, N, H], 0.5);
      const c0 = randomTensor(rng, [L, N, H], 0.5);
      const lstm = cfg.kind === "lstm";
      const fwd = net.forward(x, { h0, c0: lstm ? c0 : undefined });
      for (let n = 0; n < N; n++) {
        let seq: Vec[] = [];
        for (let t = 0; t < T; t++) seq.push(Array.from(x.data.subarray((n * T + t) * 3, (n * T + t + 1) * 3)));
        for (let l = 0; l < L; l++) {
          let h = Array.from(h0.data.subarray((l * N + n) * H, (l * N + n + 1) * H));
          let c = Array.from(c0.data.subarray((l * N + n) * H, (l * N + n + 1) * H));
          const out: Vec[] = [];
          for (let t = 0; t < T; t++) {
            const s = naiveStep(cfg, net.params, l, seq[t], h, c);
            h = s.h;
            if (s.c) c = s.c;
            out.push(h);
            for (const [name, v] of Object.entries({ ...s.gates, h: s.h })) {
              const traced = fwd.trace.get(name, l).data.subarray((n * T + t) * H, (n * T + t + 1) * H);
              expect(scaledError(traced, v), `layer ${l} ${name} at t=${t}`).to.be.below(1e-13);
            }
          }
          expect(scaledError(fwd.hN.data.subarray((l * N + n) * H, (l * N + n + 1) * H), h)).to.be.below(1e-13);
          if (lstm) expect(scaledError(fwd.cN!.data.subarray((l * N + n) * H, (l * N + n + 1) * H), c)).to.be.below(1e-13);
          seq = out;
        }
        expect(scaledError(fwd.output.data.subarray(n * T * H, (n + 1) * T * H), seq.flat())).to.be.below(1e-13);
      }
    });
  }

  it("Float32 agrees with Float64 on the same weights to float32 precision", () => {
    for (const cfg of CONFIGS) {
      const rng = new Rng(11);
      const net64 = new RecurrentNet({ ...cfg, dtype: "float64" }, rng);
      const net32 = RecurrentNet.fromParams({ ...cfg, dtype: "float32" }, net64.params);
      const x = randomTensor(rng, [4, 20, 3]);
      const dy = randomTensor(rng, [4, 20, 5]);
      const f64 = net64.forward(x), f32 = net32.forward(x);
      expect(f32.output.data).to.be.instanceOf(Float32Array);
      expect(scaledError(f32.output.data, f64.output.data)).to.be.below(1e-5);
      const b64 = net64.backward(f64, { dOutput: dy }), b32 = net32.backward(f32, { dOutput: dy });
      for (const name of Object.keys(b64.grads)) expect(scaledError(b32.grads[name].data, b64.grads[name].data), name).to.be.below(1e-4);
    }
  });
});
