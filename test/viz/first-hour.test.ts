/**
 * What a reader's figures need beyond the numbers: static images for viewers without scripts,
 * input channels in one call, binned histograms, rounded payloads, axes that show what matters.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { Rng } from "../../src/math/rng";
import { RecurrentNet } from "../../src/model/recurrent";
import { makeTask } from "../../src/tasks";
import { GatescopeError } from "../../src/errors";
import { figureHtml, plotlyInjection } from "../../src/viz/html";
import { gateSaturationHistogram, inputChannels, unitFigure } from "../../src/viz/gates";
import { gradientFlowFigure, gradientFlowHeatmap } from "../../src/viz/gradient-flow";
import { learningCurves } from "../../src/viz/training";
import { addStaticImages, STATIC_ATTRIBUTE } from "../../src/viz/static-images";
import { tmpDir } from "../helpers/tmp";

const fig = { data: [{ type: "scatter", x: [1, 2, 3], y: [0.123456789, 2, 1 / 3] }], layout: { height: 300 } };

describe("figures for the first hour", () => {
  const dir = tmpDir("first-hour");

  it("addStaticImages puts a PNG beside each chart and inside its HTML, once", async function () {
    this.timeout(60000);
    const output = (html: string) => ({ output_type: "display_data", data: { "text/html": html }, metadata: {} });
    const nb = {
      cells: [
        { cell_type: "code", outputs: [output(plotlyInjection() + figureHtml(fig, "chart-a"))] },
        { cell_type: "code", outputs: [output(figureHtml(fig, "chart-b")), { output_type: "stream", text: "x" }] },
        { cell_type: "markdown", source: "no outputs" },
      ],
    };
    const file = path.join(dir, "nb.ipynb");
    fs.writeFileSync(file, JSON.stringify(nb));
    expect(await addStaticImages(file)).to.equal(2);
    const done = JSON.parse(fs.readFileSync(file, "utf8"));
    for (const [k, id] of [
      [0, "chart-a"],
      [1, "chart-b"],
    ] as const) {
      const data = done.cells[k].outputs[0].data;
      const png = Buffer.from(data["image/png"], "base64");
      expect(png.subarray(1, 4).toString()).to.equal("PNG");
      expect(png.readUInt32BE(16), "width").to.equal(900);
      expect(png.readUInt32BE(20), "height").to.equal(300);
      expect(data["text/html"]).to.include(`<img ${STATIC_ATTRIBUTE}="${id}"`);
      expect(data["text/html"]).to.include(`src="data:image/png;base64,${data["image/png"]}"`);
    }
    expect(await addStaticImages(file), "outputs that have an image are left alone").to.equal(0);
    fs.writeFileSync(path.join(dir, "bad.ipynb"), "{ not json");
    let err: unknown;
    await addStaticImages(path.join(dir, "bad.ipynb")).catch((e) => (err = e));
    expect(err).to.be.instanceOf(GatescopeError);
    expect((err as Error).message).to.match(/bad\.ipynb: expected a notebook \(\.ipynb JSON\), got /);
  });

  it("a chart's script removes its static image before drawing, and keeps it if plotly.js never comes", () => {
    const html = figureHtml(fig, "c");
    expect(html).to.match(/querySelector\("img\[data-gatescope-static\]"\)/);
    expect(html).to.match(/if \(still\) el\.removeChild\(still\)/);
  });

  it("figure numbers are rounded to 4 significant digits in the HTML", () => {
    const html = figureHtml(fig, "c");
    expect(html).to.include("[0.1235,2,0.3333]");
    expect(html).to.not.include("0.123456789");
  });

  it("inputChannels: a sequence's channels by name, in one call", () => {
    const batch = makeTask({ name: "adding", T: 10 }).sample(new Rng(1), 3);
    const ch = inputChannels(batch.x, 2, ["value", "marker"]);
    expect(ch.map((c) => c.name)).to.deep.equal(["value", "marker"]);
    expect(ch[1].values).to.have.length(10);
    expect(
      ch[1].values.reduce((a, b) => a + b, 0),
      "two markers",
    ).to.equal(2);
    for (let t = 0; t < 10; t++) expect(ch[0].values[t]).to.equal(batch.x.data[(2 * 10 + t) * 2]);
    expect(inputChannels(batch.x, 0)[1].name).to.equal("input 1");
    expect(() => inputChannels(batch.x, 3)).to.throw(
      /inputChannels: expected an N×T×D input and a sample in \[0, 2\]/,
    );
  });

  it("saturation histograms carry 50 bins per gate whose fractions sum to 1, not every activation", () => {
    const net = new RecurrentNet({ kind: "lstm", inputSize: 2, hiddenSize: 8 }, new Rng(2));
    const x = makeTask({ name: "adding", T: 20 }).sample(new Rng(3), 16).x;
    const hist = gateSaturationHistogram(net.forward(x).trace);
    expect(hist.data).to.have.length(3);
    for (const t of hist.data) {
      expect(t.type).to.equal("bar");
      expect(t.y as number[]).to.have.length(50);
      expect((t.y as number[]).reduce((a, b) => a + b, 0)).to.be.closeTo(1, 1e-12);
    }
  });

  it("learningCurves' yRange bounds the log axis; gradientFlowFigure relabels its axes", () => {
    const curves = learningCurves([{ cell: "lstm", seed: 0, evals: [{ step: 0, metric: 1e40 }] }], {
      baseline: 0.167,
      metricName: "MSE",
      yRange: [0.01, 100],
    });
    expect((curves.layout.yaxis as { range: number[] }).range).to.deep.equal([-2, 2]);
    expect(() => learningCurves([], { baseline: 1, metricName: "MSE", yRange: [0, 1] })).to.throw(
      /learningCurves options\.yRange: expected \[low, high\] with 0 < low < high/,
    );
    const flow = gradientFlowFigure([{ cell: "rnn_tanh", norms: [1, 0.5] }], "one unit", {
      x: "sequence length T",
      y: "|∂h_T/∂h_0|",
    });
    expect((flow.layout.xaxis as { title: { text: string } }).title.text).to.equal("sequence length T");
    expect((flow.layout.yaxis as { title: { text: string } }).title.text).to.equal("|∂h_T/∂h_0|");
    expect(() => gradientFlowFigure([], "t", { z: "no" } as never)).to.throw(/gradientFlowFigure axes/);
  });

  it("gradient-flow heatmaps draw an underflow to 0 a decade below the smallest norm, and say so", () => {
    const heat = gradientFlowHeatmap([
      { step: 0, norms: [0, 1e-20, 1] },
      { step: 10, norms: [1e-3, 1e-2, 1] },
    ]);
    const z = heat.data[0].z as number[][];
    expect(z[0][0]).to.equal(-21);
    expect(
      z.flat().every((v) => Number.isFinite(v)),
      "no gaps",
    ).to.equal(true);
    expect(JSON.stringify(heat.data[0].colorbar)).to.include("-21: underflow to 0");
    const clean = gradientFlowHeatmap([{ step: 0, norms: [1e-3, 1] }]);
    expect(JSON.stringify(clean.data[0].colorbar)).to.not.include("underflow");
  });

  it("unitFigure: one unit's σ gates, its cell state on the right axis, markers as bars", () => {
    const net = new RecurrentNet({ kind: "lstm", inputSize: 2, hiddenSize: 4 }, new Rng(2));
    const x = makeTask({ name: "adding", T: 12 }).sample(new Rng(3), 2).x;
    const trace = net.forward(x).trace;
    const fig = unitFigure(trace, { unit: 3, sample: 1, input: inputChannels(x, 1, ["value", "marker"]) });
    expect(fig.data.map((t) => [t.type, t.name])).to.deep.equal([
      ["scatter", "value"],
      ["bar", "marker"],
      ["scatter", "input gate i"],
      ["scatter", "forget gate f"],
      ["scatter", "output gate o"],
      ["scatter", "cell state c (right axis)"],
    ]);
    const f = trace.get("f");
    for (let t = 0; t < 12; t++) expect((fig.data[3].y as number[])[t]).to.equal(f.data[(1 * 12 + t) * 4 + 3]);
    expect(fig.data[5].yaxis).to.equal("y2");
    expect(() => unitFigure(trace, { unit: 4 })).to.throw(
      /unitFigure: expected a unit in \[0, 3\] and a sample in \[0, 1\]/,
    );
  });
});
