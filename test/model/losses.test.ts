import { expect } from "chai";
import { mse, softmaxCrossEntropy } from "../../src/model/losses";
import { Linear, lastStep } from "../../src/model/readout";
import { RecurrentNet } from "../../src/model/recurrent";
import { Rng } from "../../src/math/rng";
import { numericGrad, randomTensor, scaledError } from "../helpers/numeric";

describe("readout and losses", () => {
  const rng = new Rng(5);

  it("mse with a mask: value and gradient (finite differences)", () => {
    const y = randomTensor(rng, [2, 4, 3]);
    const t = randomTensor(rng, [2, 4, 3]);
    const mask = [[0, 1, 0, 1], [1, 1, 0, 0]];
    const r = mse(y, t, mask);
    let sum = 0;
    for (const [n, s] of [[0, 1], [0, 3], [1, 0], [1, 1]])
      for (let o = 0; o < 3; o++) sum += (y.data[(n * 4 + s) * 3 + o] - t.data[(n * 4 + s) * 3 + o]) ** 2;
    expect(r.loss).to.be.closeTo(sum / 12, 1e-15);
    expect(r.count).to.equal(4);
    expect(scaledError(r.grad.data, numericGrad(() => mse(y, t, mask).loss, y.data))).to.be.below(1e-8);
    expect(r.grad.data[0]).to.equal(0); // a masked position gets no gradient
  });

  it("softmax cross-entropy with a mask: value and gradient", () => {
    const logits = randomTensor(rng, [3, 2, 5], 3);
    const targets = [[1, 4], [0, 2], [3, 3]];
    const mask = [[1, 0], [1, 1], [0, 1]];
    const r = softmaxCrossEntropy(logits, targets, mask);
    const nll = (p: number, c: number) => {
      const row = Array.from(logits.data.subarray(p * 5, p * 5 + 5));
      return Math.log(row.reduce((s, v) => s + Math.exp(v), 0)) - row[c];
    };
    expect(r.loss).to.be.closeTo((nll(0, 1) + nll(2, 0) + nll(3, 2) + nll(5, 3)) / 4, 1e-12);
    const numeric = numericGrad(() => softmaxCrossEntropy(logits, targets, mask).loss, logits.data);
    expect(scaledError(r.grad.data, numeric)).to.be.below(1e-8);
  });

  it("cross-entropy stays finite for huge logits", () => {
    const r = softmaxCrossEntropy({ shape: [1, 2], data: new Float64Array([1000, -1000]) }, [1]);
    expect(r.loss).to.be.closeTo(2000, 1e-9);
  });

  it("readout initialisations: PyTorch's U(±1/√H) for weight and bias, or Glorot weights and a zero bias", () => {
    const [H, O] = [64, 9];
    const ours = new Linear({ inputSize: H, outputSize: O, dtype: "float64" }, new Rng(3));
    const theirs = new Linear({ inputSize: H, outputSize: O, dtype: "float64", init: "glorot" }, new Rng(3));
    const extent = (a: Float64Array | Float32Array) => Math.max(...Array.from(a, Math.abs));
    const [pytorch, glorot] = [1 / Math.sqrt(H), Math.sqrt(6 / (H + O))];
    // 576 draws come within 1 % of the bound; the two bounds are 2.3× apart, so neither passes for the other.
    expect(extent(ours.params.weight.data)).to.be.within(0.99 * pytorch, pytorch);
    expect(extent(ours.params.bias.data)).to.be.within(0.5 * pytorch, pytorch);
    expect(extent(theirs.params.weight.data)).to.be.within(0.99 * glorot, glorot);
    expect(Array.from(theirs.params.bias.data)).to.deep.equal(new Array(O).fill(0));
    const again = new Linear({ inputSize: H, outputSize: O, dtype: "float64", init: "pytorch" }, new Rng(3));
    const weights = (l: Linear) => Array.from(l.params.weight.data);
    expect(weights(again), "the default is pytorch").to.deep.equal(weights(ours));
    expect(() => new Linear({ inputSize: H, outputSize: O, init: "xavier" as never }, new Rng(3))).to.throw(
      'Linear config.init: expected "pytorch" or "glorot", got "xavier"',
    );
  });

  it("Linear readout on every step and on the last step: gradients through the RNN (finite differences)", () => {
    const net = new RecurrentNet({ kind: "lstm", inputSize: 2, hiddenSize: 4, dtype: "float64" }, rng);
    const head = new Linear({ inputSize: 4, outputSize: 3, dtype: "float64" }, rng);
    const x = randomTensor(rng, [2, 5, 2]);
    const target = randomTensor(rng, [2, 3]);
    const loss = () => mse(head.forward(lastStep(net.forward(x).output)), target).loss;
    const fwd = net.forward(x);
    const last = lastStep(fwd.output);
    const l = mse(head.forward(last), target);
    const hb = head.backward(last, l.grad);
    const bwd = net.backward(fwd, { dOutput: hb.dInput });
    expect(scaledError(hb.grads.weight.data, numericGrad(loss, head.params.weight.data))).to.be.below(1e-7);
    expect(scaledError(hb.grads.bias.data, numericGrad(loss, head.params.bias.data))).to.be.below(1e-7);
    for (const [name, p] of Object.entries(net.params))
      expect(scaledError(bwd.grads[name].data, numericGrad(loss, p.data)), name).to.be.below(1e-7);

    const every = () => mse(head.forward(net.forward(x).output), randomTarget).loss;
    const randomTarget = randomTensor(new Rng(9), [2, 5, 3]);
    const y = head.forward(fwd.output);
    const le = mse(y, randomTarget);
    const hbe = head.backward(fwd.output, le.grad);
    const bwde = net.backward(fwd, { dOutput: hbe.dInput });
    const numeric = numericGrad(every, net.params.weight_hh_l0.data);
    expect(scaledError(bwde.grads.weight_hh_l0.data, numeric)).to.be.below(1e-7);
    expect(scaledError(bwde.dX.data, numericGrad(every, x.data))).to.be.below(1e-7);
  });

  it("an N×H dOutput means the last step only", () => {
    const net = new RecurrentNet({ kind: "gru", inputSize: 2, hiddenSize: 3, dtype: "float64" }, rng);
    const x = randomTensor(rng, [2, 4, 2]);
    const g = randomTensor(rng, [2, 3]);
    const full = new Float64Array(2 * 4 * 3);
    for (let n = 0; n < 2; n++) full.set(g.data.subarray(n * 3, n * 3 + 3), (n * 4 + 3) * 3);
    const fwd = net.forward(x);
    const a = net.backward(fwd, { dOutput: g });
    const b = net.backward(fwd, { dOutput: { shape: [2, 4, 3], data: full } });
    for (const name of Object.keys(a.grads))
      expect(Array.from(a.grads[name].data)).to.deep.equal(Array.from(b.grads[name].data));
  });

  it("bad loss input names what it expected", () => {
    const y = randomTensor(rng, [2, 3, 1]);
    expect(() => mse(y, randomTensor(rng, [2, 3, 2]))).to.throw(
      /mse target \[2, 3, 1\]: expected shape \[2, 3, 1\], got \[2, 3, 2\]/,
    );
    expect(() => mse(y, randomTensor(rng, [2, 3, 1]), [[0, 0, 0], [0, 0, 0]])).to.throw(/at least one position/);
    expect(() => mse(y, randomTensor(rng, [2, 3, 1]), [[0, 2, 0], [0, 0, 0]])).to.throw(/expected 0 or 1, got 2/);
    expect(() => softmaxCrossEntropy(randomTensor(rng, [2, 4]), [0, 4])).to.throw(/integer class in \[0, 3\], got 4/);
    expect(() => softmaxCrossEntropy(randomTensor(rng, [2, 4]), [0])).to.throw(/2 class indices/);
  });
});
