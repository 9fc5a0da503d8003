/**
 * What the engine's mutation run found untested in model/ and train/: the training config's
 * refusals and defaults, a trace's bad requests, gradcheck's report text and description clash.
 */
import { expect } from "chai";
import { lstm } from "../../src/cells/lstm";
import { GatescopeError } from "../../src/errors";
import { Rng } from "../../src/math/rng";
import { formatGradcheck, gradcheck } from "../../src/model/gradcheck";
import { RecurrentNet } from "../../src/model/recurrent";
import { SequenceModel } from "../../src/model/sequence-model";
import { checkTrainConfig, type TrainConfig } from "../../src/train/config";
import { leakyRnnDescription } from "../helpers/user-cell";
import { randomTensor } from "../helpers/numeric";

const ok: TrainConfig = { steps: 100, batchSize: 4, optimizer: { kind: "sgd", lr: 0.1 } };

describe("train config: refusals and defaults", () => {
  const refused: Array<[string, unknown, RegExp]> = [
    ["not an object", null, /^train config: expected an object, got null$/],
    [
      "trainSet null",
      { ...ok, trainSet: null },
      /^train config\.trainSet: expected an object with keys from \[size, seed\], got null$/,
    ],
    [
      "trainSet a number",
      { ...ok, trainSet: 5 },
      /^train config\.trainSet: expected an object with keys from \[size, seed\], got 5$/,
    ],
    [
      "trainSet.size 0",
      { ...ok, trainSet: { size: 0, seed: 1 } },
      /^train config\.trainSet\.size: expected a positive integer, got 0$/,
    ],
    [
      "trainSet.seed −1",
      { ...ok, trainSet: { size: 9, seed: -1 } },
      /^train config\.trainSet\.seed: expected a non-negative integer, got -1$/,
    ],
    [
      "trainSet.seed 1.5",
      { ...ok, trainSet: { size: 9, seed: 1.5 } },
      /trainSet\.seed: expected a non-negative integer, got 1\.5$/,
    ],
    [
      "validationSize 0",
      { ...ok, validationSize: 0 },
      /^train config\.validationSize: expected a positive integer, got 0$/,
    ],
    ["select", { ...ok, select: "first" }, /^train config\.select: expected "best" or "last", got "first"$/],
    [
      "gradFlowAt not an array",
      { ...ok, gradFlowAt: 3 },
      /^train config\.gradFlowAt: expected an array of step indices ≥ 0, got 3$/,
    ],
    [
      "gradFlowAt negative",
      { ...ok, gradFlowAt: [0, -1] },
      /^train config\.gradFlowAt: expected an array of step indices ≥ 0/,
    ],
    [
      "checkpoint without path",
      { ...ok, checkpoint: { every: 5 } },
      /^train config\.checkpoint\.path: expected a file path, got undefined$/,
    ],
    [
      "checkpoint.every 0",
      { ...ok, checkpoint: { path: "x", every: 0 } },
      /^train config\.checkpoint\.every: expected a positive integer/,
    ],
  ];
  for (const [what, c, message] of refused) {
    it(`refuses ${what}`, () => {
      expect(() => checkTrainConfig(c as TrainConfig)).to.throw(GatescopeError, message);
    });
  }

  it("defaults: evaluate every steps/20 (at least every step), no early stop, select the best", () => {
    expect(checkTrainConfig(ok).evalEvery).to.equal(5);
    expect(checkTrainConfig({ ...ok, steps: 10 }).evalEvery).to.equal(1);
    expect(checkTrainConfig({ ...ok, steps: 1000 }).evalEvery).to.equal(50);
    const d = checkTrainConfig(ok);
    expect([d.earlyStop, d.select, d.truncate, d.testSize, d.validationSize]).to.deep.equal([
      false,
      "best",
      0,
      1000,
      1000,
    ]);
    expect(checkTrainConfig({ ...ok, testSize: 200 }).validationSize).to.equal(200);
    expect(checkTrainConfig({ ...ok, trainSet: { size: 9, seed: 0 } }).trainSet).to.deep.equal({ size: 9, seed: 0 });
  });
});

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

describe("gradcheck: its report and its inputs", () => {
  it("the report names the config, marks a parameter over tolerance, and lists failed and skipped cases", () => {
    const text = formatGradcheck({
      kind: "lstm",
      config: { kind: "lstm", peepholes: true, forgetBias: 0 },
      tolerance: 1e-6,
      pass: false,
      // An error equal to the tolerance fails, as it does in the check itself.
      worstByParam: { weight_ih: 2e-9, alpha: 3e-3, h0: 1e-6 },
      cases: [
        { layers: 1, truncate: 0, pass: true, worst: { name: "weight_ih", error: 2e-9 } },
        { layers: 2, truncate: 3, pass: false, worst: { name: "alpha", error: 3e-3 } },
      ],
      skipped: ["2 layer(s), truncate 3: the cell carries state forward() cannot restart"],
    } as never);
    expect(text.split("\n")).to.deep.equal([
      "lstm {peepholes: true, forgetBias: 0}: FAIL (tolerance 0.000001)",
      "  weight_ih    2.00e-9",
      "  alpha        3.00e-3  ← over tolerance",
      "  h0           1.00e-6  ← over tolerance",
      "  failed: 2 layer(s), truncate 3: worst alpha 3.00e-3",
      "  not checked: 2 layer(s), truncate 3: the cell carries state forward() cannot restart",
    ]);
    expect(
      formatGradcheck({
        kind: "gru",
        config: { kind: "gru" },
        tolerance: 1e-6,
        pass: true,
        worstByParam: {},
        cases: [],
        skipped: [],
      } as never),
    ).to.equal("gru: PASS (tolerance 0.000001)");
  });

  it("a description whose kind is taken by another cell is refused; the registered one is checked by name", () => {
    expect(() => gradcheck({ ...leakyRnnDescription("lstm") })).to.throw(
      GatescopeError,
      /^gradcheck: expected a description not clashing with kind "lstm", got "lstm"$/,
    );
    expect(gradcheck(lstm, { layers: [1], truncate: [0] }).kind).to.equal("lstm");
  });
});
