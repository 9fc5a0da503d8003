/**
 * Verdicts a referee would sign: a row's numbers and verdict rest on seeds that took no part in choosing its
 * rate, the paper's own rate gets a verdict of its own, and an interval that spans the claim's reference is
 * inconclusive — for every predicate on an interval, never for the counting ones.
 */
import { expect } from "chai";
import { judge, type Expectation } from "../../src/experiment/published";
import type { RunResult } from "../../src/experiment/run";
import { authorsVerdictText, summarize } from "../../src/experiment/summary";
import { runResult } from "../helpers/run-result";

const B = 1 / 6; // the adding problem's baseline

/** A finished adding run at T = 100 over the paper's 30 000 steps: seed, rate, test metric (validation alike). */
const run = (cell: string, lr: number, seed: number, metric: number, solved = metric < 0.01): RunResult =>
  runResult({
    id: `adding-T100-${cell}-lr${lr}-s${seed}`, cell, seed, lr, steps: 30000, solved, solved_at: solved ? 100 : null,
    final_val_metric: metric, final_test_metric: metric,
  });

describe("verdicts a referee would sign", () => {
  it("a staged row's numbers and verdict come from its fresh seeds; the pilots' are shown second", () => {
    // The tanh RNN: two pilot seeds per rate, 1e-4 chosen on validation (it beat the baseline there), then three
    // fresh seeds at 1e-4 that stay at the baseline. Pooled, the pilots would pull the row below it.
    const runs = [
      run("rnn_tanh", 1e-4, 0, 0.04), run("rnn_tanh", 1e-4, 1, 0.13),
      run("rnn_tanh", 1e-3, 0, 0.165), run("rnn_tanh", 1e-3, 1, 0.166),
      run("rnn_tanh", 1e-4, 2, 0.168), run("rnn_tanh", 1e-4, 3, 0.167), run("rnn_tanh", 1e-4, 4, 0.169),
    ];
    const [row] = summarize(runs);
    expect(row.lr).to.equal(1e-4);
    expect(row).to.deep.include({ seeds: 3, fresh: true });
    expect(row.metric_mean).to.be.closeTo(0.168, 1e-12);
    expect(row.verdict, "fresh seeds at the baseline agree with 'does not beat it'").to.equal("agrees");
    expect(row.with_pilots!.seeds).to.equal(5);
    expect(row.with_pilots!.metric_ci95[0]).to.be.below(0.9 * B); // pooled, the interval reaches far below
    // The paper's rate (1e-3 for the tanh RNN) has its own verdict, from the runs there.
    expect(row.authors).to.deep.include({ lr: 1e-3, seeds: 2, solved: 0, verdict: "agrees" });
    expect(authorsVerdictText(row)).to.match(/^at the paper's rate 0\.001: agrees \(0\.166 \[/);
  });

  it("one rate: every seed is fresh and none are 'with pilots'; a full sweep has no fresh seed and says so", () => {
    const single = summarize([0, 1, 2].map((s) => run("urnn", 1e-3, s, 0.02)))[0];
    expect(single).to.deep.include({ seeds: 3, fresh: true, with_pilots: null });
    expect(single.authors).to.deep.include({ lr: 1e-3, seeds: 3 }); // its rate is the paper's: same runs
    expect(authorsVerdictText(single)).to.equal(""); // nothing second to say
    const sweep = [1e-3, 1e-2].flatMap((lr) => [0, 1, 2].map((s) => run("lstm", lr, s, lr === 1e-2 ? 0.005 : 0.1)));
    const full = summarize(sweep)[0];
    expect(full).to.deep.include({ lr: 1e-2, seeds: 3, fresh: false, with_pilots: null });
  });

  it("an interval across the reference is inconclusive for every predicate on an interval", () => {
    const o = (lo: number, hi: number, solved = 0) =>
      ({ seeds: 3, solved, baseline: B, metric_ci95: [lo, hi] as [number, number], steps: 1 });
    const cases: Array<[Expectation, [number, number], string]> = [
      ["at_baseline", [0.16, 0.17], "agrees"],
      ["at_baseline", [0.04, 0.17], "inconclusive"], // the tanh RNN at adding T = 200 with its pilots
      ["at_baseline", [0.04, 0.14], "deviates"],
      ["beats_baseline", [0.01, 0.1], "agrees"],
      ["beats_baseline", [0.1, 0.2], "inconclusive"],
      ["beats_baseline", [0.17, 0.2], "deviates"],
      ["below_baseline_unsolved", [0.05, 0.1], "agrees"],
      ["below_baseline_unsolved", [0.1, 0.2], "inconclusive"],
      ["below_baseline_unsolved", [0.2, 0.3], "deviates"],
    ];
    for (const [predicts, [lo, hi], want] of cases)
      expect(judge(predicts, o(lo, hi)), `${predicts} [${lo}, ${hi}]`).to.equal(want);
    // A solve settles at_baseline and below_baseline_unsolved whatever the interval; counts are never inconclusive.
    expect(judge("at_baseline", o(0.04, 0.17, 1))).to.equal("deviates");
    expect(judge("below_baseline_unsolved", o(0.1, 0.2, 1))).to.equal("deviates");
    expect(judge("solve", o(0, 1, 2))).to.equal("deviates");
    expect(judge("solve", o(0, 1, 3))).to.equal("agrees");
    expect(judge("fail", o(0, 1, 0))).to.equal("agrees");
    // A non-finite interval (a diverged seed) cannot be placed: inconclusive, never a pass.
    expect(judge("beats_baseline", o(NaN, NaN))).to.equal("inconclusive");
    // With a budget shorter than the paper's, only what the steps can show is said.
    expect(judge("beats_baseline", { ...o(0.1, 0.2), steps: 10 }, 100)).to.equal(null);
    expect(judge("at_baseline", { ...o(0.04, 0.14), steps: 10 }, 100)).to.equal("deviates");
  });
});
