/** No silent typos: every options object a user passes rejects unknown keys and names the likely one. */
import { expect } from "chai";
import { nearest } from "../../src/errors";
import { Rng } from "../../src/math/rng";
import { RecurrentNet } from "../../src/model/recurrent";
import { SequenceModel } from "../../src/model/sequence-model";
import { makeTask } from "../../src/tasks";
import { train } from "../../src/train/train";
import type { TrainConfig } from "../../src/train/config";
import { loadCheckpoint, saveCheckpoint } from "../../src/io/checkpoint";
import { gateHeatmaps, gateSaturationHistogram } from "../../src/viz/gates";
import { learningCurves, sweepFigure } from "../../src/viz/training";
import { comparisonDashboard } from "../../src/experiment/dashboard";
import { saveFigure } from "../../src/viz/export";
import { show } from "../../kernel-lib/show";
import { tmpDir } from "../helpers/tmp";

const BASE: TrainConfig = { steps: 2, batchSize: 4, optimizer: { kind: "adam", lr: 0.01 }, testSize: 20 };

describe("strict options", () => {
  const dir = tmpDir("strict");

  it("nearest name: close typos get a suggestion, unrelated words do not", () => {
    expect(nearest("chekpoint", ["checkpoint", "steps"])).to.equal("checkpoint");
    expect(nearest("earlystop", ["earlyStop", "evalEvery"])).to.equal("earlyStop");
    expect(nearest("banana", ["steps", "clip"])).to.equal(null);
  });

  it("forward, backward, model and training options refuse typos, naming the option meant", async () => {
    const net = new RecurrentNet({ kind: "lstm", inputSize: 2, hiddenSize: 3 }, new Rng(1));
    const x = [
      [
        [0.1, 0.2],
        [0.3, 0.4],
      ],
    ];
    expect(() => net.forward(x, { h_0: [] } as never)).to.throw(
      /forward options: .*unknown option "h_0" \(did you mean "h0"\?\)/,
    );
    const fwd = net.forward(x);
    expect(() => net.backward(fwd, { dOuptut: [] } as never)).to.throw(
      /backward input: .*"dOuptut" \(did you mean "dOutput"\?\)/,
    );
    expect(() => net.backward(fwd, {}, { truncat: 2 } as never)).to.throw(/did you mean "truncate"/);
    const rnn = { kind: "gru" as const, inputSize: 2, hiddenSize: 3 };
    expect(() => new SequenceModel({ rnn, outputSize: 1, readot: "last" } as never, new Rng(1))).to.throw(
      /did you mean "readout"/,
    );
    const task = makeTask({ name: "adding", T: 5 });
    const m = new SequenceModel({ rnn, outputSize: 1, readout: "last" }, new Rng(1));
    const before = JSON.stringify(Array.from(m.params()["weight_hh_l0"].data));
    const cases: Array<[unknown, unknown, RegExp]> = [
      [
        { ...BASE, chekpoint: { path: "x", every: 1 } },
        {},
        /train config: .*"chekpoint" \(did you mean "checkpoint"\?\)/,
      ],
      [{ ...BASE, earlystop: true }, {}, /"earlystop" \(did you mean "earlyStop"\?\)/],
      [{ ...BASE, earlyStop: "yes" }, {}, /train config.earlyStop: expected a boolean, got "yes"/],
      [{ ...BASE, checkpoint: { path: "x", evry: 1 } }, {}, /train config.checkpoint: .*did you mean "every"/],
      [BASE, { resumefrom: "x" }, /train options: .*"resumefrom" \(did you mean "resumeFrom"\?\)/],
      [BASE, { callbacks: { onstep: () => 0 } }, /train options.callbacks: .*did you mean "onStep"/],
    ];
    for (const [config, options, re] of cases) {
      let err: Error | null = null;
      await train(m, task, config as TrainConfig, new Rng(2), options as never).catch((e: Error) => (err = e));
      expect(err, String(re)).to.not.equal(null);
      expect(err!.message).to.match(re);
    }
    expect(JSON.stringify(Array.from(m.params()["weight_hh_l0"].data)), "refused before training").to.equal(before);
  });

  it("checkpoint, figure and kit options refuse typos too", async () => {
    const net = new RecurrentNet({ kind: "lstm", inputSize: 2, hiddenSize: 3 }, new Rng(1));
    const file = `${dir}/net.json`;
    expect(() => saveCheckpoint(net, file, { fromat: "json" } as never)).to.throw(/did you mean "format"/);
    saveCheckpoint(net, file);
    expect(() => loadCheckpoint(file, { fromat: "json" } as never)).to.throw(
      /loadCheckpoint options: .*did you mean "format"/,
    );
    const trace = net.forward([
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
    ]).trace;
    expect(() => gateHeatmaps(trace, { sampel: 0 } as never)).to.throw(/gateHeatmaps options: .*did you mean "sample"/);
    expect(() => gateSaturationHistogram(trace, { layr: 0 } as never)).to.throw(/did you mean "layer"/);
    expect(() => learningCurves([], { baseline: 1, metricName: "MSE", titel: "x" } as never)).to.throw(
      /did you mean "title"/,
    );
    expect(() => sweepFigure([], { x: "a", y: "b", baseLine: 1 } as never)).to.throw(/did you mean "baseline"/);
    expect(() => comparisonDashboard([], { metricname: "MSE" } as never)).to.throw(/did you mean "metricName"/);
    let err: Error | null = null;
    await saveFigure({ data: [], layout: {} }, `${dir}/f.html`, { widht: 3 } as never).catch((e: Error) => (err = e));
    expect(err!.message).to.match(/saveFigure options: .*did you mean "width"/);
    const display = { html: () => undefined } as never;
    expect(() => show(display, { data: [], layout: {} }, { heigth: 300 } as never)).to.throw(
      /show options: .*did you mean "height"/,
    );
    expect(() =>
      show(display, { data: [], layout: {} }, { height: '1px"><script>alert(1)</script>' } as never),
    ).to.throw(/show options.height: expected an integer number of pixels in \[1, 10000\]/);
  });
});
