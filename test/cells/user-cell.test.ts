/**
 * A cell kind added from outside src/, as a user would: registered, used by name in a config,
 * trained with `train`, checked by `gatescope gradcheck --require FILE`, traced and drawn.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { execFileSync } from "child_process";
import {
  cellKinds,
  expand,
  gateHeatmaps,
  makeTask,
  registerCell,
  Rng,
  runAll,
  SequenceModel,
  train,
  unregisterCell,
  type ExperimentSpec,
} from "../../src";
import { leakyRnnDescription } from "../helpers/user-cell";
import { tmpDir } from "../helpers/tmp";
import { CLI, REPO } from "../helpers/paths";

describe("a user's own cell", () => {
  const dir = tmpDir("user-cell");
  before(() => registerCell(leakyRnnDescription("leaky_rnn")));
  after(() => unregisterCell("leaky_rnn"));

  it("trains with train() and learns the adding problem at T = 10 below its baseline", async () => {
    const task = makeTask({ name: "adding", T: 10 });
    const rng = new Rng(4);
    const m = new SequenceModel(
      { rnn: { kind: "leaky_rnn", inputSize: 2, hiddenSize: 16 }, outputSize: 1, readout: "last" },
      rng,
    );
    expect(Object.keys(m.params())).to.include("alpha_l0");
    const alpha0 = Array.from(m.params().alpha_l0.data);
    const opts = {
      steps: 1500,
      batchSize: 32,
      optimizer: { kind: "adam" as const, lr: 0.01 },
      evalEvery: 100,
      testSize: 200,
    };
    const r = await train(m, task, opts, rng);
    expect(r.final.metric, `MSE ${r.final.metric}`).to.be.below(0.5 * task.baseline);
    expect(Array.from(m.params().alpha_l0.data)).to.not.deep.equal(alpha0); // its own gradient reached the optimizer
    const fig = gateHeatmaps(m.rnn.forward({ shape: [1, 10, 2], data: new Float32Array(20).fill(0.5) }).trace);
    expect(fig.data.map((d) => d.name)).to.deep.equal(["candidate u"]); // labelled from its description
  });

  it("runs in an experiment beside a built-in kind (in-process; a worker pool refuses it, saying why)", async () => {
    const spec: ExperimentSpec = {
      cells: [
        { name: "leaky", rnn: { kind: "leaky_rnn" } },
        { name: "mgu", rnn: { kind: "mgu" } },
      ],
      tasks: [{ name: "adding", T: [8] }],
      seeds: [0],
      hidden: 8,
      train: { steps: 20, batchSize: 8, optimizer: { kind: "adam", lr: 0.01 }, evalEvery: 10, testSize: 50 },
    };
    const runs = expand(spec);
    await runAll(runs, { dir: path.join(dir, "pool"), jobs: 2 }).then(
      () => expect.fail("a worker pool cannot know a kind registered here"),
      (err: Error) =>
        expect(err.message).to.match(/expected jobs 1 for a cell kind registered in this process.*"leaky_rnn"/),
    );
    const results = await runAll(runs, { dir: path.join(dir, "inline"), jobs: 1 });
    expect(results.map((r) => r.cell)).to.deep.equal(["leaky", "mgu"]);
    for (const r of results) expect(r.final_test_metric).to.be.a("number").and.be.below(1);
  });

  it("refuses a second kind of the same name and a malformed description, naming what is wrong", () => {
    expect(() => registerCell(leakyRnnDescription("leaky_rnn"))).to.throw(/a kind not yet registered, got "leaky_rnn"/);
    expect(() => registerCell(leakyRnnDescription("Bad Name"))).to.throw(/lower-case letters/);
    const noInput = {
      ...leakyRnnDescription("no_input"),
      cell: () => ({ ...leakyRnnDescription("x").cell({}), params: [] }),
    };
    expect(() => registerCell(noInput)).to.throw(/a weight_ih parameter/);
    expect(cellKinds()).to.not.include("no_input");
    expect(() => unregisterCell("lstm")).to.throw(/built-in "lstm"/);
  });

  it("`gatescope gradcheck --require FILE KIND` checks it, and fails a broken one naming the parameter", () => {
    const file = path.join(dir, "cells.js");
    const helper = path.join(REPO, "dist-test", "test", "helpers", "user-cell.js");
    const lib = path.join(REPO, "dist", "src", "index.js");
    fs.writeFileSync(
      file,
      [
        `const { registerCell } = require(${JSON.stringify(lib)});`,
        `const { leakyRnnDescription, brokenRnnDescription } = require(${JSON.stringify(helper)});`,
        `registerCell(leakyRnnDescription("leaky"));`,
        `registerCell(brokenRnnDescription("leaky_broken"));`,
      ].join("\n"),
    );
    const cli = CLI;
    const ok = execFileSync("node", [cli, "gradcheck", "--require", file, "leaky"], { encoding: "utf8" });
    expect(ok)
      .to.match(/leaky: PASS/)
      .and.match(/alpha +\d\.\d+e-\d+/)
      .and.match(/1 of 1 cell configuration/);
    let failed = "";
    try {
      execFileSync("node", [cli, "gradcheck", "--require", file, "leaky_broken"], { encoding: "utf8" });
    } catch (err) {
      failed = (err as { stdout: string; status: number }).stdout;
      expect((err as { status: number }).status).to.equal(1);
    }
    expect(failed)
      .to.match(/leaky_broken: FAIL/)
      .and.match(/alpha .*over tolerance/);
  });
});
