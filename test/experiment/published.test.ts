/** The published-outcome predicates and the claims table, on constructed rows. */
import { expect } from "chai";
import { CLAIMS, findClaim, judge, type Expectation } from "../../src/experiment/published";

const row = (solved: number, ci: [number, number], seeds = 3, baseline = 0.167) => ({
  seeds,
  solved,
  baseline,
  metric_ci95: ci,
});

describe("published outcomes", () => {
  it("each predicate decides agree / deviate on constructed rows", () => {
    const cases: Array<[Expectation, ReturnType<typeof row>, boolean]> = [
      ["solve", row(3, [0.001, 0.003]), true],
      ["solve", row(2, [0.001, 0.05]), false],
      ["fail", row(0, [0.16, 0.17]), true],
      ["fail", row(1, [0.05, 0.17]), false],
      ["at_baseline", row(0, [0.16, 0.18]), true],
      ["at_baseline", row(0, [0.1, 0.18]), false], // a seed got well below: not "at" it
      ["beats_baseline", row(0, [0.05, 0.12]), true],
      ["beats_baseline", row(0, [0.05, 0.17]), false], // the interval reaches the baseline
      ["below_baseline_unsolved", row(0, [0.05, 0.12]), true],
      ["below_baseline_unsolved", row(3, [0.001, 0.002]), false], // solved: "not close to 0" fails
    ];
    for (const [e, r, want] of cases) expect(judge(e, r), `${e} ${JSON.stringify(r)}`).to.equal(want);
    expect(judge(null, row(3, [0, 0]))).to.equal(null);
  });

  it("claims follow the sources: LSTM solves adding up to T = 400, beats the copy baseline only at T = 100", () => {
    expect(findClaim("adding", 400, "lstm")!.expect).to.equal("solve");
    expect(findClaim("adding", 750, "lstm")!.expect).to.equal("below_baseline_unsolved");
    expect(findClaim("copy", 100, "lstm")!.expect).to.equal("beats_baseline");
    expect(findClaim("copy", 200, "lstm")!.expect).to.equal("at_baseline");
    expect(findClaim("adding", 100, "gru")).to.equal(null);
    expect(findClaim("adding_hs97", 100, "rnn_tanh")!.expect, "HS97 ran no BPTT/RTRL there").to.equal(null);
    expect(findClaim("adding", 50, "lstm"), "T = 50 is outside every cited range").to.equal(null);
    for (const c of CLAIMS) {
      expect(c.source.paper, c.text).to.be.a("string").and.not.equal("");
      expect(c.source.checked, c.text).to.be.a("string").and.not.equal("");
      expect(c.T[0]).to.be.at.most(c.T[1]);
    }
  });
});
