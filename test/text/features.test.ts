/** Text features, readable-cell finding and text coloured by a cell: each on inputs whose answer is known. */
import { expect } from "chai";
import { textFeatures } from "../../src/text/features";
import { findCells, pearson } from "../../src/probe/cells";
import { cellTextHtml } from "../../src/viz/text";

describe("readable cells: features, the finder, the coloured text", () => {
  const C = 'int f(a) { /* (x) */ s = "a\\"("; c = \'"\'; // y\n}';

  it("reads C as the model does: columns, bracket depth, strings and comments, after each character", () => {
    const f = textFeatures(C);
    const at = (i: number) => [f.column[i], f.bracket_depth[i], f.in_string[i], f.in_comment[i]];
    const chars = [...C];
    expect(at(chars.indexOf("("))).to.deep.equal([6, 1, 0, 0]);
    expect(at(chars.indexOf("x"))).to.deep.equal([16, 1, 0, 1]); // the comment's brackets count for nothing
    const quote = chars.indexOf('"');
    expect(at(quote)).to.deep.equal([26, 1, 1, 0]); // an opening quote: inside after reading it
    expect(f.in_string.slice(quote, quote + 6)).to.deep.equal([1, 1, 1, 1, 1, 0]); // "a\"(" : the escape holds
    expect(f.bracket_depth[quote + 4], "a bracket in a string is no bracket").to.equal(1);
    expect(f.in_string[chars.lastIndexOf("'") - 1], "a '\"' character literal opens no string").to.equal(0);
    const newline = chars.indexOf("\n");
    expect(at(newline)).to.deep.equal([0, 1, 0, 0]); // the line comment ends at the newline
    expect(at(chars.length - 1)).to.deep.equal([1, 0, 0, 0]);
    expect(Object.values(f).every((v) => v.length === chars.length)).to.equal(true);
  });

  it("the finder names the unit that follows a feature, and none when no unit does", () => {
    const T = 60;
    const f = textFeatures(C.repeat(2)).column.slice(0, T);
    const noise = Array.from({ length: T }, (_, t) => Math.sin(7.3 * t) * Math.cos(3.1 * t * t));
    // Unit 2 is the column, negated and squashed; unit 0 is noise; unit 1 is constant (no r).
    const H = 3;
    const data = new Float64Array(T * H);
    for (let t = 0; t < T; t++) data.set([noise[t], 0.5, -Math.tanh(f[t] / 20)], t * H);
    const unrelated = Array.from({ length: T }, (_, t) => (t % 2 === 0 ? 1 : 0));
    const [column, blank] = findCells({ shape: [1, T, H], data }, { column: f, blank: unrelated });
    expect(column.best[0].unit).to.equal(2);
    expect(column.best[0].r).to.be.below(-0.9);
    expect(column.tracked).to.equal(true);
    expect(column.best.map((m) => m.unit)).to.not.include(1);
    expect(blank.tracked, "no unit follows a feature unrelated to them all").to.equal(false);
    expect(pearson([1, 2, 3], [2, 4, 6])).to.be.closeTo(1, 1e-12);
    expect(Number.isNaN(pearson([1, 1, 1], [1, 2, 3]))).to.equal(true);
    expect(() => findCells({ shape: [1, T, H], data }, { short: [1, 2] })).to.throw(
      'findCells feature "short": expected 60 values (one per step) or 60 (every sequence\'s), got 2',
    );
  });

  it("the finder pools every sequence's steps when a feature has a value for each, or reads one sequence", () => {
    const [T, H] = [40, 3];
    const wave = (k: number) => Math.sin(0.37 * k) + 0.3 * Math.cos(1.7 * k * k);
    const data = Float64Array.from({ length: 2 * T * H }, (_, k) => (k % H === 1 ? 0.5 : wave(k)));
    const feature = Array.from({ length: 2 * T }, (_, k) => Math.cos(0.21 * k));
    const column = (j: number, from: number, to: number) =>
      Array.from({ length: to - from }, (_, t) => data[(from + t) * H + j]);
    const [pooled] = findCells({ shape: [2, T, H], data }, { feature });
    expect(pooled.best.map((m) => m.unit).sort()).to.deep.equal([0, 2]); // unit 1 is constant: no r
    for (const m of pooled.best) expect(m.r).to.equal(pearson(column(m.unit, 0, 2 * T), feature));
    const [second] = findCells({ shape: [2, T, H], data }, { feature: feature.slice(T) }, { sample: 1 });
    for (const m of second.best) expect(m.r).to.equal(pearson(column(m.unit, T, 2 * T), feature.slice(T)));
    expect(second.best[0].r).to.not.equal(pooled.best.find((m) => m.unit === second.best[0].unit)!.r);
    expect(() => findCells({ shape: [2, T, H], data }, { feature: [1, 2] })).to.throw(
      'findCells feature "feature": expected 40 values (one per step) or 80 (every sequence\'s), got 2',
    );
  });

  it("colours each character by the cell, escapes the text, and runs no script", () => {
    const html = cellTextHtml("<b>\n", [-1, 0, 1, 0.5], "cell 7");
    expect(html).to.include("&lt;").and.include("&gt;").and.not.include("<b>");
    expect(html).to.include("rgb(60,110,255)"); // −1: full blue
    expect(html).to.include("rgb(255,60,60)"); // +1: full red
    expect(html).to.include("↵").and.include("cell 7");
    expect(html).to.not.match(/<script/i);
    expect(() => cellTextHtml("ab", [1])).to.throw(
      "cellTextHtml values: expected 2 numbers (one per character), got 1",
    );
  });
});
