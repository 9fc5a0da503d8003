import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { Rng } from "../../src/math/rng";
import { SequenceModel } from "../../src/model/sequence-model";
import { makeTask } from "../../src/tasks";
import { train, probeGradientFlow } from "../../src/train/train";
import { checkpointFiles, stepsLogPath } from "../../src/train/checkpoint";
import { editTensor } from "../helpers/checkpoint-tensors";
import type { TrainConfig, History } from "../../src/train/config";
import { testSet } from "../../src/tasks";
import { tmpDir } from "../helpers/tmp";
import { REPO } from "../helpers/paths";
import type { Kind } from "../../src/model/config";

function model(kind: Kind, seed: number, T = 20, hidden = 16) {
  const task = makeTask({ name: "adding", T });
  const rng = new Rng(seed);
  const m = new SequenceModel({ rnn: { kind, inputSize: 2, hiddenSize: hidden }, outputSize: 1, readout: "last" }, rng);
  return { task, rng, m };
}

const BASE: TrainConfig = {
  steps: 40,
  batchSize: 16,
  optimizer: { kind: "adam", lr: 0.01 },
  clip: { kind: "norm", max: 1 },
  evalEvery: 10,
  testSize: 100,
};
const strip = (h: History) => ({ ...h, steps: h.steps.map(({ wallMs: _w, ...rest }) => rest) });
const snapshot = (m: SequenceModel) =>
  Object.fromEntries(Object.entries(m.params()).map(([k, t]) => [k, Array.from(t.data)]));

