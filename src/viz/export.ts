/**
 * saveFigure(fig, path): a figure for a writeup. ".html" is a self-contained offline page;
 * ".svg" and ".png" are drawn by plotly.js in headless Chromium (Plotly.toImage) at the
 * requested size. Written atomically.
 */
import * as os from "os";
import * as path from "path";
import * as fs from "fs";
import { GatescopeError, fail } from "../errors";
import { writeFileAtomic } from "../io/atomic";
import type { Figure } from "./figure";
import { figuresPage } from "./html";
import { launchChromium } from "./browser";

export interface SaveOptions {
  width?: number;
  height?: number;
  /** PNG pixel density (default 1). */
  scale?: number;
  title?: string;
}

export async function saveFigure(fig: Figure, file: string, options: SaveOptions = {}): Promise<void> {
  const ext = path.extname(file).toLowerCase();
  if (![".html", ".svg", ".png"].includes(ext)) fail("saveFigure path", "a name ending in .html, .svg or .png", file);
  const width = options.width ?? 900, height = options.height ?? 500;
  for (const [k, v] of Object.entries({ width, height, scale: options.scale ?? 1 })) {
    if (!(typeof v === "number" && v > 0 && Number.isFinite(v))) fail(`saveFigure ${k}`, "a positive number", v);
  }
  const page = figuresPage(options.title ?? String((fig.layout.title as { text?: string })?.text ?? "gatescope figure"), [fig]);
  if (ext === ".html") return writeFileAtomic(file, page);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gatescope-export-"));
  const browser = await launchChromium();
  try {
    const htmlFile = path.join(dir, "figure.html");
    fs.writeFileSync(htmlFile, page);
    const tab = await browser.newPage({ viewport: { width, height } });
    await tab.goto(`file://${htmlFile}`, { waitUntil: "load" });
    await tab.waitForFunction("document.querySelector('.gatescope-plot[data-gatescope-rendered]') !== null", undefined, { timeout: 30000 });
    const format = ext.slice(1);
    const url = await tab.evaluate<string>(`window.Plotly.toImage(document.querySelector('.gatescope-plot'), { format: ${JSON.stringify(format)}, width: ${width}, height: ${height}, scale: ${options.scale ?? 1} })`);
    const comma = url.indexOf(",");
    const header = url.slice(0, comma);
    const payload = url.slice(comma + 1);
    const bytes = header.endsWith(";base64") ? Buffer.from(payload, "base64") : Buffer.from(decodeURIComponent(payload), "utf8");
    if (bytes.length === 0) throw new GatescopeError(`saveFigure ${file}: expected image data from plotly.js, got none`);
    writeFileAtomic(file, bytes);
  } finally {
    await browser.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
