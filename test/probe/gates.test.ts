/**
 * Gate statistics: saturation fractions counted exactly.
 */
import { expect } from "chai";
import { jsKernels } from "../../src/backend/js";
import { Rng } from "../../src/math/rng";
import { RecurrentNet } from "../../src/model/recurrent";
import { gateStats, stateNorms, unitSaturation } from "../../src/probe/gates";
import { saturationScatter } from "../../src/viz/gates";
import { randomTensor } from "../helpers/numeric";

describe("gateStats", () => {
  it("saturation: the fraction of (sequence, unit) below 0.1 and above 0.9 at each step, counted exactly", () => {
    // Large weights saturate many gate activations, so both fractions are far from 0 and 1.
    const net = new RecurrentNet(
      { kind: "lstm", inputSize: 3, hiddenSize: 6, dtype: "float64", init: { weight_ih: { kind: "normal", std: 3 } } },
      new Rng(4),
      jsKernels,
    );
    const [N, T, H] = [5, 7, 6];
    const trace = net.forward(randomTensor(new Rng(5), [N, T, 3])).trace;
    const f = trace.get("f");
    const s = gateStats(trace, "f");
    for (let t = 0; t < T; t++) {
      let lo = 0,
        hi = 0;
      for (let n = 0; n < N; n++)
        for (let j = 0; j < H; j++) {
          const v = f.data[(n * T + t) * H + j];
          if (v < 0.1) lo++;
          if (v > 0.9) hi++;
        }
      expect(s.fractionLow[t], `t=${t} low`).to.equal(lo / (N * H));
      expect(s.fractionHigh[t], `t=${t} high`).to.equal(hi / (N * H));
    }
    expect(s.fractionLow).to.have.length(T);
    expect(s.fractionLow.some((v) => v > 0) && s.fractionHigh.some((v) => v > 0), "both ends reached").to.equal(true);
    expect(stateNorms(trace)).to.have.length(T);
  });
});

describe("unitSaturation and the saturation scatter (Karpathy et al. 2015)", () => {
  it("counts each unit's steps below 0.1 and above 0.9, over every sequence and t", () => {
    // Zero weights: every gate is σ(its bias) at every step. Biases per unit pick each gate's place.
    const H = 3;
    const config = { kind: "lstm" as const, inputSize: 2, hiddenSize: H, numLayers: 2, dtype: "float64" as const };
    const net = new RecurrentNet(config, new Rng(1));
    for (const p of Object.values(net.params)) p.data.fill(0);
    const bias = net.params.bias_ih_l1.data; // gate order i, f, g, o: blocks of H
    bias.set([-5, -5, 0], 0); // i: units 0 and 1 shut (σ(−5) = 0.0067), unit 2 at 0.5
    bias.set([5, 5, 5], H); // f: open (σ(5) = 0.9933): integrators
    const x = randomTensor(new Rng(2), [4, 7, 2]);
    const trace = net.forward(x).trace;
    const i = unitSaturation(trace, "i", 1);
    const f = unitSaturation(trace, "f", 1);
    expect(i).to.deep.equal({ left: [1, 1, 0], right: [0, 0, 0] });
    expect(f).to.deep.equal({ left: [0, 0, 0], right: [1, 1, 1] });
    expect(unitSaturation(trace, "o", 0)).to.deep.equal({ left: [0, 0, 0], right: [0, 0, 0] }); // σ(0) = 0.5
    const fig = saturationScatter(trace);
    // A panel per σ gate (i, f, o), a trace per layer in each; the points are the units' fractions.
    expect(fig.data).to.have.length(3 * 2);
    const fLayer2 = fig.data.find((t) => t.xaxis === "x2" && t.name === "layer 2")!;
    expect([fLayer2.x, fLayer2.y]).to.deep.equal([f.right, f.left]);
    expect(fig.layout.xaxis3).to.have.property("domain");
  });
});
