/**
 * Figures as self-contained HTML: plotly.js embedded from node_modules (no CDN), injected once
 * per page, each chart a uniquely-id'd div plus a small script that waits for the div and for
 * window.Plotly, then draws — or says visibly that plotly.js never arrived. Everything that
 * comes from data is escaped for the context it lands in.
 */
import * as fs from "fs";
import type { Figure } from "./figure";

let bundle: string | null = null;

/** The cartesian plotly.js bundle (scatter, heatmap, bar, histogram, contour): ≈1.4 MB. */
export function plotlyBundle(): string {
  if (bundle === null) bundle = fs.readFileSync(require.resolve("plotly.js-cartesian-dist-min"), "utf8");
  return bundle;
}

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** A figure's numbers to 4 significant digits: a chart shows no more, and its output is half the size. */
const SIGNIFICANT = 4;
const rounded = (_key: string, v: unknown) =>
  typeof v === "number" && Number.isFinite(v) && !Number.isInteger(v) ? Number(v.toPrecision(SIGNIFICANT)) : v;

/** JSON that is safe inside a <script> element: no "</script>", no "<!--", no U+2028/2029. */
export function jsonForScript(value: unknown, round = false): string {
  return JSON.stringify(value, round ? rounded : undefined)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/**
 * Installs plotly.js as window.Plotly unless a page already has it. The bundle runs inside a
 * function whose `define`, `module` and `exports` are undefined, so pages that use require.js
 * (the classic Notebook, VS Code webviews) cannot capture it as an AMD module.
 */
export function plotlyInjection(): string {
  const code = plotlyBundle().replace(/<\/script/gi, "<\\/script");
  return `<script>if (!window.Plotly) { (function (define, module, exports) {\n${code}\n}).call(window); }</script>`;
}

let counter = 0;
const session = Date.now().toString(36);

/** A page-unique element id (unique across outputs of one kernel session too). */
export function newPlotId(): string {
  return `gatescope-plot-${session}-${++counter}`;
}

/** One chart: a div and the script that draws it into the div once plotly.js is there. */
export function figureHtml(fig: Figure, id = newPlotId(), height?: number): string {
  // A height reaches a style attribute: only a positive finite number may.
  const raw = height ?? fig.layout.height;
  const h = typeof raw === "number" && Number.isFinite(raw) && raw > 0 ? raw : 450;
  return `<div id="${escapeHtml(id)}" class="gatescope-plot" style="width:100%;height:${h}px"></div>
<script>(function () {
  var fig = ${jsonForScript(fig, true)};
  var id = ${jsonForScript(id)};
  var tries = 0;
  function draw() {
    var el = document.getElementById(id);
    // A static image saved inside the div (addStaticImages) stands in until the chart draws.
    var still = el && el.querySelector("img[data-gatescope-static]");
    if (el && window.Plotly) {
      if (still) el.removeChild(still);
      window.Plotly.newPlot(el, fig.data, fig.layout, { responsive: true, displaylogo: false }).then(function () {
        el.setAttribute("data-gatescope-rendered", "1");
      });
    } else if (++tries < 200) {
      setTimeout(draw, 50);
    } else if (el && still) {
      el.style.height = "auto";
    } else if (el) {
      el.style.height = "auto";
      el.innerHTML = '<p style="color:#b00020;font-family:sans-serif">gatescope: plotly.js did not load, ' +
        'so this chart cannot be drawn. Re-run the cell that shows it, or trust the notebook ' +
        '(File → Trust Notebook).</p>';
    }
  }
  draw();
})();</script>`;
}

/** A complete offline HTML page. `body` is trusted HTML; `title` is escaped. */
export function htmlPage(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
 body { font-family: -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
   max-width: 1200px; margin: 2em auto; padding: 0 1em; color: #222; }
 table { border-collapse: collapse; margin: 1em 0; font-size: 14px; }
 th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: left; vertical-align: top; }
 th { background: #f3f3f3; }
 td.num { text-align: right; font-variant-numeric: tabular-nums; }
 .ok { color: #1a7f37; font-weight: 600; } .no { color: #b00020; font-weight: 600; }
 .open { color: #8a6d00; font-weight: 600; }
 .caption { color: #444; font-size: 0.9em; max-width: 60em; }
 code, pre { background: #f6f8fa; padding: 1px 4px; }
</style>
${plotlyInjection()}
</head><body>
${body}
</body></html>
`;
}

/** A page with figures, one after another. */
export function figuresPage(title: string, figs: Figure[]): string {
  return htmlPage(title, `<h1>${escapeHtml(title)}</h1>\n${figs.map((f) => figureHtml(f)).join("\n")}`);
}
