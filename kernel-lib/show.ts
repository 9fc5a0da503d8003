/**
 * Showing figures inline in a notebook (tslab or Deno's kernel), offline: plotly.js is embedded from
 * node_modules the first time a figure is shown in this kernel session, then each chart is a
 * div plus a tiny script. Works in the classic Notebook and VS Code (require.js pages), in
 * trusted JupyterLab, and in nbconvert's HTML export.
 */
import { checkKeys, fail } from "../src/errors";
import type { Figure } from "../src/viz/figure";
import { figureHtml, newPlotId, plotlyInjection } from "../src/viz/html";
import type { BundleDisplay, DisplayLike } from "./display";
import { escapeMarkdown } from "../src/viz/markdown";

let injected = false;

/** The plotly.js <script> the first time in this session, "" after (a restarted kernel injects again). */
function injectionOnce(): string {
  if (injected) return "";
  injected = true;
  return plotlyInjection();
}

/** For tests: forget that plotly.js was injected (as a kernel restart does). */
export function resetInjection(): void {
  injected = false;
}

/** Shows one figure inline. */
export function show(display: DisplayLike, fig: Figure, options: { height?: number } = {}): void {
  checkKeys("show options", options, ["height"]);
  if (
    options.height !== undefined &&
    !(Number.isInteger(options.height) && options.height > 0 && options.height <= 10000)
  ) {
    fail("show options.height", "an integer number of pixels in [1, 10000]", options.height);
  }
  display.html(injectionOnce() + figureHtml(fig, undefined, options.height));
}

function figureTitle(fig: Figure): string {
  return String((fig.layout.title as { text?: string } | undefined)?.text ?? "untitled");
}

/**
 * Opt-in: one output holding the figure as application/vnd.plotly.v1+json (drawn natively by
 * front ends that have a Plotly renderer, e.g. JupyterLab with its Plotly extension) and as
 * text/html (everyone else, and nbconvert's HTML), plus a text/plain fallback.
 */
export function showNative(display: BundleDisplay, fig: Figure): void {
  display.bundle({
    "application/vnd.plotly.v1+json": { data: fig.data, layout: fig.layout },
    "text/html": injectionOnce() + figureHtml(fig),
    "text/plain": `<gatescope figure: ${figureTitle(fig)}>`,
  });
}

/** A clock the live outputs read; replaceable in tests. */
export interface Clock {
  now(): number;
}
const systemClock: Clock = { now: () => Date.now() };

/**
 * A figure that redraws in place while a cell trains: pass `newDisplay()`, whose later calls
 * replace its first output. Updates closer together than `throttleMs` are coalesced;
 * `flush()` (or `await train(...)` returning, then `flush()`) draws the latest state.
 */
export class LiveFigure {
  private pending: Figure | null = null;
  private last = -Infinity;
  /** Set when this output was the one that brought plotly.js: then every redraw must keep it,
   *  since a redraw replaces the output, and a saved notebook keeps only the last one. */
  private carriesPlotly = false;
  updates = 0;

  constructor(
    private readonly display: DisplayLike,
    private readonly throttleMs = 250,
    private readonly clock: Clock = systemClock,
  ) {}

  update(fig: Figure): void {
    this.pending = fig;
    if (this.clock.now() - this.last >= this.throttleMs) this.flush();
  }

  flush(): void {
    if (!this.pending) return;
    const injection = this.carriesPlotly ? plotlyInjection() : injectionOnce();
    this.carriesPlotly = injection !== "";
    // A fresh div id per redraw: the replaced output's script must not draw into the new one.
    this.display.html(injection + figureHtml(this.pending, newPlotId()));
    this.pending = null;
    this.last = this.clock.now();
    this.updates++;
  }
}

function duration(s: number): string {
  if (!Number.isFinite(s)) return "—";
  const m = Math.floor(s / 60),
    sec = Math.round(s % 60);
  return m ? `${m}m ${String(sec).padStart(2, "0")}s` : `${sec}s`;
}

/** A one-line training progress display with rate and ETA, redrawn in place (throttled). */
export class ProgressLine {
  private readonly start: number;
  private last = -Infinity;

  constructor(
    private readonly display: DisplayLike,
    private readonly total: number,
    private readonly throttleMs = 250,
    private readonly clock: Clock = systemClock,
  ) {
    this.start = clock.now();
  }

  update(done: number, fields: Record<string, number | string> = {}, force = false): void {
    const now = this.clock.now();
    if (!force && now - this.last < this.throttleMs && done < this.total) return;
    this.last = now;
    const elapsed = (now - this.start) / 1000;
    const rate = done / Math.max(elapsed, 1e-9);
    const eta = (this.total - done) / rate;
    const extra = Object.entries(fields)
      .map(([k, v]) => escapeMarkdown(`${k} ${typeof v === "number" ? v.toPrecision(4) : String(v)}`))
      .join(" · ");
    const bar = "█".repeat(Math.round((20 * done) / this.total)).padEnd(20, "░");
    this.display.markdown(
      `\`${bar}\` step ${done}/${this.total}${extra ? ` · ${extra}` : ""} · ${rate.toFixed(1)} steps/s · ` +
        `${done >= this.total ? `done in ${duration(elapsed)}` : `ETA ${duration(eta)}`}`,
    );
  }
}
