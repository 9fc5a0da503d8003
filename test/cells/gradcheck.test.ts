/**
 * Every backward pass against central finite differences in Float64: every parameter, the
 * input and the initial states, for each cell and variant, 1 and 2 layers, full and
 * truncated BPTT. The loss is a random linear functional of output, h_n and c_n, so its
 * gradient with respect to them is known and every path through the graph is exercised.
 */
import { expect } from "chai";
import { RecurrentNet, type ForwardResult } from "../../src/model/recurrent";
import type { RecurrentConfig } from "../../src/model/config";
import { Rng } from "../../src/math/rng";
import type { Tensor } from "../../src/math/tensor";
import { dot, numericGrad, randomTensor, scaledError } from "../helpers/numeric";

const N = 2, T = 7, D = 3, H = 4;

const CASES: Array<{ name: string; config: Omit<RecurrentConfig, "inputSize" | "hiddenSize" | "numLayers"> }> = [
  { name: "rnn_tanh", config: { kind: "rnn_tanh" } },
  { name: "rnn_relu", config: { kind: "rnn_relu" } },
  { name: "lstm", config: { kind: "lstm" } },
  { name: "gru reset_after", config: { kind: "gru", gruVariant: "reset_after" } },
  { name: "gru reset_before", config: { kind: "gru", gruVariant: "reset_before" } },
];

/** The loss under truncation k: each k-step chunk starts from the (constant) state the full run reached. */
function chunkedLoss(net: RecurrentNet, x: Tensor, h0: Tensor, c0: Tensor | null, k: number,
  boundary: ForwardResult[], wY: Tensor, wH: Tensor, wC: Tensor | null): number {
  let loss = 0;
  const starts = [];
  for (let a = 0; a < T; a += k || T) starts.push(a);
  starts.forEach((a, ci) => {
    const b = Math.min(T, a + (k || T));
    const xs = sliceTime(x, a, b);
    const opts = a === 0 ? { h0, c0: c0 ?? undefined } : { h0: boundary[ci].hN, c0: boundary[ci].cN ?? undefined };
    const f = net.forward(xs, opts);
    loss += dot(f.output.data, sliceTime(wY, a, b).data);
    if (b === T) {
      loss += dot(f.hN.data, wH.data);
      if (wC && f.cN) loss += dot(f.cN.data, wC.data);
    }
  });
  return loss;
}

function sliceTime(x: Tensor, a: number, b: number): Tensor {
  const [n, t, d] = x.shape;
  const out = new Float64Array(n * (b - a) * d);
  for (let i = 0; i < n; i++) out.set(x.data.subarray((i * t + a) * d, (i * t + b) * d), i * (b - a) * d);
  return { shape: [n, b - a, d], data: out };
}

describe("gradient checks (Float64 central differences)", () => {
  for (const c of CASES) {
    for (const L of [1, 2]) {
      for (const k of [0, 3]) {
        it(`${c.name}, ${L} layer(s), ${k ? `truncated k=${k}` : "full BPTT"}: worst relative error < 1e-6`, () => {
          const rng = new Rng(1000 + L * 10 + k);
          const net = new RecurrentNet({ ...c.config, inputSize: D, hiddenSize: H, numLayers: L, dtype: "float64" }, rng);
          // Non-zero biases everywhere, so no bias gradient is trivially exercised.
          for (const p of Object.values(net.params)) for (let i = 0; i < p.data.length; i++) p.data[i] = rng.range(-0.6, 0.6);
          const lstm = c.config.kind === "lstm";
          const x = randomTensor(rng, [N, T, D]);
          const h0 = randomTensor(rng, [L, N, H], 0.5);
          const c0 = lstm ? randomTensor(rng, [L, N, H], 0.5) : null;
          const wY = randomTensor(rng, [N, T, H]);
          const wH = randomTensor(rng, [L, N, H]);
          const wC = lstm ? randomTensor(rng, [L, N, H]) : null;

          // States at each chunk start, from the unperturbed run: constants of the truncated graph.
          const boundary: ForwardResult[] = [];
          for (let a = 0; a < T; a += k || T) boundary.push(net.forward(sliceTime(x, 0, a), { h0, c0: c0 ?? undefined }));
          const loss = () => chunkedLoss(net, x, h0, c0, k, boundary, wY, wH, wC);

          const fwd = net.forward(x, { h0, c0: c0 ?? undefined });
          const bwd = net.backward(fwd, { dOutput: wY, dHn: wH, dCn: wC ?? undefined }, { truncate: k });

          const errors: Record<string, number> = {};
          for (const [name, p] of Object.entries(net.params)) errors[name] = scaledError(bwd.grads[name].data, numericGrad(loss, p.data));
          errors.x = scaledError(bwd.dX.data, numericGrad(loss, x.data));
          errors.h0 = scaledError(bwd.dH0.data, numericGrad(loss, h0.data));
          if (c0 && bwd.dC0) errors.c0 = scaledError(bwd.dC0.data, numericGrad(loss, c0.data));
          for (const [name, e] of Object.entries(errors)) expect(e, `${name}: relative error ${e}`).to.be.below(1e-6);
          // The check must be able to see a wrong gradient: a 1e-4 nudge is far above the bar.
          const g = bwd.grads.weight_hh_l0.data;
          g[0] += 1e-4 * Math.max(1, Math.abs(g[0]));
          expect(scaledError(g, numericGrad(loss, net.params.weight_hh_l0.data))).to.be.above(1e-6);
        });
      }
    }
  }
});
