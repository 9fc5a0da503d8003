/**
 * Optimizer configs: each bound, open or closed, where PyTorch puts it; state buffers named by
 * PyTorch's slot and parameter.
 */
import { expect } from "chai";
import { checkOptimizerConfig, Optimizer } from "../../src/optim/optimizer";

describe("optimizer checks", () => {
  it("optimizer ranges: each bound, open or closed, is where PyTorch puts it", () => {
    const bad = (c: object) => () => checkOptimizerConfig({ kind: "sgd", lr: 0.1, ...c });
    expect(() => checkOptimizerConfig(null)).to.throw(
      /optimizer: expected \{kind: sgd\|rmsprop\|rmsprop-arjovsky\|adam, lr, \.\.\.\}/,
    );
    expect(bad({ momentum: -0.1 })).to.throw(/optimizer.momentum: expected a number in \[0, 1\), got -0.1/);
    expect(bad({ momentum: 1 })).to.throw(/optimizer.momentum: expected a number in \[0, 1\)/);
    expect(bad({ momentum: 0 })).not.to.throw();
    expect(bad({ dampening: 1 })).not.to.throw(); // closed at 1
    expect(bad({ dampening: 1.5 })).to.throw(/optimizer.dampening: expected a number in \[0, 1\]/);
    expect(bad({ weightDecay: -1 })).to.throw(/optimizer.weightDecay: expected a number in \[0, Infinity\]/);
    const rms = (c: object) => () => checkOptimizerConfig({ kind: "rmsprop", lr: 0.1, ...c });
    expect(rms({ alpha: 1 })).not.to.throw();
    expect(rms({ eps: 0 })).to.throw(/optimizer.eps: expected a positive number, got 0/);
    expect(rms({ eps: 1e-30 })).not.to.throw();
    const theirs = (c: object) => () => checkOptimizerConfig({ kind: "rmsprop-arjovsky", lr: 1e-3, ...c });
    expect(theirs({ cacheInit: 0 })).to.throw(/optimizer.cacheInit: expected a positive number, got 0/);
    expect(theirs({ eps: 1e-8 })).to.throw(/optimizer \(rmsprop-arjovsky\)/); // their update has no ε
    expect(bad({ nesterov: true, momentum: 0.9, dampening: 0.1 })).to.throw(
      "optimizer: expected momentum > 0 and dampening 0 with nesterov (as PyTorch), got momentum 0.9, dampening 0.1",
    );
    expect(bad({ nesterov: true })).to.throw(/got momentum 0, dampening 0$/);
    expect(bad({ nesterov: true, momentum: 0.9 })).not.to.throw();
  });

  it("optimizer state names each buffer by its PyTorch slot and parameter", () => {
    const params = { w: { shape: [2], data: new Float64Array([1, 2]) } };
    const grads = { w: { shape: [2], data: new Float64Array([0.5, -0.5]) } };
    const keys = (c: object) => {
      const o = new Optimizer({ lr: 0.1, ...c } as never, params);
      o.step(grads, 0.1);
      return Object.keys(o.state().buffers).sort();
    };
    expect(keys({ kind: "sgd", momentum: 0.9 })).to.deep.equal(["momentum:w"]);
    expect(keys({ kind: "rmsprop", centered: true, momentum: 0.5 })).to.deep.equal([
      "grad_avg:w",
      "momentum:w",
      "square_avg:w",
    ]);
  });
});
