/**
 * Where a forward pass overflows: the sequence, the step and the unit.
 */
import { expect } from "chai";
import { Rng } from "../../src/math/rng";
import { SequenceModel } from "../../src/model/sequence-model";

describe("where a forward pass overflows", () => {
  it("names the sequence, the step and the unit of the first non-finite state", () => {
    const model = new SequenceModel(
      { rnn: { kind: "rnn_relu", inputSize: 1, hiddenSize: 5 }, outputSize: 1, readout: "last" },
      new Rng(1),
    );
    model.rnn.params.weight_ih_l0.data[3] = 1e30; // unit 3 alone sees the input at full strength
    const T = 4;
    const x = { shape: [2, T, 1], data: new Float32Array(2 * T) };
    x.data[1 * T + 2] = 1e30; // sequence 1, step 2: 1e60 overflows float32 in unit 3 only
    const r = model.tryPredict(x);
    expect(r.prediction).to.equal(null);
    expect(r.nonFinite).to.equal(
      "the forward pass overflowed: h[n=1, t=2, unit 3] = Infinity (the weights have grown too large)",
    );
    expect(model.tryPredict({ shape: [2, T, 1], data: new Float32Array(2 * T) }).nonFinite).to.equal(null);
  });
});
