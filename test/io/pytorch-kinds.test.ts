/**
 * PyTorch interop names the kinds PyTorch has, and what a state dict lacks.
 */
import { expect } from "chai";
import { fromPyTorch, pytorchKinds } from "../../src/io/pytorch";

describe("fromPyTorch: kinds and missing tensors", () => {
  it("PyTorch interop names the kinds PyTorch has, and what a state dict lacks", () => {
    expect(pytorchKinds()).to.deep.equal(["rnn_tanh", "rnn_relu", "lstm", "gru"]);
    expect(() => fromPyTorch("mgu" as never, {})).to.throw(
      'fromPyTorch kind: expected one of "rnn_tanh", "rnn_relu", "lstm", "gru" (the kinds PyTorch has), got "mgu"',
    );
    expect(() => fromPyTorch("lstm", null as never)).to.throw(
      "fromPyTorch state dict: expected an object of named tensors, got null",
    );
    expect(() => fromPyTorch("lstm", [] as never)).to.throw(/expected an object of named tensors/);
    // Options beyond the state dict are the kind's own, whichever kind: a GRU's are not an LSTM's.
    expect(() => fromPyTorch("lstm", {}, { cellOptions: { gruVariant: "reset_before" } })).to.throw(
      'fromPyTorch cellOptions (of kind "lstm"): expected only [forgetBias, peepholes, variant], ' +
        'got unknown option "gruVariant"',
    );
    expect(() => fromPyTorch("lstm", {}, { gruVariant: "reset_before" } as never)).to.throw(
      /fromPyTorch options: expected only \[dtype, kernels, cellOptions\], got unknown option "gruVariant"/,
    );
    expect(() => fromPyTorch("lstm", { bias_ih_l0: [1] })).to.throw(
      'fromPyTorch lstm state dict: expected a tensor "weight_hh_l0", got keys [bias_ih_l0]',
    );
  });
});
