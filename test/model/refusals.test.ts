/**
 * Every refusal of the model layer, in-process and word for word: configs, the readout, the
 * losses, forward/backward options, state dicts and gradcheck's own options. The engine's
 * mutation run found these messages (and a few of the conditions behind them) unpinned.
 */
import { expect } from "chai";
import { GatescopeError } from "../../src/errors";
import { Rng } from "../../src/math/rng";
import type { Tensor } from "../../src/math/tensor";
import { gradcheck } from "../../src/model/gradcheck";
import { mse, softmaxCrossEntropy } from "../../src/model/losses";
import { lastStep, Linear } from "../../src/model/readout";
import { checkParams, RecurrentNet } from "../../src/model/recurrent";
import { SequenceModel } from "../../src/model/sequence-model";
import { leakyRnnDescription } from "../helpers/user-cell";

const f64 = (shape: number[], values: number[] = []): Tensor => {
  const data = new Float64Array(shape.reduce((a, b) => a * b, 1));
  data.set(values);
  return { shape, data };
};
const refuses = (f: () => unknown, message: string) =>
  expect(f).to.throw(GatescopeError, message).with.property("message", message);

describe("model refusals, word for word", () => {
  it("configs: an init that is neither preset nor spec, a size the cell cannot take, weights over 2 GiB", () => {
    refuses(
      () => new RecurrentNet({ kind: "lstm", inputSize: 2, hiddenSize: 3, init: 42 as never }, new Rng(1)),
      "config.init: expected a preset name or {weight_ih, weight_hh, bias}, got 42",
    );
    refuses(
      () => new RecurrentNet({ kind: "urnn", inputSize: 2, hiddenSize: 3 }, new Rng(1)),
      "config.hiddenSize: expected an even number (H/2 complex units, stored as [Re | Im]), got 3",
    );
    // Refused from the sizes alone: 30000² float32 weights would be 3.4 GiB, and nothing is allocated.
    refuses(
      () => new RecurrentNet({ kind: "rnn_tanh", inputSize: 1, hiddenSize: 30000 }, new Rng(1)),
      "config: expected weights of at most 2 GiB each, got inputSize 1, hiddenSize 30000: " +
        "a 30000×30000 float32 weight_ih of 3.4 GiB",
    );
    expect(new RecurrentNet({ kind: "rnn_tanh", inputSize: 2, hiddenSize: 3 }, new Rng(1)).numParams).to.equal(
      3 * 2 + 3 * 3 + 3 + 3,
    );
  });

  it("the readout: a Linear input of the wrong width, a last step of no sequence", () => {
    const lin = new Linear({ inputSize: 3, outputSize: 2, dtype: "float32" }, new Rng(1));
    refuses(
      () => lin.forward({ shape: [2, 4], data: new Float32Array(8) }),
      'Linear input: expected a last axis of size 3, got "shape [2, 4]"',
    );
    for (const shape of [
      [2, 3],
      [2, 0, 3],
    ])
      refuses(
        () => lastStep(f64(shape)),
        `lastStep: expected an N×T×H tensor with T ≥ 1, got "shape [${shape.join(", ")}]"`,
      );
  });

  it("softmax cross-entropy: logits without classes, targets of the wrong count or range, bad masks", () => {
    for (const shape of [[3], [2, 0]])
      refuses(
        () => softmaxCrossEntropy(f64(shape), [0, 0]),
        `softmaxCrossEntropy logits: expected shape [..., C] with C ≥ 1 classes, got "shape [${shape.join(", ")}]"`,
      );
    expect(softmaxCrossEntropy(f64([2, 1], [3, -1]), [0, 0]).loss).to.equal(0); // one class: always right
    refuses(
      () => softmaxCrossEntropy(f64([2, 3]), [0]),
      "softmaxCrossEntropy targets: expected 2 class indices (one per position of [2]), got an array of length 1",
    );
    for (const [p, c] of [
      [1, 3],
      [0, -1],
      [1, 1.5],
    ]) {
      const targets = [0, 0];
      targets[p] = c;
      refuses(
        () => softmaxCrossEntropy(f64([2, 3]), targets),
        `softmaxCrossEntropy target at position ${p}: expected an integer class in [0, 2], got ${c}`,
      );
    }
    refuses(
      () => softmaxCrossEntropy(f64([2, 3]), [0, 1], [2, 1]),
      "softmaxCrossEntropy mask: expected 0 or 1, got 2 at flat index 0",
    );
    refuses(
      () => softmaxCrossEntropy(f64([2, 3]), [0, 1], [0, 0]),
      "softmaxCrossEntropy: expected at least one position with a target, got none (empty input or all-zero mask)",
    );
    // A masked-out position is not read at all, so its target may be anything.
    expect(softmaxCrossEntropy(f64([2, 3]), [0, 9], [1, 0]).loss).to.equal(Math.log(3));
  });

  it("a null mask is no mask", () => {
    const y = f64([2, 1], [1, 2]);
    expect(mse(f64([2, 1]), y, null)).to.deep.equal(mse(f64([2, 1]), y));
    expect(softmaxCrossEntropy(f64([2, 3], [1]), [0, 2], null)).to.deep.equal(
      softmaxCrossEntropy(f64([2, 3], [1]), [0, 2]),
    );
  });

  it("forward and backward: no c0 or dCn for a cell without a cell state; c0 of the wrong shape", () => {
    const gru = new RecurrentNet({ kind: "gru", inputSize: 1, hiddenSize: 2 }, new Rng(1));
    const x = { shape: [1, 2, 1], data: new Float32Array(2) };
    refuses(
      () => gru.forward(x, { c0: [[[0, 0]]] }),
      'forward c0: expected no c0 for kind "gru", got an array of length 1',
    );
    refuses(
      () => gru.backward(gru.forward(x), { dOutput: { shape: [1, 2, 2], data: new Float32Array(4) }, dCn: [[[0, 0]]] }),
      'backward dCn: expected no dCn for kind "gru", got an array of length 1',
    );
    const lstm = new RecurrentNet({ kind: "lstm", inputSize: 1, hiddenSize: 2 }, new Rng(1));
    refuses(() => lstm.forward(x, { c0: [[0, 0]] }), "forward c0 (L×N×H): expected shape [1, 1, 2], got [1, 2]");
  });

  it("state dicts: not an object; missing and unexpected names listed", () => {
    const { config } = new RecurrentNet({ kind: "gru", inputSize: 1, hiddenSize: 2 }, new Rng(1));
    refuses(() => checkParams(config, null as never), "parameters: expected an object of named tensors, got null");
    refuses(
      () => checkParams(config, { weight_ih_l0: 1, extra: 2 }),
      "parameters for gru with 1 layer(s): expected exactly [weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0]; " +
        "missing [weight_hh_l0, bias_ih_l0, bias_hh_l0]; unexpected [extra]",
    );
    const whole = new RecurrentNet(config, new Rng(1)).params;
    const { bias_hh_l0: _dropped, ...short } = whole;
    const expected =
      "parameters for gru with 1 layer(s): expected exactly [weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0]";
    refuses(() => checkParams(config, short), `${expected}; missing [bias_hh_l0]`);
    refuses(() => checkParams(config, { ...whole, extra: 1 }), `${expected}; unexpected [extra]`);
  });

  it("a sequence model's parameters, replaced at once by name, or not at all", () => {
    const rnn = { kind: "gru" as const, inputSize: 1, hiddenSize: 2 };
    const config = { rnn, outputSize: 3, readout: "last" as const };
    const [a, b] = [new SequenceModel(config, new Rng(1)), new SequenceModel(config, new Rng(2))];
    const snapshot = () => Object.fromEntries(Object.entries(a.params()).map(([k, t]) => [k, Array.from(t.data)]));
    const before = snapshot();
    const { "head.bias": _bias, ...noBias } = b.params();
    refuses(
      () => a.setParams({ ...noBias, "head.bias": f64([2]) }),
      "setParams head.bias (3): expected shape [3], got [2]",
    );
    refuses(
      () => a.setParams({ ...b.params(), extra: f64([1]) }),
      "parameters for gru with 1 layer(s): expected exactly [weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0]; " +
        "unexpected [extra]",
    );
    expect(snapshot(), "nothing changed").to.deep.equal(before);
    a.setParams(b.params());
    const want = Object.fromEntries(Object.entries(b.params()).map(([k, t]) => [k, Array.from(t.data)]));
    expect(snapshot()).to.deep.equal(want);
  });

  it("backward takes only this network's own forward result", () => {
    const config = { kind: "gru" as const, inputSize: 1, hiddenSize: 2 };
    const [a, b] = [new RecurrentNet(config, new Rng(1)), new RecurrentNet(config, new Rng(1))];
    const x = { shape: [1, 2, 1], data: new Float32Array(2) };
    const dOutput = { shape: [1, 2, 2], data: new Float32Array(4) };
    const message = "backward: expected the result of this network's forward(), got something else";
    refuses(() => a.backward(b.forward(x), { dOutput }), message);
    const deeper = new RecurrentNet({ ...config, numLayers: 2 }, new Rng(1));
    refuses(() => a.backward(deeper.forward(x), { dOutput }), message);
    expect(a.backward(a.forward(x), { dOutput }).dX.shape).to.deep.equal([1, 2, 1]);
  });

  it("a sequence model reads out every step when asked to, in prediction and in its loss", () => {
    const m = new SequenceModel(
      { rnn: { kind: "lstm", inputSize: 1, hiddenSize: 2 }, outputSize: 3, readout: "every" },
      new Rng(1),
    );
    const x = { shape: [2, 4, 1], data: Float32Array.from({ length: 8 }, (_, i) => i / 8) };
    const prediction = m.tryPredict(x).prediction!;
    expect(prediction.shape).to.deep.equal([2, 4, 3]);
    const classes = Int32Array.from({ length: 8 }, (_, i) => i % 3);
    expect(m.lossAndGrads(x, { y: null, classes, mask: null }, "ce").loss).to.equal(
      softmaxCrossEntropy(prediction, classes).loss,
    );
    const mask = Float64Array.from({ length: 8 }, (_, i) => i % 2);
    expect(m.lossAndGrads(x, { y: null, classes, mask }, "ce").loss).to.equal(
      softmaxCrossEntropy(prediction, classes, mask).loss,
    );
  });

  it("a loss that overflows gives no gradients and says what it was", () => {
    const m = new SequenceModel(
      { rnn: { kind: "gru", inputSize: 1, hiddenSize: 2, dtype: "float64" }, outputSize: 1, readout: "last" },
      new Rng(1),
    );
    const r = m.lossAndGrads(f64([1, 3, 1]), { y: f64([1, 1], [1e200]), classes: null, mask: null }, "mse");
    expect([r.loss, r.grads, r.nonFinite]).to.deep.equal([Infinity, null, "the loss is Infinity"]);
  });
});

