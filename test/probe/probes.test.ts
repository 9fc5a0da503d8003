import { expect } from "chai";
import { gradientNorms, summarizeFlow, stepGains } from "../../src/probe/gradient-flow";
import { gateStats, stateNorms } from "../../src/probe/gates";
import { RecurrentNet } from "../../src/model/recurrent";
import { Rng } from "../../src/math/rng";
import { randomTensor } from "../helpers/numeric";

describe("probes", () => {
  it("gradient norms: Frobenius over batch and units per step, for the chosen layer", () => {
    // L=2, N=2, T=3, H=2: layer 1, step t holds values t+1 for sequence 0 and 2(t+1) for sequence 1.
    const data = new Float64Array(2 * 2 * 3 * 2);
    for (let n = 0; n < 2; n++)
      for (let t = 0; t < 3; t++) for (let j = 0; j < 2; j++) data[((1 * 2 + n) * 3 + t) * 2 + j] = (n + 1) * (t + 1);
    const norms = gradientNorms({ shape: [2, 2, 3, 2], data });
    norms.forEach((v, t) => expect(v).to.be.closeTo(Math.sqrt(2 * (t + 1) ** 2 + 2 * (2 * (t + 1)) ** 2), 1e-12));
    expect(gradientNorms({ shape: [2, 2, 3, 2], data }, 0)).to.deep.equal([0, 0, 0]);
  });

  it("decay rate, first/last ratio and step gains of an exactly geometric profile", () => {
    const T = 40;
    // vanishing backwards: 0.1 decade per step
    const norms = Array.from({ length: T }, (_, t) => 10 ** (-0.1 * (T - 1 - t)));
    const s = summarizeFlow(norms);
    expect(s.decadesPerStep).to.be.closeTo(-0.1, 1e-12);
    expect(Math.log10(s.firstOverLast)).to.be.closeTo(-3.9, 1e-12);
    expect(s.decadesSpanned).to.be.closeTo(3.9, 1e-12);
    for (const g of stepGains(norms)) expect(g).to.be.closeTo(10 ** -0.1, 1e-12);
    // Zeros (underflow) are left out of the fit instead of poisoning it.
    expect(summarizeFlow([0, 0, ...norms.slice(2)]).decadesPerStep).to.be.closeTo(-0.1, 1e-12);
  });

  it("gate statistics and state norms agree with direct computation", () => {
    const rng = new Rng(2);
    const net = new RecurrentNet({ kind: "lstm", inputSize: 2, hiddenSize: 3, dtype: "float64" }, rng);
    const trace = net.forward(randomTensor(rng, [4, 5, 2], 3)).trace;
    const f = trace.get("f");
    const s = gateStats(trace, "f");
    for (let t = 0; t < 5; t++) {
      const vals: number[] = [];
      for (let n = 0; n < 4; n++) for (let j = 0; j < 3; j++) vals.push(f.data[(n * 5 + t) * 3 + j]);
      const mean = vals.reduce((a, b) => a + b, 0) / vals.length;
      expect(s.mean[t]).to.be.closeTo(mean, 1e-12);
      expect(s.std[t]).to.be.closeTo(Math.sqrt(vals.reduce((a, b) => a + (b - mean) ** 2, 0) / vals.length), 1e-9);
      expect(s.fractionLow[t]).to.equal(vals.filter((v) => v < 0.1).length / vals.length);
      expect(s.fractionHigh[t]).to.equal(vals.filter((v) => v > 0.9).length / vals.length);
    }
    const h = trace.get("h");
    const norms = stateNorms(trace, "h");
    for (let t = 0; t < 5; t++) {
      let total = 0;
      for (let n = 0; n < 4; n++)
        total += Math.hypot(...Array.from(h.data.subarray((n * 5 + t) * 3, (n * 5 + t + 1) * 3)));
      expect(norms[t]).to.be.closeTo(total / 4, 1e-12);
    }
  });
});
