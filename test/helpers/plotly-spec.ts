/**
 * A structural check of Plotly specs: known trace types, axis types, and array lengths that
 * match the data (x with y for scatter; z rows with y and columns with x for heatmaps).
 */
import { expect } from "chai";
import type { Figure } from "../../src/viz/figure";

const TRACE_TYPES = ["scatter", "heatmap", "histogram", "bar"];
const AXIS_TYPES = [undefined, "linear", "log", "category", "date"];

export function checkFigure(fig: Figure, what: string): void {
  expect(fig.data, `${what}: data`).to.be.an("array").that.is.not.empty;
  expect(fig.layout, `${what}: layout`).to.be.an("object");
  const title = (fig.layout.title as { text?: string } | undefined)?.text;
  expect(title, `${what}: title`).to.be.a("string").and.not.empty;
  for (const [key, axis] of Object.entries(fig.layout)) {
    if (/^[xy]axis\d*$/.test(key))
      expect(AXIS_TYPES, `${what}: ${key}.type`).to.include((axis as { type?: string }).type);
  }
  fig.data.forEach((t, k) => {
    const w = `${what}: trace ${k} (${t.type})`;
    expect(TRACE_TYPES, w).to.include(t.type);
    if (t.type === "scatter") {
      const x = t.x as unknown[], y = t.y as unknown[];
      expect(x, `${w} x`).to.be.an("array");
      expect(y, `${w} y`).to.be.an("array").with.length(x.length);
      for (const v of y) if (v !== null) expect(Number.isFinite(v), `${w} y value ${v}`).to.equal(true);
    } else if (t.type === "heatmap") {
      const z = t.z as unknown[][];
      expect(z, `${w} z`).to.be.an("array").with.length((t.y as unknown[]).length);
      for (const row of z) expect(row, `${w} z row`).to.have.length((t.x as unknown[]).length);
    } else if (t.type === "histogram") {
      expect(t.x, `${w} x`).to.be.an("array").that.is.not.empty;
    }
    for (const ax of ["xaxis", "yaxis"]) {
      const ref = t[ax] as string | undefined;
      if (ref) expect(fig.layout, `${w} ${ax} ${ref}`).to.have.property(ref.replace(/^([xy])/, "$1axis"));
    }
  });
}
