/**
 * Language models as experiment runs: the charlm preset expands without its corpus (widths from the spec's
 * vocabulary), matches parameters per depth, and states char-rnn's recipe; a run trains on a text named by path
 * and SHA-256 and records bits per character; a text with another hash is refused, never mixed in.
 */
import { expect } from "chai";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { expand, recurrentParamCount, type ExperimentSpec } from "../../src/experiment/spec";
import { KERNEL_CORPUS, preset } from "../../src/experiment/presets";
import { runOne } from "../../src/experiment/run";
import { taskOf } from "../../src/experiment/task-of";
import { tmpDir } from "../helpers/tmp";

const TEXT = Array.from({ length: 400 }, (_, i) => `int f${i % 7}(void) { return ${i % 3}; }\n`).join("");

describe("language models as experiment runs", () => {
  const dir = tmpDir("charlm-runs");

  it("the charlm preset expands without its corpus: 6 cells × 3 seeds, parameters matched per depth", () => {
    const spec = preset("charlm", 0);
    const nowhere = { ...KERNEL_CORPUS, path: path.join(dir, "absent.txt") };
    expect(expand({ ...spec, tasks: [{ ...spec.tasks[0], corpus: nowhere }] })).to.have.length(18);
    const runs = expand(spec);
    expect(runs).to.have.length(18);
    expect(runs[0].task).to.deep.equal({ name: "charlm", T: 50, corpus: KERNEL_CORPUS });
    expect(KERNEL_CORPUS.sha256).to.equal("463da731eb855d45dc641b0f5702f76d291337aaba641b6387e01a61a08bd554");
    for (const L of [1, 2]) {
      const count = (cell: string) => {
        const r = runs.find((x) => x.cell === `${cell}-${L}`)!;
        expect(r.rnn.numLayers).to.equal(L);
        return recurrentParamCount({ ...r.rnn, inputSize: 105 });
      };
      const lstm = count("lstm");
      for (const cell of ["gru", "rnn"]) expect(Math.abs(count(cell) / lstm - 1), cell).to.be.below(0.01);
    }
    expect(runs.every((r) => r.readoutKernels === "backend" && r.train.optimizer.lr === 2e-3)).to.equal(true);
    expect(runs[0].train).to.deep.include({ batchSize: 50, clip: { kind: "value", max: 5 }, patience: 3 });
  });

  it("a run trains on the text its spec names and records bits per character; another text is refused", async () => {
    const file = path.join(dir, "code.txt");
    fs.writeFileSync(file, TEXT);
    const sha256 = createHash("sha256").update(TEXT).digest("hex");
    const corpus = { path: file, sha256, vocabulary: new Set(TEXT).size };
    const spec: ExperimentSpec = {
      cells: [{ name: "lstm", rnn: { kind: "lstm", dtype: "float32" } }],
      tasks: [{ name: "charlm", T: [20], corpus }],
      seeds: [0],
      hidden: 32,
      readoutKernels: "backend",
      train: {
        steps: 120,
        batchSize: 10,
        optimizer: { kind: "adam", lr: 0.01 },
        evalEvery: 40,
        validationSize: 5,
        testSize: 5,
      },
    };
    const [run] = expand(spec);
    const r = await runOne(run);
    expect(r.task).to.equal("charlm");
    expect(r.baseline).to.equal(taskOf(run.task).baseline);
    expect(r.final_test_metric).to.be.below(0.5 * r.baseline);
    expect(r.final_test_extra.bits_per_char).to.be.closeTo(r.final_test_metric / Math.LN2, 1e-12);
    expect(r.solved).to.equal(false);
    fs.writeFileSync(file, TEXT.replace("int", "INT"));
    const [other] = expand({ ...spec, tasks: [{ name: "charlm", T: [21], corpus }] });
    expect(() => taskOf(other.task)).to.throw(`corpus ${file}: expected SHA-256 ${sha256} (the text these runs`);
    const badHash = { ...corpus, sha256: "x" };
    expect(() => expand({ ...spec, tasks: [{ name: "charlm", T: [20], corpus: badHash }] })).to.throw(
      "experiment.tasks[charlm].corpus: expected {path, sha256 (64 hex digits), vocabulary (≥ 2 characters)}",
    );
    expect(() => expand({ ...spec, tasks: [{ name: "adding", T: [20], corpus }] })).to.throw(
      "experiment.tasks[adding].corpus: expected none (a corpus is a charlm task's)",
    );
  });
});
