/**
 * Rows compared as a cited paper compares its models: which pairs (kind at one depth, depth of one kind, nothing
 * else), the difference and its interval, and none where no recipe of the spec's tasks asks for them.
 */
import { expect } from "chai";
import { contrastRow, contrasts } from "../../src/experiment/contrasts";
import { preset } from "../../src/experiment/presets";
import type { RunResult } from "../../src/experiment/run";
import { bootstrapDiffCI } from "../../src/experiment/stats";

/** The fields a row's selection reads, for a cell's seeds with these test metrics. */
const runsOf = (task: string, T: number, cell: string, metrics: number[]): RunResult[] =>
  metrics.map((m, seed) => ({ task, T, cell, seed, lr: 2e-3, final_val_metric: m, final_test_metric: m }) as RunResult);

describe("rows compared (contrasts)", () => {
  it("charlm: kind at one depth and depth of one kind, first − second with a bootstrap interval", () => {
    const runs = [
      ...runsOf("charlm", 50, "lstm-1", [1.95, 1.97, 1.96]),
      ...runsOf("charlm", 50, "lstm-2", [1.88, 1.89, 1.9]),
      ...runsOf("charlm", 50, "rnn-2", [2.0, 1.98, 2.02]),
    ];
    const got = contrasts(preset("charlm", 0), runs);
    expect(got.map((c) => [c.first, c.second, c.differs])).to.deep.equal([
      ["lstm-1", "lstm-2", "layers"],
      ["lstm-2", "rnn-2", "kind"],
    ]); // lstm-1 against rnn-2 differs in two things: not a comparison
    const [depth, kind] = got;
    expect(depth.diff).to.be.closeTo(0.07, 1e-12);
    expect(kind.diff).to.be.closeTo(-0.11, 1e-12);
    expect(kind.seeds).to.deep.equal([3, 3]);
    for (const c of got) expect(c.diff_ci95[0] <= c.diff && c.diff <= c.diff_ci95[1], c.first).to.be.true;
    expect(kind.diff_ci95[1]).to.be.below(0); // every resample: the LSTM lower
    expect(contrastRow(kind)).to.deep.equal(
      ["charlm", "50", "lstm-2", "rnn-2", "kind", `−0.110 [${fmt(kind.diff_ci95[0])}, ${fmt(kind.diff_ci95[1])}]`,
        "3 / 3"],
    );
  });

  it("none where no recipe of the spec's tasks compares its models (the headline's)", () => {
    const runs = [...runsOf("adding", 100, "lstm", [0.1, 0.2]), ...runsOf("adding", 100, "gru", [0.1, 0.3])];
    expect(contrasts(preset("headline", 0), runs)).to.deep.equal([]);
  });

  it("the difference's interval: around 0 for equal samples, refused with a side empty", () => {
    const [lo, hi] = bootstrapDiffCI([1, 2, 3, 4], [1, 2, 3, 4]);
    expect(lo).to.be.below(0);
    expect(hi).to.be.above(0);
    expect(() => bootstrapDiffCI([1], [])).to.throw("bootstrap of a difference: expected values on both sides");
  });
});

function fmt(v: number): string {
  return v.toPrecision(2).replace("-", "−");
}
