/**
 * Bad configurations, one per rule: each is refused with the message that names the field,
 * what it must be and what came — and a good one beside it passes, so no rule refuses
 * everything. Then the texts an experiment's spec turns into. (These are the checks a mutation
 * run found never exercised.)
 */
import { expect } from "chai";
import { checkSchedule, learningRate, type ScheduleConfig } from "../../src/optim/schedule";
import { expand, hiddenForParams, recurrentParamCount, type ExperimentSpec } from "../../src/experiment/spec";
import { deviations } from "../../src/experiment/deviations";
import { preset } from "../../src/experiment/presets";

const refuses = (f: () => unknown, message: RegExp) => expect(f).to.throw(message);

const BASE: ExperimentSpec = {
  cells: [{ name: "x", rnn: { kind: "rnn_tanh" } }],
  tasks: [{ name: "adding", T: [10] }],
  seeds: [0, 1],
  hidden: 8,
  train: { steps: 10, batchSize: 4, optimizer: { kind: "adam", lr: 0.01 } },
};
const spec = (patch: Record<string, unknown>) => ({ ...BASE, ...patch }) as ExperimentSpec;
const cell = (patch: Record<string, unknown>) => spec({ cells: [{ name: "x", rnn: { kind: "rnn_tanh" }, ...patch }] });

