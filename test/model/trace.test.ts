/**
 * A trace and a model refuse bad requests, naming the valid choices.
 */
import { expect } from "chai";
import { GatescopeError } from "../../src/errors";
import { Rng } from "../../src/math/rng";
import { RecurrentNet } from "../../src/model/recurrent";
import { SequenceModel } from "../../src/model/sequence-model";
import { randomTensor } from "../helpers/numeric";

describe("trace and model: bad requests named", () => {
  const net = new RecurrentNet({ kind: "lstm", inputSize: 2, hiddenSize: 3, numLayers: 2 }, new Rng(1));
  const trace = net.forward(randomTensor(new Rng(2), [2, 4, 2])).trace;

  it("gate names are the cell's gates, not its states", () => {
    expect(trace.gateNames).to.deep.equal(["i", "f", "g", "o"]);
    expect(
      new RecurrentNet({ kind: "rnn_tanh", inputSize: 1, hiddenSize: 2 }, new Rng(1)).forward(
        randomTensor(new Rng(2), [1, 2, 1]),
      ).trace.gateNames,
    ).to.deep.equal([]);
  });

  it("an unknown slot or a layer out of range is refused with the valid choices", () => {
    expect(() => trace.get("z")).to.throw(GatescopeError, /^trace: expected one of \[i, f, g, o, c, h\], got "z"$/);
    for (const layer of [-1, 2, 0.5]) {
      expect(() => trace.get("h", layer)).to.throw(
        GatescopeError,
        new RegExp(`^trace layer: expected an integer in \\[0, 1\\], got ${layer}$`),
      );
    }
    expect(trace.get("h", 1).shape).to.deep.equal([2, 4, 3]);
  });

  it("a readout other than last or every is refused", () => {
    expect(
      () =>
        new SequenceModel(
          { rnn: { kind: "lstm", inputSize: 1, hiddenSize: 2 }, outputSize: 1, readout: "first" as never },
          new Rng(1),
        ),
    ).to.throw(/^model readout: expected "last" or "every", got "first"$/);
  });
});