describe("gradcheck's own inputs", () => {
  const tiny = { N: 1, T: 3, D: 1, H: 2 };

  it("refuses a mistyped option, a non-positive size, an empty plan and a null cell", () => {
    refuses(
      () => gradcheck("gru", { tolerence: 1 } as never),
      "gradcheck options: expected only [layers, truncate, N, T, D, H, seed, tolerance], " +
        'got unknown option "tolerence" (did you mean "tolerance"?)',
    );
    for (const k of ["N", "T", "D", "H"])
      refuses(() => gradcheck("gru", { [k]: 0 }), `gradcheck ${k}: expected a positive integer, got 0`);
    refuses(() => gradcheck("gru", { layers: [] }), "gradcheck gru: expected at least one case, got none");
    expect(() => gradcheck(null as never)).to.throw(GatescopeError, /^config\.kind: expected one of/);
  });

  it("takes a kind by name or as a config, and says which truncations a cell cannot be checked at", () => {
    expect(gradcheck("gru", { ...tiny, layers: [1], truncate: [0] }).pass).to.equal(true);
    const fgr = gradcheck({ kind: "lstm", variant: "FGR" }, { ...tiny, layers: [1], truncate: [0, 3] });
    expect([fgr.pass, fgr.cases.length, fgr.skipped]).to.deep.equal([
      true,
      1,
      ["1 layer(s), truncate 3: the cell carries state forward() cannot restart"],
    ]);
  });

  it("reports each parameter once across layers, however many layers (here 11)", () => {
    const r = gradcheck("rnn_tanh", { N: 1, T: 2, D: 1, H: 1, layers: [11], truncate: [0] });
    expect(Object.keys(r.worstByParam)).to.deep.equal(["weight_ih", "weight_hh", "bias_ih", "bias_hh", "x", "h0"]);
  });

  it("draws every parameter afresh, so a bug hidden by the initial values is still found", () => {
    // This cell's backward uses α where 1 − α belongs: the same number at its initial α = 0.5.
    const r = gradcheck(leakyRnnDescription("leaky_swapped", "α for 1 − α"), { layers: [1], truncate: [0] });
    expect(r.pass).to.equal(false);
    expect(r.worstByParam.h0).to.be.above(1e-3);
  });
});
