/**
 * Every backward pass against central finite differences in Float64 (model/gradcheck.ts): every
 * parameter, the input and the initial states, for each registered kind and each variant, 1 and
 * 2 layers, full and truncated BPTT. And the check itself must be able to fail: a nudged gradient
 * and a cell registered with a broken backward are both caught, naming the parameter.
 */
import { expect } from "chai";
import { gradcheck, numericGrad, scaledError, type GradcheckReport } from "../../src/model/gradcheck";
import { cellKinds } from "../../src/cells";
import { LSTM_VARIANTS } from "../../src/cells/lstm";
import type { CellConfig } from "../../src/model/config";
import { RecurrentNet } from "../../src/model/recurrent";
import { FACTORS_MIN_H } from "../../src/cells/urnn";
import { Rng } from "../../src/math/rng";
import { randomTensor } from "../helpers/numeric";
import { brokenRnnDescription } from "../helpers/user-cell";

/** Every built-in kind with its default options, then every option that changes the equations. */
export const GRADCHECK_CONFIGS: CellConfig[] = [
  ...["rnn_tanh", "rnn_relu", "lstm", "gru", "mgu", "indrnn", "urnn"].map((kind) => ({ kind })),
  { kind: "gru", gruVariant: "reset_before" },
  ...LSTM_VARIANTS.filter((v) => v !== "full").map((variant) => ({ kind: "lstm", variant })),
  { kind: "lstm", peepholes: true },
  { kind: "lstm", peepholes: true, variant: "CIFG" },
  { kind: "lstm", peepholes: true, variant: "FGR" },
];

const describeCase = (c: CellConfig) => JSON.stringify(c).replace(/"/g, "");

describe("gradient checks (Float64 central differences)", () => {
  it("cover every built-in kind", () => {
    for (const kind of cellKinds()) expect(GRADCHECK_CONFIGS.map((c) => c.kind), kind).to.include(kind);
  });

  for (const config of GRADCHECK_CONFIGS) {
    it(`${describeCase(config)}: 1 and 2 layers, full and truncated: worst relative error < 1e-6`, function () {
      this.timeout(60000);
      const r: GradcheckReport = gradcheck(config);
      expect(r.cases.length).to.be.at.least(2);
      for (const c of r.cases) {
        for (const [name, e] of Object.entries(c.errors)) {
          expect(e, `${c.layers} layer(s), truncate ${c.truncate}, ${name}: relative error ${e}`).to.be.below(1e-6);
        }
      }
      expect(r.pass).to.equal(true);
      // Truncation is skipped only where the cell carries state forward() cannot restart (FGR's gates).
      if (r.skipped.length) expect(config).to.deep.include({ variant: "FGR" });
    });
  }

  it("uRNN with K = 3 complex units (the DFT as a sum; the default K = 2 takes the FFT)", () => {
    const r = gradcheck("urnn", { H: 6 });
    expect(r.pass, JSON.stringify(r.worstByParam)).to.equal(true);
  });

  it("uRNN at H = FACTORS_MIN_H, where each step multiplies by the factors row by row (1 layer: a second's "
    + "H×H input weights would be 1e6 differences)", () => {
    const r = gradcheck("urnn", { H: FACTORS_MIN_H, N: 2, T: 2, D: 1, layers: [1], truncate: [0] });
    expect(r.pass, JSON.stringify(r.worstByParam)).to.equal(true);
  });

  it("sees a wrong gradient: a 1e-4 nudge of one entry is far above the bar", () => {
    const rng = new Rng(7);
    const net = new RecurrentNet({ kind: "lstm", inputSize: 3, hiddenSize: 4, dtype: "float64" }, rng);
    const x = randomTensor(rng, [2, 5, 3]);
    const wY = randomTensor(rng, [2, 5, 4]);
    const loss = () => {
      const f = net.forward(x);
      let s = 0;
      for (let i = 0; i < wY.data.length; i++) s += f.output.data[i] * wY.data[i];
      return s;
    };
    const g = net.backward(net.forward(x), { dOutput: wY }).grads.weight_hh_l0.data;
    const numeric = numericGrad(loss, net.params.weight_hh_l0.data);
    expect(scaledError(g, numeric)).to.be.below(1e-6);
    g[0] += 1e-4 * Math.max(1, Math.abs(g[0]));
    expect(scaledError(g, numeric)).to.be.above(1e-6);
  });

  it("fails a cell registered with a broken backward, naming the parameter", () => {
    const r = gradcheck(brokenRnnDescription("broken_rnn_check"), { layers: [1], truncate: [0] });
    expect(r.pass).to.equal(false);
    expect(r.cases[0].worst.name).to.equal("alpha_l0");
    expect(r.worstByParam.alpha).to.be.above(0.5);
    expect(r.worstByParam.weight_hh).to.be.below(1e-6); // only the broken one is blamed
    expect(cellKinds()).to.not.include("broken_rnn_check"); // registered for the check only
  });
});
