/** The other test measures a task reports (a language model's bits per character and accuracy), per summary row. */
import { expect } from "chai";
import { measureCells, measureNames, measureRows } from "../../src/experiment/measures";
import type { ResultsFile } from "../../src/experiment/results";
import type { RunResult } from "../../src/experiment/run";
import type { SummaryRow } from "../../src/experiment/summary";

const run = (task: string, T: number, cell: string, seed: number, extra: Record<string, number>) =>
  ({ task, T, cell, seed, lr: 1e-3, final_val_metric: 1, final_test_metric: 1, final_test_extra: extra }) as RunResult;

describe("other test measures per row", () => {
  it("a language model's bits per character and accuracy; a task that reports none gets no row", () => {
    const results = {
      summary: [{ task: "charlm", T: 50, cell: "lstm-2" }, { task: "adding", T: 100, cell: "lstm" }] as SummaryRow[],
      runs: [
        run("charlm", 50, "lstm-2", 0, { bits_per_char: 2.7, accuracy: 0.56 }),
        run("charlm", 50, "lstm-2", 1, { bits_per_char: 2.9, accuracy: 0.54 }),
        run("adding", 100, "lstm", 0, { first: 0.9, second: 1 }),
      ],
    } as ResultsFile;
    const rows = measureRows(results);
    expect(rows.map((r) => r.cell)).to.deep.equal(["lstm-2"]);
    const names = measureNames(rows);
    expect(names).to.deep.equal(["bits per character", "accuracy (most likely next character)"]);
    expect(rows[0].measures["bits per character"].mean).to.be.closeTo(2.8, 1e-12);
    const [lo, hi] = rows[0].measures["bits per character"].ci95;
    expect(lo >= 2.7 && hi <= 2.9 && lo < hi).to.be.true;
    expect(measureCells(rows[0], names).slice(0, 4)).to.deep.equal(["charlm", "50", "lstm-2", `2.800 [${
      lo.toPrecision(3)}, ${hi.toPrecision(3)}]`]);
    // A measure some seed lacks is left out rather than averaged over fewer seeds than the row's.
    results.runs[1] = run("charlm", 50, "lstm-2", 1, { bits_per_char: 2.9 });
    expect(measureNames(measureRows(results))).to.deep.equal(["bits per character"]);
  });
});
