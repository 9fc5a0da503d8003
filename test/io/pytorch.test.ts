import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { fromPyTorch, loadPyTorchSafetensors, savePyTorchSafetensors, toPyTorch } from "../../src/io/pytorch";
import { RecurrentNet } from "../../src/model/recurrent";
import { Rng } from "../../src/math/rng";
import { toNested } from "../../src/math/tensor";
import { tmpDir } from "../helpers/tmp";
import { FIXTURES } from "../helpers/paths";


describe("PyTorch interop", () => {
  const dir = tmpDir("torch");

  it("infers kind sizes and layer count from a state dict", () => {
    const ref = JSON.parse(fs.readFileSync(path.join(FIXTURES, "lstm_l2_float64.json"), "utf8"));
    const net = fromPyTorch("lstm", ref.state_dict, { dtype: "float64" });
    expect(net.config).to.include({ kind: "lstm", inputSize: 4, hiddenSize: 5, numLayers: 2, dtype: "float64" });
    expect(toNested(toPyTorch(net).weight_hh_l1)).to.deep.equal(ref.state_dict.weight_hh_l1);
  });

  it("round-trips through safetensors files", () => {
    const net = new RecurrentNet({ kind: "gru", inputSize: 3, hiddenSize: 4, numLayers: 2 }, new Rng(2));
    const file = path.join(dir, "gru.safetensors");
    savePyTorchSafetensors(net, file);
    const back = loadPyTorchSafetensors("gru", file);
    for (const [k, t] of Object.entries(net.params))
      expect(Array.from(back.params[k].data), k).to.deep.equal(Array.from(t.data));
  });

  it("a missing or misshaped tensor loads nothing and says what it expected", () => {
    const ref = JSON.parse(fs.readFileSync(path.join(FIXTURES, "gru_l2_float32.json"), "utf8"));
    const sd = ref.state_dict;
    const { bias_hh_l1: _gone, ...missing } = sd;
    expect(() => fromPyTorch("gru", missing)).to.throw(/missing \[bias_hh_l1\]/);
    expect(() => fromPyTorch("gru", { ...sd, weight_hh_l1: sd.weight_hh_l1.slice(1) })).to.throw(
      /parameter weight_hh_l1 \[15, 5\]: expected shape \[15, 5\], got \[14, 5\]/,
    );
    expect(() => fromPyTorch("lstm", sd)).to.throw(/weight_hh_l0: expected shape \[4·H, H\] for lstm, got \[15, 5\]/);
    expect(() => fromPyTorch("gru", { weight_ih_l0: sd.weight_ih_l0 })).to.throw(/expected a tensor "weight_hh_l0"/);
    expect(() => fromPyTorch("mlp" as never, sd)).to.throw(/fromPyTorch kind: expected one of/);
    expect(() => fromPyTorch("gru", sd, { dtype: "float64", device: "cuda" } as never)).to.throw(
      /unknown option "device"/,
    );
  });

  it("refuses to export a reset-before GRU, which PyTorch cannot compute", () => {
    const net = new RecurrentNet({ kind: "gru", gruVariant: "reset_before", inputSize: 2, hiddenSize: 2 }, new Rng(1));
    expect(() => toPyTorch(net)).to.throw(/expected a GRU with gruVariant "reset_after".*got "reset_before"/);
  });
});
