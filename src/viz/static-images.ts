/**
 * A static PNG beside every interactive chart of an executed notebook, for viewers that run no
 * scripts (GitHub, nbviewer, untrusted JupyterLab): each chart output gains an `image/png`
 * entry, and its HTML gains the same image inside the chart's div, which the chart's own script
 * removes when it draws (so where scripts run, the interactive chart replaces it).
 * Images are drawn by plotly.js in headless Chromium from the output's own HTML.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { fail, GatescopeError } from "../errors";
import { writeFileAtomic } from "../io/atomic";
import { launchChromium } from "./browser";
import { plotlyInjection } from "./html";

/** The attribute a fallback image carries: the id of the chart it stands in for. */
export const STATIC_ATTRIBUTE = "data-gatescope-static";
const PLOT_DIV = /<div id="([^"]+)" class="gatescope-plot"[^>]*>/g;
const WIDTH = 900;

type Output = { output_type: string; data?: Record<string, string | string[]> };
type Notebook = { cells: { outputs?: Output[] }[] };

const text = (v: string | string[]) => (Array.isArray(v) ? v.join("") : v);

function readNotebook(file: string): Notebook {
  let nb: Notebook;
  try {
    nb = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new GatescopeError(
      `static images: ${file}: expected a notebook (.ipynb JSON), got ${(err as Error).message}`,
    );
  }
  if (!nb || !Array.isArray(nb.cells)) fail(`static images: ${file}`, "a notebook with a cells list", nb);
  return nb;
}

/** The chart outputs: those whose HTML holds a gatescope chart that has no image yet. */
function chartOutputs(nb: Notebook): Output[] {
  return nb.cells.flatMap((c) =>
    (c.outputs ?? []).filter((o) => {
      const html = o.data?.["text/html"];
      return html !== undefined && text(html).includes('class="gatescope-plot"') && !o.data?.["image/png"];
    }),
  );
}

/**
 * Adds the images to `notebook` (written atomically to `out`, by default in place); returns how
 * many charts got one. Outputs that already have an image are left as they are.
 */
export async function addStaticImages(notebook: string, out = notebook): Promise<number> {
  const nb = readNotebook(notebook);
  const outputs = chartOutputs(nb);
  if (outputs.length === 0) {
    if (out !== notebook) writeFileAtomic(out, fs.readFileSync(notebook));
    return 0;
  }
  const browser = await launchChromium();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gatescope-static-"));
  try {
    const tab = await browser.newPage({ viewport: { width: WIDTH + 40, height: 900 } });
    const injection = plotlyInjection();
    for (const [k, o] of outputs.entries()) {
      const html = text(o.data!["text/html"]);
      const page = path.join(dir, `output-${k}.html`);
      fs.writeFileSync(
        page,
        `<!DOCTYPE html><html><head><meta charset="utf-8">${injection}</head>` +
          `<body style="margin:0;width:${WIDTH}px">${html}</body></html>`,
      );
      await tab.goto(`file://${page}`, { waitUntil: "load" });
      await tab.waitForFunction(
        "Array.from(document.querySelectorAll('.gatescope-plot'))" +
          ".every((el) => el.hasAttribute('data-gatescope-rendered'))",
        undefined,
        { timeout: 30000 },
      );
      const images = await tab.evaluate<Record<string, string>>(
        "Promise.all(Array.from(document.querySelectorAll('.gatescope-plot')).map((el) => window.Plotly.toImage(el, " +
          "{ format: 'png', width: el.clientWidth, height: el.clientHeight }).then((url) => [el.id, url])))" +
          ".then(Object.fromEntries)",
      );
      const ids = [...html.matchAll(PLOT_DIV)].map((m) => m[1]);
      for (const id of ids) {
        if (!images[id]?.startsWith("data:image/png;base64,")) {
          throw new GatescopeError(`static images: chart ${id}: expected a PNG from plotly.js, got none`);
        }
      }
      o.data!["image/png"] = images[ids[0]].slice("data:image/png;base64,".length);
      o.data!["text/html"] = html.replace(
        PLOT_DIV,
        (div, id: string) =>
          `${div}<img ${STATIC_ATTRIBUTE}="${id}" alt="chart (a static image; it turns interactive where ` +
          `scripts run)" style="max-width:100%" src="${images[id]}">`,
      );
    }
  } finally {
    await browser.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  writeFileAtomic(out, `${JSON.stringify(nb, null, 1)}\n`);
  return outputs.length;
}
