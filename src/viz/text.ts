/**
 * Text coloured by one cell, character by character, as Karpathy, Johnson & Fei-Fei (2015) showed their readable
 * cells: blue for −1, white for 0, red for +1 (tanh(c) or h). Plain HTML with inline styles and no script, so it
 * shows the same in tslab, in Deno's kernel, in exported HTML and in viewers that run nothing.
 */
import { fail } from "../errors";
import { escapeHtml } from "./html";

/** A value in [−1, 1] as a diverging colour: blue (−1), white (0), red (+1). */
function colour(v: number): string {
  const a = Math.min(1, Math.abs(v));
  const fade = (full: number) => Math.round(255 - a * (255 - full));
  return v >= 0 ? `rgb(255,${fade(60)},${fade(60)})` : `rgb(${fade(60)},${fade(110)},255)`;
}

/** `text` with each character's background the cell's value after reading it (`values`: one per character). */
export function cellTextHtml(text: string, values: ArrayLike<number>, title = ""): string {
  const chars = [...text];
  if (values.length !== chars.length)
    fail("cellTextHtml values", `${chars.length} numbers (one per character)`, values.length);
  const spans = chars.map((ch, i) => {
    const v = values[i];
    const shown = ch === "\n" ? "↵\n" : ch === "\t" ? "→   " : escapeHtml(ch);
    const background = Number.isFinite(v) ? colour(v) : "#ddd";
    return `<span style="background:${background}" title="${v.toFixed(3)}">${shown}</span>`;
  });
  const scale = [-1, -0.5, 0, 0.5, 1]
    .map((v) => `<span style="background:${colour(v)};padding:0 0.6em">${v}</span>`)
    .join("");
  return (
    `<div class="gatescope-cell-text" style="font-family:sans-serif;font-size:13px">` +
    (title ? `<div style="font-weight:bold;margin:0.3em 0">${escapeHtml(title)}</div>` : "") +
    `<div style="margin-bottom:0.3em">${scale}</div>` +
    `<pre style="font-family:monospace;white-space:pre-wrap;line-height:1.35;margin:0">${spans.join("")}</pre></div>`
  );
}
