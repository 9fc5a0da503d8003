import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { loadCheckpoint, saveCheckpoint } from "../../src/io/checkpoint";
import { encodeSafetensors } from "../../src/io/safetensors";
import { RecurrentNet } from "../../src/model/recurrent";
import { Rng } from "../../src/math/rng";
import { randomTensor } from "../helpers/numeric";
import { tmpDir } from "../helpers/tmp";

describe("checkpoints", () => {
  const dir = tmpDir("ckpt");
  const rng = new Rng(4);

  for (const format of ["json", "safetensors"] as const) {
    for (const dtype of ["float32", "float64"] as const) {
      it(`${format}, ${dtype}: save then load reproduces config and outputs bit for bit`, () => {
        const net = new RecurrentNet(
          { kind: "gru", gruVariant: "reset_before", inputSize: 3, hiddenSize: 5, numLayers: 2, dtype },
          rng,
        );
        const file = path.join(dir, `net-${dtype}.${format}`);
        saveCheckpoint(net, file);
        const back = loadCheckpoint(file);
        expect(back.config).to.deep.equal(net.config);
        const x = randomTensor(rng, [2, 6, 3], 1, dtype);
        expect(
          Buffer.from(back.forward(x).output.data.buffer).equals(Buffer.from(net.forward(x).output.data.buffer)),
        ).to.equal(true);
        expect(fs.readdirSync(dir).filter((f) => f.includes(".tmp-"))).to.deep.equal([]);
      });
    }
  }

  it("truncated or corrupted files fail with a clear error and build nothing", () => {
    const net = new RecurrentNet({ kind: "lstm", inputSize: 2, hiddenSize: 3 }, rng);
    const js = path.join(dir, "a.json");
    const st = path.join(dir, "a.safetensors");
    saveCheckpoint(net, js);
    saveCheckpoint(net, st);
    const jsText = fs.readFileSync(js, "utf8");
    const stBytes = fs.readFileSync(st);
    const write = (name: string, data: string | Buffer) => {
      const p = path.join(dir, name);
      fs.writeFileSync(p, data);
      return p;
    };
    expect(() => loadCheckpoint(write("t.json", jsText.slice(0, jsText.length / 2)))).to.throw(
      /expected JSON, got unparseable text.*truncated/,
    );
    expect(() => loadCheckpoint(write("t.safetensors", stBytes.subarray(0, stBytes.length - 10)))).to.throw(
      /truncated/,
    );
    const doc = JSON.parse(jsText);
    doc.params.weight_hh_l0 = { shape: [12, 2], data: doc.params.weight_hh_l0.data.slice(0, 24) };
    expect(() => loadCheckpoint(write("s.json", JSON.stringify(doc)))).to.throw(
      /parameter weight_hh_l0 \[12, 3\]: expected shape \[12, 3\], got \[12, 2\]/,
    );
    const doc2 = JSON.parse(jsText);
    doc2.params.bias_ih_l0.data[0] = "x";
    expect(() => loadCheckpoint(write("n.json", JSON.stringify(doc2)))).to.throw(
      /params\.bias_ih_l0\[0\]: expected a finite number, got "x"/,
    );
    const doc3 = JSON.parse(jsText);
    doc3.version = 99;
    expect(() => loadCheckpoint(write("v.json", JSON.stringify(doc3)))).to.throw(/expected version 1, got 99/);
    const doc4 = JSON.parse(jsText);
    delete doc4.params.bias_hh_l0;
    expect(() => loadCheckpoint(write("m.json", JSON.stringify(doc4)))).to.throw(/missing \[bias_hh_l0\]/);
    const bin = path.join(dir, "model.bin");
    expect(() => saveCheckpoint(net, bin)).to.throw(
      `checkpoint path: expected a name ending in .json or .safetensors (or an explicit format), got "${bin}"`,
    );
  });

  it("an explicit format wins over the file name; a wrong one, or a config missing from the metadata, is named", () => {
    const net = new RecurrentNet({ kind: "gru", inputSize: 2, hiddenSize: 3 }, rng);
    const bin = path.join(dir, "model.bin");
    saveCheckpoint(net, bin, { format: "safetensors" });
    expect(loadCheckpoint(bin, { format: "safetensors" }).config).to.deep.equal(net.config);
    expect(() => loadCheckpoint(bin, { format: "json" })).to.throw(/expected JSON, got unparseable text/);
    expect(() => loadCheckpoint(bin, { format: "pickle" as never })).to.throw(
      'checkpoint format: expected "json" or "safetensors", got "pickle"',
    );
    const bare = path.join(dir, "bare.safetensors");
    fs.writeFileSync(bare, encodeSafetensors(net.params, { format: "gatescope.checkpoint", version: "1" }));
    expect(() => loadCheckpoint(bare)).to.throw(
      `checkpoint ${bare}: expected a JSON config in __metadata__.config, got undefined`,
    );
  });

  it("a failed write leaves the previous checkpoint intact and no temp file", () => {
    const net = new RecurrentNet({ kind: "rnn_tanh", inputSize: 2, hiddenSize: 3 }, rng);
    const file = path.join(dir, "keep.json");
    saveCheckpoint(net, file);
    const before = fs.readFileSync(file, "utf8");
    // A directory in the way of the rename makes the final step fail after the temp file is written.
    const blocked = path.join(dir, "blocked.json");
    fs.mkdirSync(blocked);
    fs.writeFileSync(path.join(blocked, "x"), "");
    expect(() => saveCheckpoint(net, blocked)).to.throw();
    expect(fs.readFileSync(file, "utf8")).to.equal(before);
    expect(fs.readdirSync(dir).filter((f) => f.includes(".tmp-"))).to.deep.equal([]);
  });
});
