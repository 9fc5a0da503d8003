/**
 * Real headless Chromium (Debian's chromium via playwright-core) opens the report and a page
 * of figures: every chart must be drawn, with no console errors. Screenshots go to
 * test-artifacts/. Static export must produce valid SVG and PNG files of the requested size.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { launchChromium, type BrowserLike, type PageLike } from "../../src/viz/browser";
import { figuresPage, figureHtml, htmlPage } from "../../src/viz/html";
import { saveFigure, saveFigures } from "../../src/viz/export";
import { reportHtml, reportFigures } from "../../src/experiment/report";
import { gradientFlowFigure, gradientFlowSlider } from "../../src/viz/gradient-flow";
import type { Figure } from "../../src/viz/figure";
import { SequenceModel } from "../../src/model/sequence-model";
import { makeTask, testSet } from "../../src/tasks";
import { probeGradientFlow } from "../../src/train/train";
import { gateHeatmaps, gateSaturationHistogram, saturationScatter, timeScrubber } from "../../src/viz/gates";
import { learningCurves } from "../../src/viz/training";
import { Rng } from "../../src/math/rng";
import { RecurrentNet } from "../../src/model/recurrent";
import { runAll } from "../../src/experiment/pool";
import { expand } from "../../src/experiment/spec";
import { preset } from "../../src/experiment/presets";
import { summarize } from "../../src/experiment/summary";
import { manifest, type ResultsFile } from "../../src/experiment/results";
import { REPO } from "../helpers/paths";
import { tmpDir } from "../helpers/tmp";

const ARTIFACTS = path.join(REPO, "test-artifacts");

interface Rendered {
  plots: number;
  drawn: number;
  errors: string[];
  dialogs: string[];
  text: string;
}

async function render(
  browser: BrowserLike,
  file: string,
  screenshot: string,
  expectAllDrawn = true,
): Promise<Rendered> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  const dialogs: string[] = [];
  page.on("console", (m) => {
    if (m.type?.() === "error") errors.push(m.text?.() ?? "");
  });
  page.on("pageerror", (err) => errors.push(err.message ?? String(err)));
  (page as unknown as { on(e: "dialog", h: (d: { message(): string; dismiss(): Promise<void> }) => void): void }).on(
    "dialog",
    (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    },
  );
  await page.goto(`file://${file}`, { waitUntil: "load" });
  if (expectAllDrawn) {
    await page.waitForFunction(
      "document.querySelectorAll('.gatescope-plot').length === " +
        "document.querySelectorAll('.gatescope-plot[data-gatescope-rendered]').length",
      undefined,
      { timeout: 60000 },
    );
  } else {
    await page.waitForFunction("document.body.innerText.includes('plotly.js did not load')", undefined, {
      timeout: 20000,
    });
  }
  const [plots, drawn, text] = await page.evaluate<[number, number, string]>(
    "[document.querySelectorAll('.gatescope-plot').length, " +
      "Array.from(document.querySelectorAll('.gatescope-plot[data-gatescope-rendered]')).filter((el) => " +
      "el.querySelector('.main-svg')).length, document.body.innerText]",
  );
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, screenshot), fullPage: true });
  await page.close();
  return { plots, drawn, errors, dialogs, text };
}

describe("charts in headless Chromium", () => {
  const dir = tmpDir("render");
  let browser: BrowserLike;
  let results: ResultsFile;

  before(async () => {
    browser = await launchChromium();
    // Two learning rates, so the report also draws its learning-rate sensitivity figure.
    const spec = { ...preset("tiny", 0), lrs: [0.003, 0.01] };
    const runs = await runAll(expand(spec), { dir, jobs: 1 });
    results = {
      schema: "gatescope.results",
      version: 2,
      manifest: manifest({
        command: "test",
        executor: "local",
        preset: "tiny",
        seed: 0,
        jobs: 1,
        config: spec,
        started: new Date(0).toISOString(),
        wall_s: 1,
        runs_wall_s: 1,
      }),
      runs,
      summary: summarize(runs),
      missing: ["adding-T12-gru-lr0.003-s9"],
    };
  });
  after(async () => {
    await browser?.close();
  });

  it("the report draws every chart, without console errors", async () => {
    const file = path.join(dir, "report.html");
    fs.writeFileSync(file, reportHtml(results));
    const r = await render(browser, file, "report.png");
    expect(r.plots).to.equal(reportFigures(results).length);
    expect(r.drawn).to.equal(r.plots);
    expect(r.errors).to.deep.equal([]);
    expect(r.text).to.include("Published vs ours");
    expect(r.text).to.include("Learning-rate sensitivity");
    expect(r.text).to.include("Deviations from the original recipes");
    expect(r.text, "missing runs are listed, not dropped")
      .to.include("Missing runs: 1 of")
      .and.include("adding-T12-gru-lr0.003-s9");
  });

  it("a page of exported figures draws every chart", async () => {
    const net = new RecurrentNet({ kind: "lstm", inputSize: 2, hiddenSize: 6 }, new Rng(1));
    const x = { shape: [2, 15, 2], data: Float64Array.from({ length: 60 }, (_, i) => Math.sin(i)) };
    const fwd = net.forward(x);
    const figs = [
      gradientFlowFigure([
        { cell: "lstm", norms: [1e-4, 1e-3, 1e-2] },
        { cell: "rnn_tanh", norms: [1e-9, 1e-5, 1e-2] },
      ]),
      gateHeatmaps(fwd.trace, { input: [{ name: "x0", values: Array.from({ length: 15 }, (_, t) => x.data[2 * t]) }] }),
      gateSaturationHistogram(fwd.trace),
      saturationScatter(fwd.trace),
      learningCurves(
        [
          {
            cell: "gru",
            seed: 0,
            evals: [
              { step: 0, metric: 0.2 },
              { step: 10, metric: 0.01 },
            ],
          },
        ],
        { baseline: 0.167, metricName: "MSE" },
      ),
    ];
    const file = path.join(dir, "figures.html");
    fs.writeFileSync(file, figuresPage("figures", figs));
    const r = await render(browser, file, "figures.png");
    expect([r.plots, r.drawn]).to.deep.equal([5, 5]);
    expect(r.errors).to.deep.equal([]);
  });

  /**
   * Opens a page holding `fig`, clicks its slider's rail at the end as a user would, and returns what the first
   * trace drew (its SVG paths) and the slider's label, before and after.
   */
  async function dragToEnd(fig: Figure, name: string, last: string) {
    const file = path.join(dir, `${name}.html`);
    fs.writeFileSync(file, figuresPage(name, [fig]));
    const page = (await browser.newPage({ viewport: { width: 1000, height: 700 } })) as PageLike & {
      mouse: { click(x: number, y: number): Promise<void> };
    };
    await page.goto(`file://${file}`, { waitUntil: "load" });
    await page.waitForFunction("document.querySelector('.gatescope-plot[data-gatescope-rendered] .slider-rail-rect')");
    const label = "document.querySelector('.slider-group .slider-label').textContent";
    const paths =
      "Array.from(document.querySelector('.cartesianlayer .trace').querySelectorAll('path')).map((p) => " +
      "p.getAttribute('d')).join(' ')";
    const drawn = () => page.evaluate<[string, string]>(`[${paths}, ${label}]`);
    const before = await drawn();
    const rail = await page.evaluate<{ x: number; y: number; w: number; h: number }>(
      "(() => { const r = document.querySelector('.slider-rail-rect').getBoundingClientRect(); " +
        "return { x: r.x, y: r.y, w: r.width, h: r.height }; })()",
    );
    await page.mouse.click(rail.x + rail.w - 2, rail.y + rail.h / 2);
    await page.waitForFunction(`${label} === ${JSON.stringify(last)}`);
    // The label moves at the click; the restyle draws after it, later on a loaded machine. A redraw that never
    // comes is left to the caller's assertion, so a timeout here is not the failure's message.
    await page
      .waitForFunction(`${paths} !== ${JSON.stringify(before[0])}`, undefined, { timeout: 20000 })
      .catch(() => undefined);
    const after = await drawn();
    await page.close();
    return { before, after };
  }

  it("a time scrubber redraws its bars when the slider is dragged, with no kernel behind the page", async () => {
    const net = new RecurrentNet({ kind: "lstm", inputSize: 2, hiddenSize: 6 }, new Rng(2));
    const x = { shape: [1, 12, 2], data: Float64Array.from({ length: 24 }, (_, i) => Math.sin(i)) };
    const fig = timeScrubber(net.forward(x).trace);
    expect(fig.data.map((t) => t.name)).to.have.length(5); // i, f, g, o and c
    expect((fig.layout.sliders as Array<{ steps: unknown[] }>)[0].steps).to.have.length(12);
    const { before, after } = await dragToEnd(fig, "scrubber", "t = 12");
    expect(before[1]).to.equal("t = 1");
    expect(after[0], "the bars were redrawn for t = 12").to.not.equal(before[0]);
  });

  it("a gradient-flow chart with a slider over the forget bias redraws its line for each bias", async () => {
    const task = makeTask({ name: "adding", T: 40 });
    const batch = testSet(task, 16);
    const sweep = [0, 1, 3].map((bias) => {
      const rnn = { kind: "lstm" as const, inputSize: 2, hiddenSize: 16, forgetBias: bias };
      const model = new SequenceModel({ rnn, outputSize: 1, readout: "last" }, new Rng(4));
      return { value: bias, profiles: [{ cell: "lstm", norms: probeGradientFlow(model, task, batch).norms }] };
    });
    const fig = gradientFlowSlider("forget bias", sweep);
    const steps = (fig.layout.sliders as Array<{ steps: Array<{ label: string; args: [{ y: unknown[] }] }> }>)[0].steps;
    expect(steps.map((st) => st.label)).to.deep.equal(["0", "1", "3"]);
    expect(steps[2].args[0].y[0]).to.deep.equal(sweep[2].profiles[0].norms); // each step carries its own numbers
    // A larger forget bias keeps more of the gradient: the flow at t = 1 grows with it.
    expect(sweep[2].profiles[0].norms[0]).to.be.above(sweep[0].profiles[0].norms[0]);
    const { before, after } = await dragToEnd(fig, "flow-slider", "forget bias = 3");
    expect(before[1]).to.equal("forget bias = 0");
    expect(after[0], "the line was redrawn for bias 3").to.not.equal(before[0]);
    expect(() => gradientFlowSlider("gain", [])).to.throw(/gradientFlowSlider sweep: expected at least one/);
  });

  it("without plotly.js nothing is drawn, and the page says so (the check can fail)", async () => {
    const file = path.join(dir, "no-plotly.html");
    const page = htmlPage("no plotly", figureHtml(gradientFlowFigure([{ cell: "gru", norms: [1, 2] }]))).replace(
      /<script>if \(!window\.Plotly\)[\s\S]*?<\/script>\n/,
      "",
    );
    expect(page).to.not.include("window.Plotly) { (function");
    fs.writeFileSync(file, page);
    const r = await render(browser, file, "no-plotly.png", false);
    expect(r.plots).to.equal(1);
    expect(r.drawn).to.equal(0);
    expect(r.text).to.include("plotly.js did not load");
  });

  it("text from configs and data is escaped: a </script> title shows as text, runs no script", async () => {
    const evil = "</script><script>alert(1)</script>";
    const tampered: ResultsFile = JSON.parse(JSON.stringify(results));
    tampered.manifest.preset = evil;
    tampered.manifest.command = `<img src=x onerror=alert(2)>`;
    for (const r of tampered.runs) r.cell = evil;
    tampered.summary = summarize(tampered.runs);
    const file = path.join(dir, "evil.html");
    fs.writeFileSync(file, reportHtml(tampered));
    const r = await render(browser, file, "escaping.png");
    expect(r.dialogs).to.deep.equal([]);
    expect(r.text).to.include(evil);
    expect(r.text).to.include("<img src=x onerror=alert(2)>");
    expect(r.drawn).to.equal(r.plots);
  });

  it(
    "numbers from a results file are escaped too: markup in numeric fields shows as text, runs no " + "script",
    async () => {
      const tampered: ResultsFile = JSON.parse(JSON.stringify(results));
      // The payloads beat an escaper that only handles ">" or a comment-unaware one.
      const img = "<img src=x onerror=alert(3)>";
      const comment = "<!--<script>alert(4)</script>";
      const row = tampered.summary[0] as unknown as Record<string, unknown>;
      // A T that is not a length cannot name a task: type-checked, refused with the field named.
      expect(() => reportHtml({ ...tampered, summary: [{ ...tampered.summary[0], T: img as never }] })).to.throw(
        /task.T: expected an integer ≥ 2 for adding, got "<img src=x onerror=alert\(3\)>"/,
      );
      Object.assign(row, { lr: comment, metric_mean: img, vs_baseline: comment, hidden: img, seeds: img });
      row.metric_ci95 = [img, comment];
      row.solved_ci95 = [img, comment];
      (tampered.manifest as unknown as Record<string, unknown>).wall_s = img;
      (tampered.manifest as unknown as Record<string, unknown>).runs_wall_s = comment;
      tampered.missing = [img];
      const file = path.join(dir, "evil-numbers.html");
      fs.writeFileSync(file, reportHtml(tampered));
      const r = await render(browser, file, "escaping-numbers.png");
      expect(r.dialogs).to.deep.equal([]);
      expect(r.errors).to.deep.equal([]);
      expect(r.text).to.include(img).and.include("<!--<script>");
    },
  );

  it("saveFigure writes SVG and PNG of the requested size, and self-contained HTML", async () => {
    const fig = gradientFlowFigure([{ cell: "lstm", norms: [1e-3, 1e-2, 1e-1, 1] }]);
    const svg = path.join(dir, "flow.svg"),
      png = path.join(dir, "flow.png"),
      html = path.join(dir, "flow.html");
    await saveFigure(fig, svg, { width: 640, height: 360 });
    await saveFigure(fig, png, { width: 640, height: 360, scale: 2 });
    await saveFigure(fig, html);
    const s = fs.readFileSync(svg, "utf8");
    expect(s).to.match(/^<svg[^>]*\swidth="640"[^>]*\sheight="360"/);
    expect(s).to.include("decades/step");
    const p = fs.readFileSync(png);
    expect(p.subarray(0, 8).toString("hex")).to.equal("89504e470d0a1a0a");
    expect([p.readUInt32BE(16), p.readUInt32BE(20)]).to.deep.equal([1280, 720]);
    fs.copyFileSync(png, path.join(ARTIFACTS, "export.png"));
    const h = fs.readFileSync(html, "utf8");
    expect(h).to.include("if (!window.Plotly)");
    expect(h).to.not.match(/<script[^>]+src=/);
    await saveFigure(fig, path.join(dir, "x.jpg")).then(
      () => expect.fail(),
      (e: Error) => expect(e.message).to.match(/ending in .html, .svg or .png/),
    );
  });

  it("saveFigure writes the same bytes every time, and ids that differ between file names", async () => {
    const fig = gradientFlowFigure([
      { cell: "lstm", norms: [1e-3, 1e-2, 1e-1, 1] },
      { cell: "gru", norms: [1, 2, 3, 4] },
    ]);
    const a = path.join(dir, "again", "flow.svg");
    fs.mkdirSync(path.dirname(a));
    const files = [path.join(dir, "flow.svg"), a, path.join(dir, "other.svg"), path.join(dir, "flow.png")];
    await saveFigures(files.map((file) => ({ figure: fig, file })));
    const png = path.join(dir, "again", "flow.png");
    await saveFigure(fig, png);
    const [first, again, other] = files.map((f) => fs.readFileSync(f, "utf8"));
    const ids = (svg: string) => svg.match(/id="defs-[0-9a-f]+"|trace scatter trace[0-9a-f]+/g)!;
    expect(ids(again)).to.deep.equal(ids(first));
    expect(again === first, "the same SVG bytes").to.equal(true);
    expect(fs.readFileSync(png).equals(fs.readFileSync(files[3]))).to.equal(true);
    // Plotly's random names are where they would differ: one uid for the clip paths, one per trace.
    expect(ids(first)).to.have.length(3);
    expect(ids(other)).to.have.length(3);
    expect(ids(other).filter((id) => ids(first).includes(id))).to.deep.equal([]);
  });

  it("without a browser, export says how to install one", async () => {
    const keep = process.env.GATESCOPE_CHROMIUM;
    process.env.GATESCOPE_CHROMIUM = "/nonexistent/chrome";
    try {
      await saveFigure(gradientFlowFigure([{ cell: "gru", norms: [1, 2] }]), path.join(dir, "y.png")).then(
        () => expect.fail(),
        (e: Error) =>
          expect(e.message).to.match(
            /GATESCOPE_CHROMIUM: expected the path of a Chromium or Chrome executable, got "\/nonexistent\/chrome"/,
          ),
      );
    } finally {
      if (keep === undefined) delete process.env.GATESCOPE_CHROMIUM;
      else process.env.GATESCOPE_CHROMIUM = keep;
    }
    expect(fs.existsSync(path.join(dir, "y.png"))).to.equal(false);
  });
});
