/** Figure builders, on real probe output from real models and a real (tiny) experiment. */
import { expect } from "chai";
import { Rng } from "../../src/math/rng";
import { SequenceModel } from "../../src/model/sequence-model";
import { makeTask, testSet } from "../../src/tasks";
import { train, probeGradientFlow } from "../../src/train/train";
import { gateStats, stateNorms } from "../../src/probe/gates";
import { gradientFlowFigure, gradientFlowHeatmap } from "../../src/viz/gradient-flow";
import { gateHeatmaps, gateTrajectories, gateSaturationHistogram, stateNormsFigure } from "../../src/viz/gates";
import { learningCurves, gradientNormsFigure } from "../../src/viz/training";
import { comparisonDashboard } from "../../src/experiment/dashboard";
import { cellDescription } from "../../src/cells";
import { runAll } from "../../src/experiment/pool";
import { expand } from "../../src/experiment/spec";
import { preset } from "../../src/experiment/presets";
import { reportFigures } from "../../src/experiment/report";
import { summarize } from "../../src/experiment/summary";
import { checkFigure } from "../helpers/plotly-spec";
import { tmpDir } from "../helpers/tmp";
import type { RunResult } from "../../src/experiment/run";

describe("figure builders", () => {
  const dir = tmpDir("figs");
  const task = makeTask({ name: "adding", T: 30 });
  const batch = testSet(task, 16);
  const models = (["rnn_tanh", "lstm", "gru"] as const).map((kind) => ({
    kind,
    m: new SequenceModel({ rnn: { kind, inputSize: 2, hiddenSize: 8 }, outputSize: 1, readout: "last" }, new Rng(1)),
  }));
  let runs: RunResult[] = [];

  before(async () => {
    runs = await runAll(expand(preset("tiny", 0)), { dir, jobs: 1 });
  });

  it("gradient flow: one log-scale line per model, decay rate in the legend, one colour per cell", () => {
    const fig = gradientFlowFigure(
      models.map(({ kind, m }) => ({ cell: kind, norms: probeGradientFlow(m, task, batch).norms })),
    );
    checkFigure(fig, "gradient flow");
    expect((fig.layout.yaxis as { type: string }).type).to.equal("log");
    // Each kind's own colour, from its description: Okabe & Ito's vermillion, blue, bluish green.
    expect(fig.data.map((t) => (t.line as { color: string }).color)).to.deep.equal(["#D55E00", "#0072B2", "#009E73"]);
    expect(["rnn_tanh", "lstm", "gru"].map((k) => cellDescription(k).color)).to.deep.equal([
      "#D55E00",
      "#0072B2",
      "#009E73",
    ]);
    expect(fig.data[0].name).to.match(/^RNN \(tanh\) \(-\d\.\d{3} decades\/step\)$/);
    expect((fig.data[0].x as number[]).length).to.equal(30);
  });

  it("gradient flow over training: a step × t heatmap", () => {
    const lstm = runs.find((r) => r.cell === "lstm")!;
    const fig = gradientFlowHeatmap(lstm.grad_flow);
    checkFigure(fig, "flow heatmap");
    expect((fig.data[0].z as number[][]).length).to.equal(lstm.grad_flow.length);
    expect(lstm.grad_flow.map((g) => g.step)).to.deep.equal([0, 10, 20, 30, 40]);
  });

  it("gate heatmaps with the input drawn alongside, trajectories, saturation, state norms", () => {
    const { m } = models[1];
    const fwd = m.rnn.forward(batch.x);
    const input = [0, 1].map((c) => ({
      name: c ? "marker" : "value",
      values: Array.from({ length: 30 }, (_, t) => batch.x.data[t * 2 + c]),
    }));
    const heat = gateHeatmaps(fwd.trace, { sample: 0, input });
    checkFigure(heat, "gate heatmaps");
    expect(heat.data.filter((t) => t.type === "heatmap").map((t) => t.name)).to.deep.equal([
      "input gate i",
      "forget gate f",
      "candidate g",
      "output gate o",
    ]);
    expect((heat.data.find((t) => t.type === "heatmap")!.z as number[][]).length).to.equal(8); // H units
    const stats = Object.fromEntries(["i", "f", "o"].map((g) => [g, gateStats(fwd.trace, g)]));
    checkFigure(gateTrajectories(stats), "trajectories");
    const hist = gateSaturationHistogram(fwd.trace);
    checkFigure(hist, "saturation");
    expect(hist.data).to.have.length(3);
    checkFigure(
      stateNormsFigure([
        { cell: "lstm", norms: stateNorms(fwd.trace, "h") },
        { cell: "lstm", norms: stateNorms(fwd.trace, "c"), state: "c" },
      ]),
      "state norms",
    );
  });

  it("learning curves: baseline drawn, log scale, a band per cell over seeds", async () => {
    const curves = [];
    for (const seed of [1, 2])
      for (const { kind } of models) {
        const m = new SequenceModel(
          { rnn: { kind, inputSize: 2, hiddenSize: 8 }, outputSize: 1, readout: "last" },
          new Rng(seed),
        );
        const r = await train(
          m,
          task,
          { steps: 20, batchSize: 8, optimizer: { kind: "adam", lr: 0.01 }, evalEvery: 5, testSize: 50 },
          new Rng(seed),
        );
        curves.push({ cell: kind, seed, evals: r.history.evals });
      }
    const fig = learningCurves(curves, { baseline: task.baseline, metricName: task.metricName });
    checkFigure(fig, "learning curves");
    expect(fig.data.filter((t) => t.fill === "tonexty")).to.have.length(3);
    expect(fig.data.at(-1)!.name).to.match(/^baseline 0.167/);
    expect((fig.layout.yaxis as { type: string }).type).to.equal("log");
  });

  it("per-parameter gradient norms with clipping events, and the comparison dashboard", () => {
    const r = runs.find((x) => x.cell === "rnn_tanh")!;
    const fig = gradientNormsFigure({
      steps: r.curve.map((c) => c.step),
      params: r.param_grad_norms,
      global: r.curve.map((c) => c.grad_norm),
      clipAt: 1,
    });
    checkFigure(fig, "grad norms");
    const clipped = fig.data.find((t) => String(t.name).startsWith("clipped"))!;
    expect((clipped.x as number[]).length).to.equal(r.curve.filter((c) => c.grad_norm > 1).length);
    const dash = comparisonDashboard(runs, { metricName: "MSE" });
    checkFigure(dash, "dashboard");
    for (const k of ["xaxis", "xaxis2", "xaxis3", "xaxis4", "yaxis4"]) expect(dash.layout).to.have.property(k);
    // a title above each panel, inside the figure
    const titles = dash.layout.annotations as { text: string; y: number }[];
    expect(titles.map((a) => a.text.replace(/<\/?b>/g, ""))).to.deep.equal([
      "Gradient flow at initialisation",
      "Gradient flow after training",
      "Learning curves",
      "Gradient norm while training",
    ]);
    for (const a of titles) expect(a.y).to.be.within(0, 1);
    const figs = reportFigures({ runs, summary: summarize(runs), manifest: { config: preset("tiny", 0) } } as never);
    expect(figs.length).to.be.at.least(4);
    for (const f of figs) {
      checkFigure(f.figure, f.heading);
      expect(f.caption, f.heading).to.be.a("string").and.not.equal("");
    }
  });
});
