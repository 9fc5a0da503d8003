/**
 * How a run ends, exactly: which weights the guard keeps when a forward pass overflows (after an
 * update, or on the first step of a resumed run), what the messages say, that selection takes the
 * earliest of equal validation scores, and that the gradient-flow probe of the last step is
 * recorded once. The engine's mutation run found each of these unpinned.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { Rng } from "../../src/math/rng";
import { SequenceModel } from "../../src/model/sequence-model";
import { makeTask } from "../../src/tasks";
import { train } from "../../src/train/train";
import { editTensor } from "../helpers/checkpoint-tensors";
import type { TrainConfig } from "../../src/train/config";
import { tmpDir } from "../helpers/tmp";

const task = makeTask({ name: "adding", T: 20 });
const relu = () =>
  new SequenceModel(
    { rnn: { kind: "rnn_relu", inputSize: 2, hiddenSize: 8 }, outputSize: 1, readout: "last" },
    new Rng(1),
  );
const weights = (m: SequenceModel) =>
  Object.fromEntries(Object.entries(m.params()).map(([k, t]) => [k, Array.from(t.data)]));
const BASE: TrainConfig = {
  steps: 20,
  batchSize: 8,
  optimizer: { kind: "sgd", lr: 0.01 },
  evalEvery: 5,
  testSize: 50,
  select: "last", // so the weights a run ends with are the guard's, not selection's
};

describe("how a run stops", () => {
  const dir = tmpDir("stops");

  it("a forward pass that overflows after an update restores the weights from before that update", async () => {
    const m = relu();
    const initial = weights(m);
    // SGD at 1e20 keeps step 0's weights finite, and step 1's forward pass overflows with them.
    const r = await train(m, task, { ...BASE, optimizer: { kind: "sgd", lr: 1e20 }, clip: null }, new Rng(2));
    expect(r.stopped).to.equal("non-finite");
    expect(r.stepsDone).to.equal(1);
    expect(r.message).to.match(
      new RegExp(
        String.raw`^stopped at step 1: the forward pass overflowed: h\[n=\d+, t=\d+, unit \d+\] = Infinity ` +
          String.raw`\(the weights have grown too large\); weights are restored to those before step 0's update$`,
      ),
    );
    expect(weights(m)).to.deep.equal(initial);
    // The run's last validation scores those restored weights: step 0's score, again.
    expect([r.final.step, r.final.metric]).to.deep.equal([1, r.history.evals[0].metric]);
  });

  it("a model that overflows before any update stops at initialisation, unsolved", async () => {
    const m = relu();
    m.params().weight_hh_l0.data.fill(1e30);
    m.params().weight_ih_l0.data.fill(1e30);
    const r = await train(m, task, BASE, new Rng(2));
    expect(r.stopped).to.equal("non-finite");
    expect(r.message).to.match(/^stopped at initialisation: the forward pass overflowed: h\[n=0, t=\d+, unit 0\]/);
    expect(r.history.evals.map((e) => [e.step, e.solved, e.metric])).to.deep.equal([[0, false, NaN]]);
    expect(r.solvedAt).to.equal(null);
  });

  it("a resumed run whose first forward pass overflows keeps the checkpoint's weights and says so", async () => {
    const ckpt = path.join(dir, "overflowing.json");
    await train(relu(), task, { ...BASE, steps: 5, checkpoint: { path: ckpt, every: 5 } }, new Rng(2));
    const doc = JSON.parse(fs.readFileSync(ckpt, "utf8"));
    // Finite in float32, so the checkpoint is valid, but no forward pass is.
    for (const k of ["weight_hh_l0", "weight_ih_l0"]) editTensor(ckpt, doc, doc.params[k], (a) => a.fill(1e30));
    fs.writeFileSync(ckpt, JSON.stringify(doc));
    const m = relu();
    const r = await train(m, task, BASE, new Rng(2), { resumeFrom: ckpt });
    expect(r.stopped).to.equal("non-finite");
    expect(r.message).to.match(
      /^stopped at step 5: the forward pass overflowed: .*; weights are those before this step$/,
    );
    expect(m.params().weight_hh_l0.data.every((v) => v === Math.fround(1e30))).to.equal(true);
  });

  it("an update that makes a weight non-finite is undone, and the step's gradient flow is recorded once", async () => {
    const m = new SequenceModel(
      { rnn: { kind: "rnn_tanh", inputSize: 2, hiddenSize: 4 }, outputSize: 1, readout: "last" },
      new Rng(3),
    );
    const initial = weights(m);
    const r = await train(
      m,
      task,
      { ...BASE, optimizer: { kind: "sgd", lr: 1e300 }, clip: null, gradFlowAt: [0] },
      new Rng(4),
    );
    expect(r.message).to.match(
      new RegExp(
        String.raw`^stopped at step 0: the update made \S+ = -?Infinity \(learning rate 1e\+300 too high\?\); ` +
          "weights restored to those before this step$",
      ),
    );
    expect(weights(m)).to.deep.equal(initial);
    expect(r.history.gradFlow.map((g) => g.step)).to.deep.equal([0]);
  });

  it("the gradient flow asked for at the last step is probed after it, once", async () => {
    const r = await train(relu(), task, { ...BASE, steps: 10, gradFlowAt: [0, 5, 10] }, new Rng(2));
    expect(r.stopped).to.equal("steps");
    expect(r.history.gradFlow.map((g) => g.step)).to.deep.equal([0, 5, 10]);
  });

  it("of equal validation scores, selection takes the earliest", async () => {
    // A learning rate of 1e-300 moves no float32 weight, so every evaluation scores the same.
    const m = relu();
    const r = await train(m, task, { ...BASE, optimizer: { kind: "sgd", lr: 1e-300 }, select: "best" }, new Rng(2));
    const metrics = r.history.evals.map((e) => e.metric);
    expect(new Set(metrics).size, `${metrics}`).to.equal(1);
    expect(r.history.evals.map((e) => e.step)).to.deep.equal([0, 5, 10, 15, 20]);
    expect(r.selected.step).to.equal(0);
  });

  it("early stopping says at which step the run was solved", async () => {
    const m = new SequenceModel(
      { rnn: { kind: "gru", inputSize: 2, hiddenSize: 16 }, outputSize: 1, readout: "last" },
      new Rng(1),
    );
    const easy = makeTask({ name: "adding", T: 5 });
    const r = await train(
      m,
      easy,
      { ...BASE, steps: 2000, evalEvery: 50, batchSize: 32, optimizer: { kind: "adam", lr: 0.01 }, earlyStop: true },
      new Rng(2),
    );
    expect(r.stopped).to.equal("solved");
    expect(r.message).to.equal(`solved at step ${r.stepsDone}`);
    expect(r.solvedAt).to.equal(r.stepsDone);
  });
});
