/**
 * Model files: a trained character model saved and loaded predicts the same bits; a file for another cell or
 * vocabulary, another format or one cut short is refused saying what was expected; `run-one --weights` writes a
 * finished run's selected weights again, bit for bit, and refuses when training again gives other numbers.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { loadModel, saveModel, shippedWeights } from "../../src/io/model-file";
import { writeSafetensors } from "../../src/io/safetensors";
import { Rng } from "../../src/math/rng";
import { SequenceModel } from "../../src/model/sequence-model";
import { charLMTask } from "../../src/tasks";
import { writeExperiment } from "../../src/experiment/store";
import type { ExperimentSpec } from "../../src/experiment/spec";
import { CLI, REPO } from "../helpers/paths";
import { tmpDir } from "../helpers/tmp";

const TEXT = Array.from({ length: 300 }, (_, i) => `x${i % 5} = f(${i % 3});\n`).join("");

describe("model files", () => {
  const dir = tmpDir("model-file");
  const task = charLMTask(TEXT, { T: 10 });
  const V = task.vocabulary.length;
  const gru = new SequenceModel(
    { rnn: { kind: "gru", inputSize: V, hiddenSize: 12, numLayers: 2 }, outputSize: V, readout: "every" },
    new Rng(3),
  );
  const file = path.join(dir, "gru.safetensors");
  const x = task.streams!.trainBatch(0, 4).x;

  it("round-trips a character model: config, weights, vocabulary and source; the same predictions bit for bit", () => {
    saveModel(gru, file, { vocabulary: [...task.vocabulary], source: "a test" });
    const back = loadModel(file, { kind: "gru", vocabulary: task.vocabulary });
    expect(back.model.config).to.deep.equal(gru.config);
    expect(back.vocabulary).to.deep.equal(task.vocabulary);
    expect(back.source).to.equal("a test");
    expect(Buffer.from(back.model.predict(x).data.buffer).equals(Buffer.from(gru.predict(x).data.buffer))).to.equal(
      true,
    );
  });

  it("refuses another cell, another vocabulary, another format and a damaged file, naming what was expected", () => {
    expect(() => loadModel(file, { kind: "lstm" })).to.throw(`model ${file}: expected a lstm model, got "a gru model"`);
    const other = charLMTask(TEXT.replace(/;/g, "."), { T: 10 });
    expect(() => loadModel(file, { vocabulary: other.vocabulary })).to.throw(
      new RegExp(`^model ${file} vocabulary: expected the ${other.vocabulary.length} characters read with`),
    );
    const foreign = path.join(dir, "foreign.safetensors");
    writeSafetensors(foreign, gru.params(), { format: "something.else" });
    expect(() => loadModel(foreign)).to.throw(`model ${foreign}: expected format "gatescope.model" version 1`);
    const cut = path.join(dir, "cut.safetensors");
    fs.writeFileSync(cut, fs.readFileSync(file).subarray(0, 500));
    expect(() => loadModel(cut)).to.throw(new RegExp(`^model ${cut}`));
    expect(() => saveModel(gru, path.join(dir, "x.safetensors"), { vocabulary: ["a", "b"] })).to.throw(
      `saveModel vocabulary: expected ${V} characters (the readout's width), got 2`,
    );
    expect(fs.existsSync(path.join(dir, "x.safetensors"))).to.equal(false);
  });

  it("the shipped models: in the package's results/charlm/weights, loadable, naming how they are made", () => {
    const lstm = loadModel(shippedWeights("lstm-2"), { kind: "lstm" });
    expect(shippedWeights("lstm-2")).to.equal(path.join(REPO, "results/charlm/weights/lstm-2.safetensors"));
    expect(lstm.vocabulary).to.have.length(105);
    expect(lstm.source).to.equal("run charlm-T50-lstm-2-s0: npx gatescope run-one DIR --index 9 --weights FILE");
    const gru = loadModel(shippedWeights("gru-2"), { kind: "gru", vocabulary: lstm.vocabulary! });
    expect(gru.model.rnn.config.hiddenSize).to.equal(150);
    const rnn = loadModel(shippedWeights("rnn-2"), { kind: "rnn_tanh", vocabulary: lstm.vocabulary! });
    expect([rnn.model.rnn.config.hiddenSize, rnn.source]).to.deep.equal([
      272,
      "run charlm-T50-rnn-2-s0: npx gatescope run-one DIR --index 15 --weights FILE",
    ]);
    expect(() => shippedWeights("lstm-3" as "lstm-2")).to.throw(
      'shippedWeights: expected "lstm-2", "gru-2" or "rnn-2", got "lstm-3"',
    );
  });

  it("run-one --weights: a finished run's selected weights made again to its run file's numbers", () => {
    const text = path.join(dir, "code.txt");
    fs.writeFileSync(text, TEXT);
    const corpus = { path: text, sha256: createHash("sha256").update(TEXT).digest("hex"), vocabulary: V };
    const spec: ExperimentSpec = {
      cells: [{ name: "gru", rnn: { kind: "gru", dtype: "float32" } }],
      tasks: [{ name: "charlm", T: [10], corpus }],
      seeds: [0],
      hidden: 16,
      train: {
        steps: 30,
        batchSize: 8,
        optimizer: { kind: "adam", lr: 0.01 },
        evalEvery: 10,
        validationSize: 4,
        testSize: 4,
      },
    };
    const out = path.join(dir, "exp");
    writeExperiment(out, { preset: "custom", seed: 0, spec });
    const run = (...args: string[]) => spawnSync(process.execPath, [CLI, "run-one", out, "--index", "0", ...args], {
      encoding: "utf8",
    });
    const first = path.join(dir, "first.safetensors");
    expect(run("--weights", first).status).to.equal(0);
    const again = path.join(dir, "again.safetensors");
    const r = run("--weights", again);
    expect(r.stdout + r.stderr).to.include("trained again to the run file's numbers");
    expect(fs.readFileSync(again).equals(fs.readFileSync(first))).to.equal(true);
    expect(loadModel(again, { kind: "gru", vocabulary: task.vocabulary }).source).to.equal(
      "run charlm-T10-gru-s0: npx gatescope run-one DIR --index 0 --weights FILE",
    );
    // A run file whose numbers training no longer gives: no weights, and the old file is left as it was.
    const runFile = path.join(out, "runs", fs.readdirSync(path.join(out, "runs"))[0]);
    const doc = JSON.parse(fs.readFileSync(runFile, "utf8"));
    doc.result.final_test_metric += 1e-9;
    fs.writeFileSync(runFile, JSON.stringify(doc));
    const bad = run("--weights", again);
    expect(bad.status).to.not.equal(0);
    expect(bad.stderr).to.match(/expected its run file's numbers, got final_test_metric .*: no weights written/);
    expect(fs.readFileSync(again).equals(fs.readFileSync(first))).to.equal(true);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith(".part"))).to.deep.equal([]);
  });
});
