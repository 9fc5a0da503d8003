/**
 * Gate statistics: saturation fractions counted exactly.
 */
import { expect } from "chai";
import { jsKernels } from "../../src/backend/js";
import { Rng } from "../../src/math/rng";
import { RecurrentNet } from "../../src/model/recurrent";
import { gateStats, stateNorms } from "../../src/probe/gates";
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
