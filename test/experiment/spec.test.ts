/** Experiment specs: learning-rate sweeps, per-cell sizes, equal-parameter rows, the presets' promises. */
import { expect } from "chai";
import {
  expand,
  hiddenForParams,
  lrOf,
  recurrentParamCount,
  resolveRow,
  type ExperimentSpec,
} from "../../src/experiment/spec";
import { preset } from "../../src/experiment/presets";
import { deviations } from "../../src/experiment/deviations";
import { modelFor } from "../../src/experiment/run";
import { Rng } from "../../src/math/rng";

describe("experiment specs", () => {
  it("resolveRow applies one override order: experiment, task by name, task entry, cell", () => {
    const tiny = preset("tiny", 0);
    const cell = { ...tiny.cells[0], hiddenByTask: { adding: 7 }, hidden: 6, train: { steps: 40 } };
    const spec: ExperimentSpec = {
      ...tiny,
      cells: [cell],
      hidden: 4,
      hiddenByTask: { adding: 5 },
      train: { ...tiny.train, steps: 10 },
      trainByTask: { adding: { steps: 20, batchSize: 3 } },
      tasks: [{ name: "adding", T: [12], train: { steps: 30 } }],
    };
    const row = (s: ExperimentSpec) => resolveRow(s, s.tasks[0], 12, s.cells[0]);
    const at = (s: ExperimentSpec) => [row(s).train.steps, row(s).train.batchSize, row(s).rnn.hiddenSize];
    expect(at(spec)).to.deep.equal([40, 3, 7]);
    const noCell = { ...spec, cells: [{ ...tiny.cells[0] }] };
    expect(at(noCell)).to.deep.equal([30, 3, 5]);
    expect(at({ ...noCell, tasks: [{ name: "adding", T: [12] }] })).to.deep.equal([20, 3, 5]);
    expect(at({ ...noCell, tasks: [{ name: "adding", T: [12] }], trainByTask: undefined, hiddenByTask: undefined }))
      .to.deep.equal([10, tiny.train.batchSize, 4]);
    expect(at({ ...spec, cells: [{ ...cell, hiddenByTask: undefined }] })[2]).to.equal(6);
    // Every run of the row is what the row says, but for its seed and (in a sweep) its rate.
    for (const r of expand(spec)) expect([r.train.steps, r.rnn.hiddenSize, lrOf(r)]).to.deep.equal([40, 7, 0.01]);
  });

  it("equal-parameter rows: H chosen so the cell's recurrent parameters match the reference cell's", () => {
    const lstm = recurrentParamCount({ kind: "lstm", inputSize: 2, hiddenSize: 128 });
    expect(lstm).to.equal(4 * 128 * (2 + 128 + 2)); // W_ih, W_hh and two biases per gate
    const H = hiddenForParams({ kind: "rnn_tanh", inputSize: 2 }, lstm);
    expect(H).to.equal(258); // H² + 4H nearest 67584
    const spec: ExperimentSpec = {
      ...preset("tiny", 0),
      hidden: 128,
      cells: [
        { name: "lstm", rnn: { kind: "lstm" } },
        { name: "rnn_eqp", rnn: { kind: "rnn_tanh" }, hidden: { equalParams: "lstm" } },
      ],
    };
    const runs = expand(spec);
    expect(runs.find((r) => r.cell === "rnn_eqp")!.rnn.hiddenSize).to.equal(258);
    expect(() => expand({ ...spec, cells: [spec.cells[1]] })).to.throw(
      /hidden.equalParams: expected the name of another cell/,
    );
  });

  it("learning-rate sweeps expand into one run per rate and seed, with the rate in the run id", () => {
    const spec = { ...preset("tiny", 0), seeds: [0, 1], lrs: [0.001, 0.01] };
    const runs = expand(spec);
    expect(runs).to.have.length(3 * 2 * 2);
    expect(runs.map((r) => r.id)).to.include("adding-T12-lstm-lr0.001-s1");
    expect(runs.every((r) => r.id.includes(`-lr${r.train.optimizer.lr}-`)), "at its id's rate").to.equal(true);
    expect(runs.some((r) => "lr" in r || "hidden" in r), "a run spec says its rate and size once").to.equal(false);
    expect(() => expand({ ...spec, lrs: [] })).to.throw(
      /experiment.lrs: expected a non-empty array of positive learning rates/,
    );
    expect(() => expand({ ...spec, cells: [{ ...spec.cells[0], hiden: 4 } as never] })).to.throw(
      /unknown option "hiden"/,
    );
  });

  it("the authors' readout: readoutInit gets to each run spec and model; PyTorch's leaves run specs unchanged", () => {
    const spec = preset("tiny", 0);
    const plain = expand(spec);
    expect(expand({ ...spec, readoutInit: "pytorch" })).to.deep.equal(plain);
    const glorot = expand({ ...spec, readoutInit: "glorot" });
    expect(glorot.map((r) => r.readoutInit)).to.deep.equal(plain.map(() => "glorot"));
    const bias = (r: (typeof plain)[number]) => Array.from(modelFor(r, new Rng(1)).head.params.bias.data);
    expect(bias(glorot[0]).every((b) => b === 0)).to.equal(true);
    expect(bias(plain[0]).some((b) => b !== 0)).to.equal(true);
    expect(deviations({ ...spec, tasks: [{ name: "adding", T: [100] }], readoutInit: "glorot" }).find(
      (d) => d.setting === "readout",
    )!.ours).to.match(/^Glorot uniform weights, bias 0/);
    expect(() => expand({ ...spec, readoutInit: "xavier" as never })).to.throw(
      'experiment.readoutInit: expected "pytorch" or "glorot", got "xavier"',
    );
  });

  it(
    "quick: ≥ 3 seeds with a learning-rate sweep; paper: Arjovsky et al.'s recipe, ≥ 5 seeds, the IRNN and the " +
      "ablations",
    () => {
      const quick = preset("quick", 0);
      expect(quick.seeds.length).to.be.at.least(3);
      expect(quick.lrs!.length).to.be.at.least(2);
      const paper = preset("paper", 0);
      const runs = expand(paper);
      expect(paper.seeds.length).to.be.at.least(5);
      expect(paper.train).to.deep.include({
        batchSize: 20,
        clip: { kind: "value", max: 1 },
        trainSet: { size: 100000, seed: 0x7a1 },
      });
      expect(paper.train.optimizer).to.deep.equal({ kind: "rmsprop", lr: 1e-3, alpha: 0.9 });
      expect(paper.tasks.find((t) => t.name === "adding")!.T).to.deep.equal([100, 200, 400, 750]);
      expect(paper.tasks.find((t) => t.name === "copy")!.T).to.deep.equal([100, 200]);
      const copyHidden = (cell: string) => runs.find((r) => r.task.name === "copy" && r.cell === cell)!.rnn.hiddenSize;
      expect([copyHidden("lstm"), copyHidden("rnn_tanh"), copyHidden("irnn")]).to.deep.equal([40, 80, 80]);
      expect(runs.find((r) => r.cell === "irnn")!.rnn).to.include({ kind: "rnn_relu", init: "irnn" });
      expect(new Set(runs.filter((r) => r.cell === "irnn" && r.stage === "pilot").map(lrOf))).to.deep.equal(
        new Set([1e-5, 1e-4, 1e-3]),
      );
      expect(paper).to.deep.include({ lrSelection: "staged", pilotSeeds: 2 });
      expect(runs.filter((r) => r.cell === "lstm" && r.task.name === "adding" && r.task.T === 100).map((r) => r.id))
        .to.deep.equal([
          ...[0.0001, 0.001, 0.01].flatMap((lr) => [0, 1].map((s) => `adding-T100-lstm-lr${lr}-s${s}`)),
          ...[2, 3, 4].map((s) => `adding-T100-lstm-chosen-s${s}`),
        ]);
      expect(runs.find((r) => r.cell === "gru_ub1")!.rnn).to.include({ updateBias: 1 });
      expect(runs.find((r) => r.cell === "lstm_fb0")!.rnn).to.include({ forgetBias: 0 });
    },
  );

  it("the deviations table reads what the spec did, beside each paper's recipe", () => {
    const rows = deviations(preset("paper", 0));
    const get = (paper: RegExp, setting: string) => rows.find((d) => paper.test(d.paper) && d.setting === setting)!;
    expect(get(/Arjovsky/, "clipping").ours).to.equal("element-wise at 1 (urnn: none)");
    expect(get(/Arjovsky/, "training_data").ours).to.match(/fixed set of 100000 sequences/);
    expect(get(/Arjovsky/, "selection").paper_value).to.match(/best test-set MSE/);
    expect(get(/Hochreiter/, "sequence_length").ours).to.equal("fixed at T");
    const quick = deviations(preset("quick", 0));
    expect(
      quick.some((d) => /Hochreiter/.test(d.paper)),
      "quick runs no HS97 task",
    ).to.equal(false);
    expect(quick.find((d) => d.setting === "clipping")!.ours).to.equal("global norm at 1");
    expect(quick.find((d) => d.setting === "optimizer")!.ours).to.match(/Adam, lr swept over \{0.003, 0.01\}/);
  });

  it("headline: Arjovsky et al.'s adding (T = 100, 200) and copy (T = 100) at their sizes and step budgets", () => {
    const spec = preset("headline", 0);
    const runs = expand(spec);
    const of = (task: string, T: number, cell: string) =>
      runs.filter((r) => r.task.name === task && r.task.T === T && r.cell === cell);
    expect(spec).to.deep.include({ lrSelection: "staged", pilotSeeds: 2, hidden: 128 });
    expect(spec.cells.map((c) => c.name)).to.deep.equal(["rnn_tanh", "irnn", "lstm", "gru", "urnn"]);
    // their budgets, read from their figures: 30 000 and 47 000 adding steps, 10^6 copy examples at batch 20
    expect(of("adding", 100, "lstm")[0].train).to.deep.include({ steps: 30000, batchSize: 20, earlyStop: true });
    expect(of("adding", 200, "lstm")[0].train.steps).to.equal(47000);
    expect(of("copy", 100, "gru")[0].train.steps).to.equal(50000);
    // 5 seeds at every length: 3 rates × 2 pilot seeds, then the chosen rate on 3 fresh ones
    expect(new Set(of("adding", 100, "rnn_tanh").map((r) => r.seed)).size).to.equal(5);
    expect(of("adding", 100, "rnn_tanh")).to.have.length(3 * 2 + 3);
    expect(of("adding", 200, "gru")).to.have.length(3 * 2 + 3);
    expect(of("adding", 100, "urnn").map((r) => [lrOf(r), r.rnn.hiddenSize, r.train.clip])).to.deep.equal(
      Array(5).fill([1e-3, 1024, null]),
    );
    const H = (cell: string) => of("copy", 100, cell)[0].rnn.hiddenSize;
    expect([H("urnn"), H("lstm"), H("rnn_tanh"), H("irnn")]).to.deep.equal([256, 80 / 2, 80, 80]);
    expect(of("adding", 100, "lstm")[0].rnn).to.deep.include({ init: "glorot", forgetBias: 1 });
    expect(of("adding", 100, "lstm")[0].train.optimizer).to.deep.equal({ kind: "rmsprop", lr: 1e-4, alpha: 0.9 });
    expect(runs).to.have.length(123);
    expect(() => expand({ ...spec, tasks: [{ name: "adding", T: [10], steps: 5 } as never] })).to.throw(
      /experiment.tasks\[adding\]/,
    );
    expect(() => expand({ ...spec, tasks: [{ name: "adding", T: [10], seeds: [] }] })).to.throw(
      "experiment.tasks[adding].seeds: expected a non-empty array of non-negative integers, got an array of length 0",
    );
    // The entry that is wrong is named, not only the array's length.
    expect(() => expand({ ...spec, seeds: [0, 1, NaN] })).to.throw(
      "experiment.seeds[2]: expected a non-negative integer, got NaN",
    );
  });
});

