/** Bad input fails before any state changes, with a message naming what was expected and what came. */
import { expect } from "chai";
import { RecurrentNet } from "../../src/model/recurrent";
import { Rng } from "../../src/math/rng";
import { GatescopeError } from "../../src/errors";
import { randomTensor } from "../helpers/numeric";

describe("bad input", () => {
  const rng = new Rng(1);
  const lstm = new RecurrentNet({ kind: "lstm", inputSize: 3, hiddenSize: 4, numLayers: 2, dtype: "float64" }, rng);
  const gru = new RecurrentNet({ kind: "gru", inputSize: 3, hiddenSize: 4 }, rng);

  it("config: unknown kind, unknown option, bad sizes, options for the wrong kind", () => {
    const bad: Array<[unknown, RegExp]> = [
      [
        { kind: "transformer", inputSize: 1, hiddenSize: 1 },
        new RegExp(
          'config.kind: expected one of "rnn_tanh", "rnn_relu", "lstm", "gru", "mgu", "indrnn", "urnn", ' +
            'got "transformer"',
        ),
      ],
      [{ kind: "lstm", inputSize: 1, hiddenSize: 1, hiden: 3 }, /unknown option "hiden"/],
      [{ kind: "lstm", inputSize: 0, hiddenSize: 1 }, /config.inputSize: expected a positive integer, got 0/],
      [{ kind: "lstm", inputSize: 2, hiddenSize: 2.5 }, /config.hiddenSize: expected a positive integer, got 2.5/],
      [{ kind: "lstm", inputSize: 2, hiddenSize: 2, numLayers: -1 }, /config.numLayers/],
      [
        { kind: "lstm", inputSize: 2, hiddenSize: 2, dtype: "float16" },
        /config.dtype: expected "float32" or "float64", got "float16"/,
      ],
      [
        { kind: "rnn_tanh", inputSize: 2, hiddenSize: 2, gruVariant: "reset_before" },
        /no gruVariant for kind "rnn_tanh"/,
      ],
      [
        { kind: "gru", inputSize: 2, hiddenSize: 2, gruVariant: "reset_middle" },
        /config.gruVariant: expected "reset_after" or "reset_before"/,
      ],
      [{ kind: "gru", inputSize: 2, hiddenSize: 2, forgetBias: 1 }, /no forgetBias for kind "gru"/],
      [
        { kind: "lstm", inputSize: 2, hiddenSize: 2, init: "he" },
        /config.init: expected one of "pytorch", "keras", "irnn"/,
      ],
      [null, /config: expected an object, got null/],
    ];
    for (const [config, re] of bad) expect(() => new RecurrentNet(config as never, rng)).to.throw(GatescopeError, re);
  });

  it("forward: wrong input shape, ragged arrays, NaN, wrong initial states", () => {
    expect(() => lstm.forward(randomTensor(rng, [2, 5, 4]))).to.throw(
      /forward input x \(N×T×D\): expected shape \[\*, \*, 3\], got \[2, 5, 4\]/,
    );
    expect(() => lstm.forward([[[1, 2, 3]], [[1, 2]]])).to.throw(/ragged/);
    const x = randomTensor(rng, [2, 5, 3]);
    x.data[7] = NaN;
    expect(() => lstm.forward(x)).to.throw(/expected finite numbers, got NaN at flat index 7/);
    const ok = randomTensor(rng, [2, 5, 3]);
    expect(() => lstm.forward(ok, { h0: randomTensor(rng, [1, 2, 4]) })).to.throw(
      /forward h0 \(L×N×H\): expected shape \[2, 2, 4\], got \[1, 2, 4\]/,
    );
    expect(() => gru.forward(ok, { c0: randomTensor(rng, [1, 2, 4]) })).to.throw(/no c0 for kind "gru"/);
    expect(() => lstm.forward("hello")).to.throw(/expected a tensor \{shape, data\}/);
  });

  it("backward: foreign forward result, wrong gradient shapes, bad truncation", () => {
    const x = randomTensor(rng, [2, 5, 3]);
    const fwd = lstm.forward(x);
    expect(() => gru.backward(fwd, {})).to.throw(/expected the result of this network's forward\(\)/);
    expect(() => lstm.backward(fwd, { dOutput: randomTensor(rng, [2, 4, 4]) })).to.throw(
      /expected shape \[2, 5, 4\] or \[2, 4\], got \[2, 4, 4\]/,
    );
    expect(() => lstm.backward(fwd, { dHn: randomTensor(rng, [2, 2, 3]) })).to.throw(
      /backward dHn \(L×N×H\): expected shape \[2, 2, 4\]/,
    );
    expect(() => lstm.backward(fwd, {}, { truncate: -2 })).to.throw(/truncate: expected a non-negative integer/);
  });

  it("setParams: a missing or misshaped tensor changes nothing", () => {
    const before = Array.from(lstm.params.weight_hh_l1.data);
    const good = Object.fromEntries(
      Object.entries(lstm.params).map(([k, t]) => [k, { shape: t.shape, data: t.data.map(() => 0.5) }]),
    );
    const { weight_ih_l1: _dropped, ...missing } = good;
    expect(() => lstm.setParams(missing)).to.throw(/missing \[weight_ih_l1\]/);
    expect(() => lstm.setParams({ ...good, weight_hh_l1: { shape: [16, 3], data: new Float64Array(48) } })).to.throw(
      /parameter weight_hh_l1 \[16, 4\]: expected shape \[16, 4\], got \[16, 3\]/,
    );
    expect(() => lstm.setParams({ ...good, extra: good.bias_hh_l0 })).to.throw(/unexpected \[extra\]/);
    expect(Array.from(lstm.params.weight_hh_l1.data)).to.deep.equal(before);
  });

  it("empty batches and empty sequences are valid", () => {
    const f = lstm.forward({ shape: [0, 4, 3], data: new Float64Array(0) });
    expect(f.output.shape).to.deep.equal([0, 4, 4]);
    const h0 = randomTensor(rng, [2, 2, 4]);
    const e = lstm.forward({ shape: [2, 0, 3], data: new Float64Array(0) }, { h0 });
    expect(Array.from(e.hN.data)).to.deep.equal(Array.from(h0.data));
    const b = lstm.backward(e, { dHn: h0 });
    expect(Array.from(b.dH0.data)).to.deep.equal(Array.from(h0.data));
  });
});
