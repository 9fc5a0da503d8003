/** The summary as a reader meets it: rows chosen on validation, cells as printed, a table whose columns line up. */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { parseResults } from "../../src/experiment/results";
import { outcomeText } from "../../src/experiment/report";
import {
  formatSummary,
  SEEDS_NOTE,
  summaryCells,
  SUMMARY_HEADINGS,
  summaryKeys,
  type SummaryRow,
} from "../../src/experiment/summary";
import { REPO } from "../helpers/paths";

const quick = () => parseResults(fs.readFileSync(path.join(REPO, "results/quick/results.json"), "utf8"));

describe("the summary as printed", () => {
  it("each row takes the rate with the lowest mean validation metric, and steps only from solved seeds", () => {
    const { summary } = quick();
    for (const row of summary) {
      const best = Math.min(...row.lr_sweep.map((s) => s.val_mean));
      expect(row.val_mean, `${row.task} T=${row.T} ${row.cell}`).to.equal(best);
      expect(row.lr).to.equal(row.lr_sweep.find((s) => s.val_mean === best)!.lr);
      if (row.solved === 0) expect(row.steps_to_solve_median).to.equal(null);
      else expect(row.steps_to_solve_median).to.be.a("number");
    }
    expect(new Set(summary.map((r) => r.lr)).size, "validation chose different rates for different rows").to.equal(2);
  });

  it("columns line up under their headings; the last is not padded; claims follow, one per compared row", () => {
    const { summary } = quick();
    const rows = summary.map((r, i) => (i === 0 ? { ...r, verdict: "deviates" as const, expect: "fail" as const } : r));
    const lines = formatSummary(rows).split("\n");
    const keys = Object.keys(SUMMARY_HEADINGS);
    const dashes = lines[1].split(" ");
    expect(dashes.every((d) => /^-+$/.test(d))).to.equal(true);
    const starts = dashes.map((_, i) => dashes.slice(0, i).reduce((s, d) => s + d.length + 1, 0));
    const cellsOf = (line: string) => starts.map((s, i) => line.slice(s, starts[i + 1]).trimEnd());
    expect(cellsOf(lines[0])).to.deep.equal(keys.map((k) => SUMMARY_HEADINGS[k]));
    rows.forEach((r, i) => {
      const printed = cellsOf(lines[2 + i]);
      expect(printed, `row ${i}`).to.deep.equal(keys.map((k) => summaryCells(r)[k]));
      expect(lines[2 + i], "no trailing spaces").to.equal(lines[2 + i].trimEnd());
    });
    expect(summaryCells(rows[0]).verdict).to.equal("NO");
    const unjudged = rows.find((r) => r.verdict === null)!;
    expect(summaryCells(unjudged).verdict).to.equal("—");
    expect(unjudged.published).to.equal("not reported by the cited papers");
    expect(summaryCells(rows.find((r) => r.verdict === "agrees")!).verdict).to.equal("yes");
    const claims = lines.slice(lines.indexOf("Published outcomes (predicate on the row above):") + 1);
    expect(claims).to.have.length(rows.filter((r) => r.expect !== null).length);
    expect(claims[0]).to.equal(`  ${rows[0].task} T=${rows[0].T} ${rows[0].cell}: ${rows[0].published} — DEVIATES`);
    // the quick preset's 3000 steps confirm the LSTM's beaten baseline, but cannot show the tanh RNN staying at
    // it for the paper's 30 000 and 47 000
    for (const [i, r] of rows.entries())
      if (i > 0 && r.expect !== null)
        expect(claims[rows.filter((q, j) => j < i && q.expect !== null).length]).to.match(
          r.cell === "lstm"
            ? / — agrees$/
            : new RegExp(` — not comparable: ≤ ${r.steps_run} steps run, the paper ran ${r.paper_steps}$`),
        );
    const none = formatSummary(rows.filter((r) => r.expect === null)).split("\n");
    // the table, the note on seeds, and no claims section
    expect(none).to.have.length(4 + rows.filter((r) => r.expect === null).length);
    expect(none.slice(-2)).to.deep.equal(["", SEEDS_NOTE]);
  });
});

describe("a task judged by its metric alone", () => {
  it("shows no solves: a language model's rows drop those columns, alone, and keep them beside a solvable task", () => {
    const adding = quick().summary[0];
    const lm: SummaryRow = { ...adding, task: "charlm", T: 50, cell: "lstm-2", vs_baseline: 0.5, metric_ci95: [1, 2] };
    const all = Object.keys(SUMMARY_HEADINGS);
    expect(summaryKeys([lm])).to.deep.equal(all.filter((k) => k !== "solved" && k !== "steps"));
    expect(summaryKeys([lm, adding])).to.deep.equal(all);
    expect(formatSummary([lm]).split("\n")[0]).not.to.match(/solved|steps/);
    expect(outcomeText({ ...lm, baseline: 3.7 })).to.equal("below the baseline");
    expect(outcomeText(adding)).to.match(/solved/);
  });
});

describe("committed results", () => {
  for (const dir of ["results/quick", "results/charlm"])
    it(`${dir}'s stored summary is what its runs give today (node scripts/resummarize.js ${dir})`, () => {
      const text = fs.readFileSync(path.join(REPO, dir, "results.json"), "utf8");
      expect(JSON.parse(JSON.stringify(parseResults(text).summary))).to.deep.equal(JSON.parse(text).summary);
    });
});
