/**
 * saveFigure(fig, path) and saveFigures([...]): figures for a writeup. ".html" is a self-contained offline page;
 * ".svg" and ".png" are drawn by plotly.js in headless Chromium (Plotly.toImage) at the
 * requested size. Written atomically, and byte for byte the same every time: plotly.js names its clip paths
 * and traces with Math.random, so the export page draws it from a generator seeded by the file's name (distinct
 * names keep ids apart when several SVGs are inlined in one document).
 */
import * as os from "os";
import * as path from "path";
import * as fs from "fs";
import { checkKeys, fail, GatescopeError } from "../errors";
import { writeFileAtomic } from "../io/atomic";
import type { Figure } from "./figure";
import { figuresPage } from "./html";
import { launchChromium } from "./browser";

/** Replaces Math.random, before any page script runs, with mulberry32 seeded by the URL's fragment. */
const SEEDED_RANDOM = `(() => {
  let a = Number(location.hash.slice(1)) >>> 0;
  Math.random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
})();`;

/** FNV-1a: a file name as a 32-bit seed. */
function nameSeed(file: string): number {
  let h = 0x811c9dc5;
  for (const ch of Buffer.from(path.basename(file), "utf8")) h = Math.imul(h ^ ch, 0x01000193) >>> 0;
  return h;
}

/** Size and density of an exported figure. */
export interface SaveOptions {
  width?: number;
  height?: number;
  /** PNG pixel density (default 1). */
  scale?: number;
  title?: string;
}

/** Exports a figure as SVG, PNG (headless Chromium) or standalone HTML, by extension. */
export async function saveFigure(fig: Figure, file: string, options: SaveOptions = {}): Promise<void> {
  return saveFigures([{ figure: fig, file }], options);
}

/** Several figures, one browser for all of them (a writeup draws dozens). */
export async function saveFigures(
  items: Array<{ figure: Figure; file: string }>,
  options: SaveOptions = {},
): Promise<void> {
  checkKeys("saveFigure options", options, ["width", "height", "scale", "title"]);
  const width = options.width ?? 900,
    height = options.height ?? 500;
  for (const [k, v] of Object.entries({ width, height, scale: options.scale ?? 1 })) {
    if (!(typeof v === "number" && v > 0 && Number.isFinite(v))) fail(`saveFigure ${k}`, "a positive number", v);
  }
  for (const { file } of items) {
    if (![".html", ".svg", ".png"].includes(path.extname(file).toLowerCase()))
      fail("saveFigure path", "a name ending in .html, .svg or .png", file);
  }
  const page = (fig: Figure) =>
    figuresPage(options.title ?? String((fig.layout.title as { text?: string })?.text ?? "gatescope figure"), [fig]);
  const images = items.filter(({ figure, file }) => {
    if (path.extname(file).toLowerCase() !== ".html") return true;
    writeFileAtomic(file, page(figure));
    return false;
  });
  if (images.length === 0) return;
  const browser = await launchChromium();
  let dir: string | null = null;
  try {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "gatescope-export-"));
    const tab = await browser.newPage({ viewport: { width, height } });
    await tab.addInitScript(SEEDED_RANDOM);
    for (const [k, { figure, file }] of images.entries()) {
      const htmlFile = path.join(dir, `figure-${k}.html`);
      fs.writeFileSync(htmlFile, page(figure));
      await tab.goto(`file://${htmlFile}#${nameSeed(file)}`, { waitUntil: "load" });
      await tab.waitForFunction(
        "document.querySelector('.gatescope-plot[data-gatescope-rendered]') !== null",
        undefined,
        { timeout: 30000 },
      );
      const format = path.extname(file).toLowerCase().slice(1);
      const url = await tab.evaluate<string>(
        `window.Plotly.toImage(document.querySelector('.gatescope-plot'), { format: ${JSON.stringify(format)}, ` +
          `width: ${width}, height: ${height}, scale: ${options.scale ?? 1} })`,
      );
      const comma = url.indexOf(",");
      const header = url.slice(0, comma);
      const payload = url.slice(comma + 1);
      const bytes = header.endsWith(";base64")
        ? Buffer.from(payload, "base64")
        : Buffer.from(decodeURIComponent(payload), "utf8");
      if (bytes.length === 0)
        throw new GatescopeError(`saveFigure ${file}: expected image data from plotly.js, got none`);
      writeFileAtomic(file, bytes);
    }
  } finally {
    await browser.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
}
