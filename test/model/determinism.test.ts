import { expect } from "chai";
import { RecurrentNet } from "../../src/model/recurrent";
import { Rng } from "../../src/math/rng";
import { randomTensor } from "../helpers/numeric";
import type { Kind } from "../../src/model/config";
import { SequenceModel } from "../../src/model/sequence-model";
import { kernelsByName } from "../../src/backend";

function run(kind: Kind, seed: number) {
  const rng = new Rng(seed);
  const net = new RecurrentNet({ kind, inputSize: 3, hiddenSize: 8, numLayers: 2, init: "keras" }, rng);
  const x = randomTensor(rng, [4, 12, 3], 1, "float32");
  const fwd = net.forward(x);
  const bwd = net.backward(fwd, { dOutput: randomTensor(rng, [4, 12, 8], 1, "float32") });
  const arrays = [fwd.output.data, fwd.hN.data, ...Object.values(bwd.grads).map((g) => g.data), bwd.dX.data];
  return arrays.map((a) => Buffer.from(a.buffer).toString("hex"));
}

describe("determinism", () => {
  for (const kind of ["rnn_tanh", "lstm", "gru"] as Kind[]) {
    it(`${kind}: same seed and config give bit-identical outputs and gradients; another seed differs`, () => {
      const a = run(kind, 123), b = run(kind, 123), c = run(kind, 124);
      expect(a).to.deep.equal(b);
      a.forEach((hex, i) => expect(hex, `array ${i}`).to.not.equal(c[i]));
    });
  }

  it("forward and backward do not change the network: repeated calls agree bit for bit", () => {
    const rng = new Rng(1);
    const net = new RecurrentNet({ kind: "lstm", inputSize: 2, hiddenSize: 4 }, rng);
    const x = randomTensor(rng, [2, 5, 2], 1, "float32");
    const dy = randomTensor(rng, [2, 5, 4], 1, "float32");
    const g1 = net.backward(net.forward(x), { dOutput: dy }).grads.weight_hh_l0.data.slice();
    const g2 = net.backward(net.forward(x), { dOutput: dy }).grads.weight_hh_l0.data;
    expect(Array.from(g2)).to.deep.equal(Array.from(g1));
  });
});

describe("the readout's kernels", () => {
  const make = (readoutKernels?: "reference" | "backend", K = kernelsByName("native")) =>
    new SequenceModel(
      { rnn: { kind: "lstm", inputSize: 3, hiddenSize: 32 }, outputSize: 40, readout: "every", readoutKernels },
      new Rng(4),
      K,
    );
  const x = randomTensor(new Rng(5), [6, 9, 3], 1, "float32");
  const hex = (m: SequenceModel) => Buffer.from(m.predict(x).data.buffer).toString("hex");

  it("are the reference kernels unless the model says 'backend', and then the stack's, which round otherwise", () => {
    expect(hex(make())).to.equal(hex(make("reference")));
    expect(make().config).to.not.have.property("readoutKernels"); // run specs made before it stay as they were
    expect(make("backend").config.readoutKernels).to.equal("backend");
    const ref = make("reference").predict(x).data;
    const fast = make("backend").predict(x).data;
    expect(hex(make("backend"))).to.not.equal(hex(make()));
    ref.forEach((v, i) => expect(fast[i]).to.be.closeTo(v, 1e-5));
    expect(hex(make("backend", kernelsByName("js")))).to.equal(hex(make("reference", kernelsByName("js"))));
    expect(() => make("fast" as "backend")).to.throw(
      'model readoutKernels: expected "reference" or "backend", got "fast"',
    );
  });
});