describe("bad configurations are refused, rule by rule", () => {
  it("learning-rate schedules", () => {
    refuses(() => checkSchedule(null), /^schedule: expected \{kind: constant\|step\|cosine, \.\.\.\}, got null$/);
    refuses(() => checkSchedule("step"), /^schedule: expected \{kind/);
    refuses(
      () => checkSchedule({ kind: "linear" }),
      /^schedule\.kind: expected one of constant, step, cosine, got "linear"$/,
    );
    refuses(() => checkSchedule({ kind: 3 }), /^schedule\.kind: expected one of/);
    refuses(
      () => checkSchedule({ kind: "step", every: 2, gamma: 0.5, evry: 1 }),
      new RegExp(
        '^schedule \\(step\\): expected only \\[kind, every, gamma, warmup\\], got unknown option "evry" ' +
          '\\(did you mean "every"\\?\\)$',
      ),
    );
    refuses(
      () => checkSchedule({ kind: "constant", total: 3 }),
      /^schedule \(constant\): expected only \[kind, warmup\]/,
    );
    refuses(
      () => checkSchedule({ kind: "cosine", every: 3, total: 3 }),
      /^schedule \(cosine\): expected only \[kind, total/,
    );
    refuses(
      () => checkSchedule({ kind: "constant", warmup: -1 }),
      /^schedule\.warmup: expected an integer ≥ 0, got -1$/,
    );
    refuses(
      () => checkSchedule({ kind: "constant", warmup: 1.5 }),
      /^schedule\.warmup: expected an integer ≥ 0, got 1\.5$/,
    );
    refuses(
      () => checkSchedule({ kind: "step", gamma: 0.5 }),
      /^schedule\.every: expected an integer ≥ 1, got undefined$/,
    );
    refuses(
      () => checkSchedule({ kind: "step", every: 0, gamma: 0.5 }),
      /^schedule\.every: expected an integer ≥ 1, got 0$/,
    );
    refuses(
      () => checkSchedule({ kind: "step", every: 2 }),
      /^schedule\.gamma: expected a positive number, got undefined$/,
    );
    refuses(
      () => checkSchedule({ kind: "step", every: 2, gamma: 0 }),
      /^schedule\.gamma: expected a positive number, got 0$/,
    );
    refuses(
      () => checkSchedule({ kind: "step", every: 2, gamma: "1" }),
      /^schedule\.gamma: expected a positive number/,
    );
    refuses(() => checkSchedule({ kind: "cosine" }), /^schedule\.total: expected an integer ≥ 1, got undefined$/);
    refuses(() => checkSchedule({ kind: "cosine", total: 0 }), /^schedule\.total: expected an integer ≥ 1, got 0$/);
    refuses(
      () => checkSchedule({ kind: "cosine", total: 5, min: -0.1 }),
      /^schedule\.min: expected a non-negative number, got -0\.1$/,
    );
    refuses(
      () => checkSchedule({ kind: "cosine", total: 5, min: "0" }),
      /^schedule\.min: expected a non-negative number/,
    );
    refuses(
      () => checkSchedule({ kind: "cosine", total: 5, min: NaN }),
      /^schedule\.min: expected a non-negative number, got NaN$/,
    );
    refuses(
      () => checkSchedule({ kind: "linear" }, "train config.schedule"),
      /^train config\.schedule\.kind: expected/,
    );
    const good: ScheduleConfig[] = [
      { kind: "constant" },
      { kind: "constant", warmup: 0 },
      { kind: "step", every: 1, gamma: 0.5, warmup: 3 },
      { kind: "cosine", total: 1 },
      { kind: "cosine", total: 4, min: 0 },
    ];
    for (const g of good) expect(checkSchedule(g)).to.deep.equal(g);
    // And what they compute: warm-up, then the closed forms (lr of step s).
    const lrs = (s: ScheduleConfig) => [0, 1, 2, 3, 4, 5].map((k) => learningRate(1, s, k));
    expect(lrs({ kind: "constant", warmup: 2 })).to.deep.equal([0.5, 1, 1, 1, 1, 1]);
    expect(lrs({ kind: "step", every: 2, gamma: 0.5 })).to.deep.equal([1, 1, 0.5, 0.5, 0.25, 0.25]);
    const cos = lrs({ kind: "cosine", total: 4, min: 0.2 });
    [1, 0.2 + (0.8 * (1 + Math.SQRT1_2)) / 2, 0.6, 0.2 + (0.8 * (1 - Math.SQRT1_2)) / 2, 0.2, 0.2].forEach((v, k) =>
      expect(cos[k], `cosine at ${k}`).to.be.closeTo(v, 1e-15),
    );
  });

  it("experiment specs", () => {
    expect(expand(BASE)).to.have.length(2);
    refuses(() => expand(null as unknown as ExperimentSpec), /^experiment: expected an object, got null$/);
    refuses(
      () => expand(spec({ seed: [0] })),
      /^experiment: expected only \[.*\], got unknown option "seed" \(did you mean "seeds"\?\)$/,
    );
    refuses(
      () => expand(spec({ cells: [] })),
      /^experiment\.cells: expected a non-empty array of \{name, rnn\}, got an array of length 0$/,
    );
    refuses(() => expand(spec({ cells: "x" })), /^experiment\.cells: expected a non-empty array/);
    refuses(
      () => expand(spec({ tasks: [] })),
      /^experiment\.tasks: expected a non-empty array of \{name, T: number\[\]\}/,
    );
    refuses(
      () => expand(spec({ tasks: [{ name: "adding", T: [] }] })),
      /^experiment\.tasks\[adding\]\.T: expected a non-empty array/,
    );
    for (const seeds of [[], "0"]) {
      refuses(() => expand(spec({ seeds })), /^experiment\.seeds: expected a non-empty array of non-negative integers/);
    }
    // A wrong entry is named by its index, not only by the array's length.
    refuses(() => expand(spec({ seeds: [-1] })), /^experiment\.seeds\[0\]: expected a non-negative integer, got -1$/);
    refuses(
      () => expand(spec({ seeds: [0, 1.5] })),
      /^experiment\.seeds\[1\]: expected a non-negative integer, got 1.5$/,
    );
    refuses(() => expand(spec({ hidden: 0 })), /^experiment\.hidden: expected a positive integer, got 0$/);
    for (const lrs of [[], 0.1]) {
      refuses(() => expand(spec({ lrs })), /^experiment\.lrs: expected a non-empty array of positive learning rates/);
    }
    for (const [lrs, got] of [[[0], "0"], [[-0.1], "-0.1"], [[NaN], "NaN"], [["0.1"], '"0.1"'], [[0.1, 0], "0"]]) {
      const i = (lrs as unknown[]).length - 1;
      const want = `experiment.lrs[${i}]: expected a positive learning rate, got ${got}`;
      expect(() => expand(spec({ lrs }))).to.throw(want);
    }
    refuses(() => expand(spec({ lrs: [0.1, 0.1] })), /^experiment\.lrs: expected distinct learning rates/);
    expect(expand(spec({ lrs: [0.1, 0.01] })).map((r) => r.id)).to.deep.equal([
      "adding-T10-x-lr0.1-s0",
      "adding-T10-x-lr0.1-s1",
      "adding-T10-x-lr0.01-s0",
      "adding-T10-x-lr0.01-s1",
    ]);
    expect(expand(cell({ hidden: 1 }))[0].rnn.hiddenSize).to.equal(1);
    refuses(
      () => expand(spec({ cells: [{ name: "a b", rnn: { kind: "lstm" } }] })),
      /^experiment\.cells\[\]\.name: expected a name of letters/,
    );
    const twice = [
      { name: "x", rnn: { kind: "lstm" } },
      { name: "x", rnn: { kind: "gru" } },
    ];
    refuses(() => expand(spec({ cells: twice })), /^experiment\.cells: expected unique names, got "x" twice$/);
    refuses(
      () => expand(cell({ lr: [0.1] })),
      /^experiment\.cells\[x\]: expected only \[.*\], got unknown option "lr" \(did you mean "lrs"\?\)$/,
    );
    refuses(
      () => expand(cell({ lrs: [0] })),
      /^experiment\.cells\[x\]\.lrs\[0\]: expected a positive learning rate, got 0$/,
    );
    refuses(
      () => expand(cell({ hidden: 0 })),
      /^experiment\.cells\[x\]\.hidden: expected a positive integer or \{equalParams: cell\}, got 0$/,
    );
    refuses(
      () => expand(cell({ hidden: { equalParams: "x" } })),
      /^experiment\.cells\[x\]\.hidden\.equalParams: expected the name of another cell/,
    );
    refuses(
      () => expand(cell({ hidden: { equalParams: "y" } })),
      /^experiment\.cells\[x\]\.hidden\.equalParams: expected the name of another cell/,
    );
    refuses(
      () => expand(cell({ rnn: { kind: "rnn_tanh", forgetBias: 1 } })),
      /^config\.forgetBias: expected no forgetBias for kind "rnn_tanh"/,
    );
  });

  it("hidden sizes for equal parameter counts: the nearest, the smaller on ties, up to 8192", () => {
    const rnn = { kind: "rnn_tanh", inputSize: 1 } as const; // H² + 3H recurrent parameters
    expect(recurrentParamCount({ ...rnn, hiddenSize: 3 })).to.equal(18);
    expect(recurrentParamCount({ ...rnn, hiddenSize: 4 })).to.equal(28);
    expect(hiddenForParams(rnn, 18)).to.equal(3);
    expect(hiddenForParams(rnn, 23)).to.equal(3); // 5 from both: the smaller
    expect(hiddenForParams(rnn, 24)).to.equal(4);
    expect(hiddenForParams(rnn, 1)).to.equal(1);
    expect(hiddenForParams(rnn, 1e12)).to.equal(8192);
    // Two layers: the second reads H inputs, not D.
    expect(recurrentParamCount({ ...rnn, hiddenSize: 3, numLayers: 2 })).to.equal(18 + 9 + 9 + 6);
  });

  it("the deviations table says what the spec did: optimizers, per-cell overrides, initialisation, clipping", () => {
    const s: ExperimentSpec = {
      cells: [
        { name: "rnn", rnn: { kind: "rnn_tanh", init: { weight_hh: { kind: "orthogonal" } } } },
        { name: "orth", rnn: { kind: "rnn_tanh", init: "keras" } },
        { name: "lstm", rnn: { kind: "lstm", forgetBias: null } },
        { name: "lstm2", rnn: { kind: "lstm" } },
        { name: "gru", rnn: { kind: "gru", updateBias: 1 }, train: { optimizer: { kind: "sgd", lr: 0.1 } } },
        { name: "gru0", rnn: { kind: "gru" }, lrs: [0.1, 0.2] },
      ],
      tasks: [{ name: "adding", T: [10] }],
      seeds: [0],
      hidden: 8,
      train: { steps: 10, batchSize: 4, optimizer: { kind: "rmsprop", lr: 0.001, alpha: 0.9 }, clip: null },
    };
    const ours = Object.fromEntries(deviations(s).map((d) => [d.setting, d.ours]));
    const R = "RMSProp (PyTorch's: cache from 0, ε = 1e-8)";
    expect(ours.optimizer).to.equal(
      `${R}, lr 0.001, alpha 0.9; gru: SGD, lr 0.1; gru0: ${R}, lr swept over {0.1, 0.2}, chosen on validation, ` +
        "alpha 0.9",
    );
    expect(ours.clipping).to.equal("none");
    expect(ours.init).to.equal(
      "rnn: custom; orth: keras; lstm: pytorch; lstm2: pytorch, forget bias 1; " +
        "gru: pytorch, update bias 1; gru0: pytorch. Unlike the authors: initial states fixed at 0, not learned; " +
        "no c_t → output-gate matrix (gatescope's peepholes are Gers' diagonal ones on i, f, o)",
    );
    expect(deviations({ ...s, lrSelection: "staged", seeds: [0, 1, 2] }).find((d) => d.setting === "optimizer")!.ours)
      .to.include(`gru0: ${R}, lr swept over {0.1, 0.2}, chosen on validation (staged: every rate on the first 2 ` +
        "seed(s), the chosen one on the rest)");
    const adam = deviations({ ...s, train: { ...s.train, optimizer: { kind: "adam", lr: 0.01 } } });
    expect(adam.find((d) => d.setting === "optimizer")!.ours).to.match(/^Adam, lr 0\.01 \(gru: SGD, lr 0\.1;/);
  });

  it("the paper preset's deviations, row by row, as its spec has them", () => {
    const rows = deviations(preset("paper", 0)).map((d) => [d.paper, d.setting, d.ours]);
    const staged = "(staged: every rate on the first 2 seed(s), the chosen one on the rest)";
    const R = "RMSProp (PyTorch's: cache from 0, ε = 1e-8)";
    const sweep =
      `${R}, lr swept over {0.0001, 0.001, 0.01}, chosen on validation ${staged}, alpha 0.9; urnn: ${R}, ` +
      `lr 0.001, alpha 0.9; irnn: ${R}, lr swept over {0.00001, 0.0001, 0.001}, chosen on validation ${staged}, ` +
      "alpha 0.9";
    const A = "Arjovsky et al. 2016",
      HS = "Hochreiter & Schmidhuber 1997";
    expect(rows).to.deep.equal([
      [
        A,
        "lengths",
        "adding T = 100, 200, 400, 750 (5 seeds); copy T = 100, 200 (5 seeds). Not run: copy T = 300, 500",
      ],
      [A, "optimizer", sweep],
      [A, "batch", "20"],
      [A, "clipping", "element-wise at 1 (urnn: none)"],
      [A, "training_data", "a fixed set of 100000 sequences (seed 1953)"],
      [
        A,
        "init",
        "rnn_tanh: pytorch; lstm: pytorch, forget bias 1; gru: pytorch; rnn_tanh_glorot: glorot; " +
          "lstm_glorot: glorot, forget bias 1; urnn: keras; irnn: irnn; lstm_fb0: pytorch, forget bias 0; " +
          "gru_ub1: pytorch, update bias 1; rnn_tanh_eqp: pytorch; gru_eqp: pytorch. Unlike the authors: initial " +
          "states fixed at 0, not learned; no c_t → output-gate matrix (gatescope's peepholes are Gers' diagonal " +
          "ones on i, f, o); the irnn preset's input weights are N(0, 0.001²) (Le et al.)",
      ],
      [
        A,
        "hidden",
        "128 (80 on copy); lstm: 128 (40 on copy); lstm_glorot: 128 (40 on copy); urnn: 128 (256 on copy); " +
          "lstm_fb0: 128 (40 on copy); rnn_tanh_eqp: 258 (85 on copy), as many parameters as lstm; " +
          "gru_eqp: 148 (47 on copy), as many parameters as lstm",
      ],
      [
        A,
        "iterations",
        "≤ 20000, early stop once solved on validation. Fewer steps than the paper's at adding T = 100 (30000), " +
          "adding T = 200 (47000), adding T = 400 (36000), adding T = 750 (100000), copy T = 100 (50000), " +
          'copy T = 200 (50000): there a verdict says only what this budget can show (a solve or a beaten baseline, ' +
          'or a solve the paper never saw), else "not comparable"',
      ],
      [A, "selection", "weights with the best validation metric (validation set of 1000), test scored once"],
      [
        A,
        "seeds",
        "5 seeds per row; the first 2 choose a swept rate, and a row's numbers and verdict come from the others " +
          "(every seed where a cell has one rate)",
      ],
      [A, "readout", "PyTorch's nn.Linear: weights and bias U(±1/√H)"],
      [A, "batches", "each of a batch's sequences drawn from the fixed set with replacement, by the run's seed"],
      [A, "copy_classes", "10 (blank, 8 symbols, delimiter), as input and as output"],
      [A, "modrelu", "no ε; bias initialised to 0 (the draft's value)"],
      [HS, "sequence_length", "fixed at T"],
      [HS, "criterion", "the criterion on the held-out validation set; reported on the test set"],
      [HS, "optimizer", sweep],
      [
        HS,
        "architecture",
        "one recurrent layer: Elman's vanilla RNN, h_t = tanh(x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh) " +
          "(PyTorch's nn.RNN); long short-term memory with a forget gate (PyTorch's nn.LSTM); gated recurrent " +
          "unit (Cho et al. 2014), gates r, z, n in PyTorch's order; unitary evolution RNN (Arjovsky et al. " +
          "2016): W = D3 R2 F⁻¹ D2 Π R1 F D1, complex state, modReLU; Elman's vanilla RNN, " +
          "h_t = relu(x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh) (PyTorch's nn.RNN); tanh and σ unscaled; " +
          "a linear readout",
      ],
    ]);
    // Per-task overrides show up where they apply, as the runs have them: a task with its own step budget and
    // clipping, the experiment's hidden size by task.
    const q = preset("quick", 0);
    const two: ExperimentSpec = {
      ...q,
      tasks: [...q.tasks, { name: "copy", T: [100] }],
      hiddenByTask: { adding: 16 },
      trainByTask: { adding: { steps: 50, clip: null } },
    };
    const own = deviations(two);
    const get = (setting: string) => own.find((d) => d.setting === setting)!.ours;
    expect(get("hidden")).to.equal("16 (32 on copy)");
    expect(get("clipping")).to.equal("none (copy T = 100: global norm at 1)");
    const runs = expand(two);
    expect(new Set(runs.map((r) => `${r.task.name} ${r.rnn.hiddenSize} ${r.train.steps} ${r.train.clip?.max}`)))
      .to.deep.equal(new Set(["adding 16 50 undefined", "copy 32 3000 1"]));
    expect(get("iterations")).to.equal(
      "≤ 50 (copy T = 100: 3000), early stop once solved on validation. Fewer steps than the paper's at adding " +
        "T = 100 (30000), adding T = 200 (47000), copy T = 100 (50000): there a verdict says only what this budget " +
        'can show (a solve or a beaten baseline, or a solve the paper never saw), else "not comparable"',
    );
    expect(get("selection")).to.equal(
      "weights with the best validation metric (validation set of 500), test scored once",
    );
  });
});
