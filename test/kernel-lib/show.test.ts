/** The notebook kit against a fake display. */
import { expect } from "chai";
import { spawnSync } from "child_process";
import { show, showNative, LiveFigure, ProgressLine, resetInjection } from "../../kernel-lib/show";
import { markdownTable } from "../../kernel-lib/table";
import { runWithProgress } from "../../kernel-lib/run";
import { expand } from "../../src/experiment/spec";
import { preset } from "../../src/experiment/presets";
import { readRun } from "../../src/experiment/store";
import { tmpDir } from "../helpers/tmp";
import type { BundleDisplay, MimeBundle } from "../../kernel-lib/display";
import { gradientFlowFigure } from "../../src/viz/gradient-flow";
import type { Figure } from "../../src/viz/figure";

class FakeDisplay implements BundleDisplay {
  outputs: Array<{ mime: string; body: string }> = [];
  bundles: MimeBundle[] = [];
  html(s: string) {
    this.outputs.push({ mime: "text/html", body: s });
  }
  markdown(s: string) {
    this.outputs.push({ mime: "text/markdown", body: s });
  }
  bundle(data: MimeBundle) {
    this.bundles.push(data);
    this.html(String(data["text/html"]));
  }
}

const fig = (title = "flow"): Figure => ({
  ...gradientFlowFigure([{ cell: "lstm", norms: [1e-3, 1e-2, 1e-1] }]),
  layout: { title: { text: title } },
});
const injections = (d: FakeDisplay) => d.outputs.filter((o) => o.body.includes("if (!window.Plotly)")).length;
const ids = (d: FakeDisplay) =>
  d.outputs.flatMap((o) => [...o.body.matchAll(/<div id="([^"]+)" class="gatescope-plot"/g)].map((m) => m[1]));

describe("kernel-lib", () => {
  beforeEach(() => resetInjection());

  it("injects plotly.js once per session, from node_modules, wrapped against require.js", () => {
    const d = new FakeDisplay();
    show(d, fig());
    show(d, fig());
    const live = new LiveFigure(d, 0);
    live.update(fig());
    showNative(d, fig());
    expect(injections(d)).to.equal(1);
    const first = d.outputs[0].body;
    expect(first.length).to.be.above(1_000_000); // the whole cartesian bundle, no CDN
    expect(first).to.match(/\(function \(define, module, exports\) \{/);
    expect(first).to.not.match(/src="https?:/);
    resetInjection(); // a kernel restart
    show(d, fig());
    expect(injections(d)).to.equal(2);
  });

  it("a live figure that brought plotly.js keeps it in every redraw (a saved notebook keeps only the last)", () => {
    const d = new FakeDisplay();
    const live = new LiveFigure(d, 0);
    for (let i = 0; i < 3; i++) live.update(fig(`state ${i}`));
    expect(d.outputs.every((o) => o.body.includes("if (!window.Plotly)"))).to.equal(true);
    const other = new FakeDisplay();
    const second = new LiveFigure(other, 0);
    second.update(fig());
    second.update(fig());
    expect(injections(other)).to.equal(0); // plotly.js is already on the page
  });

  it("gives every chart a unique div id, and a visible message if plotly.js never loads", () => {
    const d = new FakeDisplay();
    for (let i = 0; i < 5; i++) show(d, fig());
    const all = ids(d);
    expect(all).to.have.length(5);
    expect(new Set(all).size).to.equal(5);
    expect(d.outputs[1].body).to.include("plotly.js did not load");
  });

  it("throttles live updates and always draws the latest state on flush", () => {
    const d = new FakeDisplay();
    let now = 0;
    const live = new LiveFigure(d, 250, { now: () => now });
    for (let i = 0; i < 100; i++) {
      now = i * 10;
      live.update(fig(`state ${i}`));
    } // 1 s of updates every 10 ms
    expect(live.updates).to.equal(4); // at 0, 250, 500, 750 ms
    live.flush();
    expect(live.updates).to.equal(5);
    expect(d.outputs.at(-1)!.body).to.include("state 99");
    live.flush(); // nothing pending: nothing drawn
    expect(live.updates).to.equal(5);
    expect(new Set(ids(d)).size).to.equal(5);
  });

  it("progress line: throttled, with rate and ETA, and a final line", () => {
    const d = new FakeDisplay();
    let now = 0;
    const p = new ProgressLine(d, 100, 1000, { now: () => now });
    for (let s = 1; s <= 100; s++) {
      now = s * 100;
      p.update(s, { loss: 0.5 / s });
    }
    expect(d.outputs.length).to.be.within(9, 12);
    expect(d.outputs[0].body).to.match(/step 1\/100/);
    expect(d.outputs[1].body).to.match(/step 11\/100 · loss 0\.04545 · 10\.0 steps\/s · ETA 9s/);
    expect(d.outputs.at(-1)!.body).to.match(/step 100\/100 .* done in 10s/);
  });

  it("escapes: a title of </script><script>alert(1)</script> stays text", () => {
    const d = new FakeDisplay();
    show(d, fig("</script><script>alert(1)</script>"));
    const chart = d.outputs[0].body.slice(d.outputs[0].body.lastIndexOf('<div id="gatescope-plot'));
    expect(chart).to.not.include("<script>alert(1)");
    expect(chart).to.include("\\u003c/script\\u003e\\u003cscript\\u003ealert(1)");
    expect(chart.match(/<\/script>/g)).to.have.length(1); // only the chart's own script closes
    const table = markdownTable([{ cell: "a|b", note: "<b>x</b>", v: 0.123456 }]);
    expect(table).to.equal("| cell | note | v |\n| --- | --- | --- |\n| a&#124;b | &lt;b&gt;x&lt;/b&gt; | 0.1235 |");
    // Links, images and emphasis from data come out as text: no javascript: link, no remote image.
    const cells = {
      "max |difference|": "reset_after",
      a: "[click](javascript:alert(1))",
      b: "![](http://example.com/x.png) www.example.com",
      c: "*b* _i_ `c` \\ ~s~ #",
    };
    // Rendered by nbconvert's own Markdown renderer, as an HTML export is: each cell reads as its text.
    const html = spawnSync(
      "/usr/bin/python3",
      [
        "-c",
        "import sys; from nbconvert.filters.markdown import markdown2html; print(markdown2html(sys.stdin.read()))",
      ],
      { input: markdownTable([cells]), encoding: "utf8" },
    );
    expect(html.status, html.stderr).to.equal(0);
    const unescape = (t: string) =>
      t
        .replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)))
        .replace(/&lt;/g, "<")
        .replace(/&gt;/g, ">")
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, "&");
    const texts = [...html.stdout.matchAll(/<t[hd]>(.*?)<\/t[hd]>/g)].map((m) => unescape(m[1]));
    expect(texts).to.deep.equal([...Object.keys(cells), ...Object.values(cells)]);
    expect(html.stdout).to.not.match(/<(a|img|em|code|del)\b/);
  });

  it("progress fields are text, not Markdown", () => {
    const d = new FakeDisplay();
    new ProgressLine(d, 10, 0).update(5, { "loss [x](javascript:alert(1))": "<img src=x onerror=alert(1)>" }, true);
    const md = d.outputs[0].body;
    expect(md).to.include(
      "loss &#91;x&#93;&#40;javascript&#58;alert&#40;1&#41;&#41; &lt;img src=x onerror=alert&#40;1&#41;&gt;",
    );
    expect(md).to.not.match(/\]\(javascript/);
  });

  it("multi-mime: plotly JSON, HTML and plain text in one display_data", () => {
    const d = new FakeDisplay();
    showNative(d, fig("native"));
    const sent = d.bundles;
    expect(Object.keys(sent[0])).to.deep.equal(["application/vnd.plotly.v1+json", "text/html", "text/plain"]);
    expect((sent[0]["application/vnd.plotly.v1+json"] as Figure).layout).to.deep.equal({ title: { text: "native" } });
    expect(sent[0]["text/plain"]).to.equal("<gatescope figure: native>");
  });

  it("runs an experiment's runs with one progress line, their results in run order, their files kept", async () => {
    const d = new FakeDisplay();
    const runs = expand(preset("tiny", 5)).slice(0, 3);
    const dir = tmpDir("run-with-progress");
    const results = await runWithProgress(runs, { jobs: 1, dir, display: d });
    expect(results.map((r) => r.id)).to.deep.equal(runs.map((r) => r.id));
    for (const [k, r] of runs.entries()) expect(readRun(dir, r)).to.deep.equal(results[k]);
    const total = runs.reduce((s, r) => s + r.train.steps, 0);
    expect(d.outputs.at(-1)!.body).to.match(new RegExp(`step ${total}/${total} .* done in`));
  });
});
