/**
 * Where a cell's rule has an edge the smooth checks do not reach: relu's derivative at exactly 0
 * (PyTorch's convention, 0), IndRNN's tanh activation, IndRNN's recurrent weights as drawn.
 */
import { expect } from "chai";
import { kernelsByName } from "../../src/backend";
import { jsKernels } from "../../src/backend/js";
import { Rng } from "../../src/math/rng";
import { gradcheck } from "../../src/model/gradcheck";
import { RecurrentNet } from "../../src/model/recurrent";
import { randomTensor } from "../helpers/numeric";

const zeroInit = {
  weight_ih: { kind: "constant" as const, value: 0 },
  weight_hh: { kind: "constant" as const, value: 0 },
  bias: { kind: "constant" as const, value: 0 },
};

describe("cell edge cases", () => {
  for (const kind of ["rnn_relu", "indrnn"] as const) {
    for (const [backend, K] of [
      ["js", jsKernels],
      ["wasm", kernelsByName("wasm")],
    ] as const) {
      it(`${kind} (${backend}): a pre-activation of exactly 0 passes no gradient, as PyTorch's relu`, () => {
        // Zero weights and biases and h0 = 0: every pre-activation is exactly 0.
        const net = new RecurrentNet(
          { kind, inputSize: 2, hiddenSize: 8, dtype: backend === "js" ? "float64" : "float32", init: zeroInit },
          new Rng(1),
          K,
        );
        const x = randomTensor(new Rng(2), [4, 5, 2]);
        const fwd = net.forward(x);
        expect([...fwd.trace.get("a").data].every((v) => v === 0)).to.equal(true);
        const bwd = net.backward(fwd, { dOutput: randomTensor(new Rng(3), [4, 5, 8]) });
        for (const [name, g] of Object.entries(bwd.grads))
          expect(
            [...g.data].every((v) => v === 0),
            name,
          ).to.equal(true);
        expect(
          [...bwd.dX.data].every((v) => v === 0),
          "dX",
        ).to.equal(true);
      });
    }
  }

  it("indrnn with a tanh activation passes the Float64 finite-difference check", () => {
    const r = gradcheck({ kind: "indrnn", activation: "tanh" });
    expect(r.pass, JSON.stringify(r.worstByParam)).to.equal(true);
    expect(Object.keys(r.worstByParam)).to.include("weight_hh");
  });

  it("indrnn draws its recurrent weights u from U[0, 1), one per unit", () => {
    const u = new RecurrentNet({ kind: "indrnn", inputSize: 2, hiddenSize: 64 }, new Rng(5)).params.weight_hh_l0;
    expect(u.shape).to.deep.equal([64]);
    expect(Math.min(...u.data)).to.be.at.least(0);
    expect(Math.max(...u.data)).to.be.below(1);
    expect(new Set(u.data).size, "drawn, not filled").to.equal(64);
    const mean = [...u.data].reduce((a, b) => a + b, 0) / 64;
    expect(mean).to.be.within(0.35, 0.65);
  });
});
