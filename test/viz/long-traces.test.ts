/** Figures and summaries of long traces: no array is spread into a call (Math.max(...xs) overflows the stack). */
import { expect } from "chai";
import { Rng } from "../../src/math/rng";
import { RecurrentNet } from "../../src/model/recurrent";
import { summarizeFlow } from "../../src/probe/gradient-flow";
import { gateHeatmaps } from "../../src/viz/gates";

describe("figures of long traces", () => {
  it("a heatmap and a flow summary of 10⁶ values draw without spreading them into a call", () => {
    const rng = new Rng(0);
    const net = new RecurrentNet({ kind: "rnn_tanh", inputSize: 1, hiddenSize: 128, numLayers: 1 }, rng);
    const T = 8000; // 128 units × 8000 steps: 1 024 000 values of h
    const x = { shape: [1, T, 1], data: Float32Array.from({ length: T }, () => rng.uniform()) };
    const trace = net.forward(x).trace;
    const fig = gateHeatmaps(trace, { gates: ["h"] });
    expect((fig.data[0] as unknown as { z: number[][] }).z).to.have.length(128);
    const norms = Array.from({ length: 300_000 }, (_, t) => Math.exp(-t / 1e5));
    expect(summarizeFlow(norms).decadesSpanned).to.be.closeTo(299_999 / 1e5 / Math.LN10, 1e-9);
  });
});
