#!/usr/bin/env node
// Redraws the README's two pictures (PNG, through headless Chromium: Debian's `chromium`):
//   docs/img/gradient-flow.png  ‖∂L/∂h_t‖ at T = 100 from the committed results/quick runs (seed 0, each
//                               cell at the rate validation chose), at initialisation and after training;
//   docs/img/gates.png          the gates of the GRU that docs/notebooks.md trains (same config and seeds).
"use strict";
const path = require("path");
const gs = require(path.join(__dirname, "../dist/src"));

async function main() {
  const root = path.resolve(__dirname, "..");
  const results = gs.readResults(path.join(root, "results/quick/results.json"));
  const profiles = results.summary
    .filter((row) => row.task === "adding" && row.T === 100)
    .flatMap((row) => {
      const run = results.runs.find((r) => r.task === "adding" && r.T === 100 && r.cell === row.cell &&
        r.lr === row.lr && r.seed === Math.min(...results.runs.filter((q) => q.cell === row.cell).map((q) => q.seed)));
      const flow = run.grad_flow;
      return [
        { cell: row.cell, label: `${row.cell}, initialisation`, norms: flow[0].norms, dash: "dot" },
        { cell: row.cell, label: `${row.cell}, trained`, norms: flow[flow.length - 1].norms },
      ];
    });
  const flow = gs.gradientFlowFigure(profiles, "Adding problem, T = 100: ‖∂L/∂h_t‖ before and after training");

  const task = gs.makeTask({ name: "adding", T: 50 });
  const rnn = { kind: "gru", inputSize: 2, hiddenSize: 32 };
  const model = new gs.SequenceModel({ rnn, outputSize: 1, readout: "last" }, new gs.Rng(0));
  const config = { steps: 600, batchSize: 32, optimizer: { kind: "adam", lr: 0.01 }, clip: { kind: "norm", max: 1 } };
  const result = await gs.train(model, task, config, new gs.Rng(1));
  const probe = gs.testSet(task, 8);
  const trace = model.rnn.forward(probe.x).trace;
  const gates = gs.gateHeatmaps(trace, {
    input: gs.inputChannels(probe.x, 0, ["value", "marker"]),
    title: `A GRU on the adding problem, T = 50 (test MSE ${result.selected.test.metric.toFixed(4)})`,
  });
  const size = { width: 900, height: 560 };
  await gs.saveFigure(flow, path.join(root, "docs/img/gradient-flow.png"), size);
  await gs.saveFigure(gates, path.join(root, "docs/img/gates.png"), size);
  console.log("wrote docs/img/gradient-flow.png and docs/img/gates.png");
}

main().catch((e) => {
  console.error(e.message);
  process.exitCode = 1;
});