describe("training", () => {
  const dir = tmpDir("train");

  it("an LSTM learns the adding problem at T = 20 to well below its baseline", async () => {
    const { task, rng, m } = model("lstm", 1);
    const r = await train(m, task, { ...BASE, steps: 800, evalEvery: 100, testSize: 500, earlyStop: true }, rng);
    expect(r.final.metric, `MSE ${r.final.metric} after ${r.stepsDone} steps`).to.be.below(0.1 * task.baseline);
    expect(r.history.evals[0].metric).to.be.above(0.5 * task.baseline); // it did start untrained
  });

  it("a tanh RNN's gradient flow at T = 100 decays monotonically by orders of magnitude, last step to first", () => {
    const { task, m } = model("rnn_tanh", 3, 100, 32);
    const flow = probeGradientFlow(m, task, testSet(task, 64));
    for (let t = 1; t < flow.norms.length; t++) expect(flow.norms[t - 1], `t=${t}`).to.be.below(flow.norms[t]);
    expect(flow.norms[99] / flow.norms[0]).to.be.above(1e6);
    expect(flow.summary.decadesPerStep).to.be.below(-0.05);
  });

  it("is deterministic: same seed, same history and weights; another seed differs", async () => {
    const a = model("gru", 5),
      b = model("gru", 5),
      c = model("gru", 6);
    const ra = await train(a.m, a.task, BASE, a.rng),
      rb = await train(b.m, b.task, BASE, b.rng),
      rc = await train(c.m, c.task, BASE, c.rng);
    expect(strip(rb.history)).to.deep.equal(strip(ra.history));
    expect(snapshot(b.m)).to.deep.equal(snapshot(a.m));
    expect(rc.history.steps[5].loss).to.not.equal(ra.history.steps[5].loss);
  });

  it("a run resumed from its checkpoint equals the uninterrupted run bit for bit", async () => {
    const ckpt = path.join(dir, "run.json");
    const cfg: TrainConfig = { ...BASE, steps: 40, checkpoint: { path: ckpt, every: 20 }, gradFlowAt: [0, 30] };
    const whole = model("lstm", 7);
    const full = await train(
      whole.m,
      whole.task,
      { ...cfg, checkpoint: { path: path.join(dir, "other.json"), every: 20 } },
      whole.rng,
    );

    const cut = model("lstm", 7);
    await train(cut.m, cut.task, cfg, cut.rng, {
      callbacks: {
        onStep: (s) => {
          if (s.step === 25) throw new Error("interrupted");
        },
      },
    }).then(
      () => expect.fail("should have been interrupted"),
      (err: Error) => expect(err.message).to.equal("interrupted"),
    );
    const fresh = model("lstm", 999); // different init: everything must come from the checkpoint
    const resumed = await train(fresh.m, fresh.task, cfg, fresh.rng, { resumeFrom: ckpt });
    expect(snapshot(fresh.m)).to.deep.equal(snapshot(whole.m));
    expect(strip(resumed.history)).to.deep.equal(strip(full.history));
    expect(resumed.stepsDone).to.equal(40);
  });

  it("a checkpoint's fixed part stays under 1 MB for the headline LSTM (H = 128), one tensors file", async () => {
    const ckpt = path.join(dir, "size.json");
    const { task, rng, m } = model("lstm", 4, 10, 128);
    const cfg: TrainConfig = {
      ...{ ...BASE, steps: 3, evalEvery: 1, testSize: 20, checkpoint: { path: ckpt, every: 1 } },
      optimizer: { kind: "rmsprop", lr: 1e-3, alpha: 0.9 }, // the headline's: one buffer per parameter
    };
    await train(m, task, cfg, rng);
    const files = checkpointFiles(ckpt);
    expect(files.map((f) => path.basename(f).replace(/\.[0-9a-f]{16}\./, ".<hash>."))).to.deep.equal([
      "size.json",
      "size.steps.f64",
      "size.<hash>.tensors", // the writes at steps 1 and 2 left none behind
    ]);
    const aligned = Object.values(m.params()).reduce((n, t) => n + Math.ceil((4 * t.data.length) / 8) * 8, 0);
    const tensors = fs.statSync(files[2]).size;
    expect(tensors, "weights, best weights, RMSProp's cache: their float32 bytes").to.equal(3 * aligned);
    expect(fs.statSync(ckpt).size).to.be.below(20_000);
    expect(fs.statSync(ckpt).size + tensors).to.be.below(1_000_000);
  });

  it("a version-2 checkpoint (tensors inline, base64) still resumes to the uninterrupted numbers", async () => {
    const ckpt = path.join(dir, "v2.json");
    const cfg: TrainConfig = { ...BASE, steps: 20, checkpoint: { path: ckpt, every: 10 } };
    const whole = model("gru", 8);
    await train(whole.m, whole.task, { ...cfg, checkpoint: undefined }, whole.rng);
    const cut = model("gru", 8);
    await train(cut.m, cut.task, { ...cfg, steps: 10 }, cut.rng);
    const doc = JSON.parse(fs.readFileSync(ckpt, "utf8"));
    const bytes = fs.readFileSync(path.join(dir, doc.tensors.file));
    const inline = (refs: Record<string, { shape: number[]; dtype: string; offset: number }>) =>
      Object.fromEntries(
        Object.entries(refs).map(([k, r]) => {
          const n = r.shape.reduce((a, b) => a * b, 1) * (r.dtype === "float32" ? 4 : 8);
          const base64 = bytes.subarray(r.offset, r.offset + n).toString("base64");
          return [k, { shape: r.shape, dtype: r.dtype, base64 }];
        }),
      );
    const { tensors: _t, ...rest } = doc;
    const v2 = {
      ...{ ...rest, version: 2, params: inline(doc.params) },
      best: doc.best && { ...doc.best, params: inline(doc.best.params) },
      optimizer: { ...doc.optimizer, buffers: inline(doc.optimizer.buffers) },
    };
    for (const f of checkpointFiles(ckpt).slice(2)) fs.rmSync(f);
    fs.writeFileSync(ckpt, JSON.stringify(v2));
    const fresh = model("gru", 999);
    await train(fresh.m, fresh.task, cfg, fresh.rng, { resumeFrom: ckpt });
    expect(snapshot(fresh.m)).to.deep.equal(snapshot(whole.m));
  });

  it("refuses a checkpoint from a different configuration", async () => {
    const ckpt = path.join(dir, "a.json");
    const a = model("lstm", 1);
    await train(a.m, a.task, { ...BASE, steps: 20, checkpoint: { path: ckpt, every: 20 } }, a.rng);
    const b = model("lstm", 1);
    await train(b.m, b.task, { ...BASE, optimizer: { kind: "adam", lr: 0.02 } }, b.rng, { resumeFrom: ckpt }).then(
      () => expect.fail("should refuse"),
      (err: Error) => expect(err.message).to.match(/same model, task and training config/),
    );
  });

  it(
    "resuming validates the whole checkpoint before touching the model: bad rng, nulls, optimizer " + "buffers",
    async () => {
      const ckpt = path.join(dir, "validate.json");
      const a = model("gru", 5);
      await train(a.m, a.task, { ...BASE, steps: 20, checkpoint: { path: ckpt, every: 10 } }, a.rng);
      const good = JSON.parse(fs.readFileSync(ckpt, "utf8"));
      const version = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")).version;
      expect(good.written_by, "a checkpoint says which gatescope wrote it").to.equal(`gatescope ${version}`);
      const firstBuffer = (d: Record<string, any>) => d.optimizer.buffers[Object.keys(d.optimizer.buffers)[0]];
      const cases: Array<[(d: Record<string, any>) => void, RegExp]> = [
        [(d) => (d.rng = [0, 0, 0, 0]), /Rng state: expected at least one non-zero word/],
        [
          (d) => editTensor(ckpt, d as never, d.params.weight_hh_l0, (a) => (a[3] = NaN)),
          /params.weight_hh_l0\[3\]: expected a finite number, got NaN/,
        ],
        [
          (d) => editTensor(ckpt, d as never, firstBuffer(d), (a) => (a[0] = Infinity)),
          /optimizer state buffer .*\[0\]: expected a finite number, got Infinity/,
        ],
        [
          (d) => (firstBuffer(d).offset = d.tensors.bytes),
          /optimizer buffers.*: expected \{shape, dtype, offset\} inside the tensors file/,
        ],
        [(d) => (d.tensors.sha256 = "0".repeat(64)), /tensors file: expected \d+ bytes matching its sha256/],
        [(d) => (d.tensors.file = "gone.tensors"), /tensors file: expected \d+ bytes matching its sha256, got "0/],
        [(d) => (d.evals = 3), /history: expected evals and gradFlow arrays/],
        [(d) => (d.steps.count += 1), /steps log: expected 21 steps matching its sha256/],
        [(d) => (d.steps.sha256 = "0".repeat(64)), /steps log: expected 20 steps matching its sha256/],
        [(d) => (d.format = "x"), /spoiled.json: expected format ".*" version 2 or 3, got "x 3"/],
        [(d) => (d.version = 1), /spoiled.json: expected format .* version 2 or 3, got "gatescope.train-checkpoint 1"/],
        [(d) => (d.step = 21), /spoiled.json step: expected an integer in \[0, 20\], got 21/],
        [(d) => (d.step = -1), /step: expected an integer in \[0, 20\], got -1/],
        [(d) => (d.best = { step: "1", metric: 0 }), /spoiled.json best: expected null or \{step, metric, params\}/],
        [(d) => (d.best = 3), /best: expected null or \{step, metric, params\}, got 3/],
        [(d) => (d.best = { step: 1, metric: "0" }), /best: expected null or \{step, metric, params\}/],
      ];
      for (const [spoil, re] of cases) {
        const doc = JSON.parse(JSON.stringify(good));
        spoil(doc);
        const bad = path.join(dir, "spoiled.json");
        fs.writeFileSync(bad, JSON.stringify(doc));
        fs.copyFileSync(stepsLogPath(ckpt), stepsLogPath(bad)); // the steps log goes with its checkpoint
        const b = model("gru", 5);
        const before = snapshot(b.m);
        let err: Error | null = null;
        await train(b.m, b.task, { ...BASE, steps: 20, checkpoint: { path: ckpt, every: 10 } }, b.rng, {
          resumeFrom: bad,
        }).catch((e: Error) => (err = e));
        expect(err, String(re)).to.not.equal(null);
        expect(err!.message).to.match(re);
        expect(snapshot(b.m), "the model is untouched").to.deep.equal(before);
      }
      const notJson = path.join(dir, "not-json.json");
      fs.writeFileSync(notJson, "{ half a checkpoint");
      const c = model("gru", 5);
      const cfg = { ...BASE, steps: 20, checkpoint: { path: ckpt, every: 10 } };
      let err: Error | null = null;
      await train(c.m, c.task, cfg, c.rng, { resumeFrom: notJson }).catch((e: Error) => (err = e));
      expect(err!.message).to.match(/training checkpoint .*not-json.json: expected readable JSON, got /);
    },
  );

  it("earlyStop: false trains every step even after the task is solved; true stops there", async () => {
    const run = async (earlyStop: boolean) => {
      const { task, rng, m } = model("gru", 3, 10);
      return train(m, task, { ...BASE, steps: 300, evalEvery: 20, testSize: 200, earlyStop }, rng);
    };
    const on = await run(true),
      off = await run(false);
    expect(on.solvedAt, "solvable in this budget").to.not.equal(null);
    expect(on.stopped).to.equal("solved");
    expect(on.stepsDone).to.equal(on.solvedAt);
    expect(off.stopped).to.equal("steps");
    expect(off.stepsDone).to.equal(300);
    expect(off.solvedAt).to.equal(on.solvedAt);
  });

  it("the NaN/Inf guard stops with a message naming where, and keeps the last good weights", async () => {
    const { task, rng, m } = model("rnn_tanh", 2);
    const before = snapshot(m);
    const r = await train(m, task, { ...BASE, optimizer: { kind: "sgd", lr: 1e39 }, clip: null }, rng);
    expect(r.stopped).to.equal("non-finite");
    expect(r.message).to.match(
      /stopped at step 0: the update made (weight|bias|head)\S*\[\d+\] = -?Infinity .*restored/,
    );
    expect(snapshot(m)).to.deep.equal(before);
    expect(Object.values(snapshot(m)).flat().every(Number.isFinite)).to.equal(true);
  });

  it("an overflowing run stops with the guard's message, not a crash", async () => {
    const task = makeTask({ name: "adding", T: 50 });
    const rng = new Rng(4);
    const m = new SequenceModel(
      {
        rnn: {
          kind: "rnn_tanh",
          inputSize: 2,
          hiddenSize: 32,
          init: { weight_hh: { kind: "orthogonal", gain: 2.5 }, bias: { kind: "constant", value: 0 } },
        },
        outputSize: 1,
        readout: "last",
      },
      rng,
    );
    const r = await train(
      m,
      task,
      { steps: 400, batchSize: 32, optimizer: { kind: "sgd", lr: 0.1 }, evalEvery: 50, testSize: 300 },
      rng,
    );
    expect(r.stopped).to.equal("non-finite");
    const why = /(the loss is (Infinity|NaN)|∂L\/∂h from the readout is -?(Infinity|NaN))/;
    expect(r.message).to.match(new RegExp(`stopped at step \\d+: ${why.source}`));
    expect(r.message).to.match(/; weights are restored to those before step \d+'s update$/);
    expect(Object.values(snapshot(m)).flat().every(Number.isFinite)).to.equal(true);
  });

  it("an overflowing forward pass stops the run, naming the step and the tensor; weights stay finite", async () => {
    for (const [optimizer, init] of [
      [{ kind: "sgd", lr: 1e30 }, undefined],
      [{ kind: "sgd", lr: 0.01 }, { weight_hh: { kind: "orthogonal", gain: 10 } }],
    ] as const) {
      const task = makeTask({ name: "adding", T: 50 });
      const rnn = { kind: "rnn_relu" as const, inputSize: 2, hiddenSize: 16, ...(init ? { init } : {}) };
      const m = new SequenceModel({ rnn, outputSize: 1, readout: "last" }, new Rng(1));
      const r = await train(m, task, { steps: 50, batchSize: 8, optimizer, evalEvery: 10, testSize: 50 }, new Rng(2));
      expect(r.stopped, r.message).to.equal("non-finite");
      expect(r.message).to.match(
        new RegExp(
          "stopped at (step \\d+|initialisation): .*" +
            "(overflowed: h\\[n=\\d+, t=\\d+, unit \\d+\\] = -?(Infinity|NaN)|non-finite gradient|the loss is)",
        ),
      );
      expect(r.history.evals.length).to.be.at.least(1);
      expect(Object.values(snapshot(m)).flat().every(Number.isFinite)).to.equal(true);
    }
  });

  it("records what the plots need: per-step loss, lr, norms before/after clipping, per-parameter norms", async () => {
    const { task, rng, m } = model("lstm", 4);
    const r = await train(
      m,
      task,
      { ...BASE, steps: 20, clip: { kind: "norm", max: 0.01 }, schedule: { kind: "cosine", total: 20 } },
      rng,
    );
    const s = r.history.steps;
    expect(s).to.have.length(20);
    expect(s.every((x) => x.clipped && Math.abs(x.gradNormClipped - 0.01) < 1e-6 && x.gradNorm > 0.01)).to.equal(true);
    expect(s[0].lr).to.equal(0.01);
    expect(s[19].lr).to.be.below(0.001);
    expect(Object.keys(s[0].paramGradNorms)).to.include.members(["weight_hh_l0", "head.weight"]);
    expect(r.history.evals.map((e) => e.step)).to.deep.equal([0, 10, 20]);
  });

  it("bad training configs fail before any work starts, naming the field", async () => {
    const { task, rng, m } = model("lstm", 1);
    const start = snapshot(m);
    const bad: Array<[Partial<TrainConfig>, RegExp]> = [
      [{ steps: 0 }, /train config.steps: expected a positive integer, got 0/],
      [{ optimizer: { kind: "adam", lr: -0.1 } }, /optimizer.lr: expected a positive learning rate, got -0.1/],
      [{ truncate: -1 }, /train config.truncate/],
      [{ clip: { kind: "norm", max: -1 } }, /clip.max/],
    ];
    for (const [patch, re] of bad)
      await train(m, task, { ...BASE, ...patch } as TrainConfig, rng).then(
        () => expect.fail(String(re)),
        (e: Error) => expect(e.message).to.match(re),
      );
    const wrong = makeTask({ name: "copy", T: 10 });
    await train(m, wrong, BASE, rng).then(
      () => expect.fail(),
      (e: Error) =>
        expect(e.message).to.equal(
          'train: expected a model with inputSize 10, outputSize 10 and readout "every" for copy, ' +
            'got inputSize 2, outputSize 1, readout "last"',
        ),
    );
    expect(snapshot(m)).to.deep.equal(start);
  });
});
