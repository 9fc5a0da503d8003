/** The summary's statistics, on constructed inputs with known answers. */
import { expect } from "chai";
import { bootstrapMeanCI, mean, median, quantile, sd, wilsonCI } from "../../src/experiment/stats";

describe("experiment statistics", () => {
  it("mean, sample sd, quantiles and median match hand computation (numpy's linear interpolation)", () => {
    const xs = [4, 1, 3, 2];
    expect(mean(xs)).to.equal(2.5);
    expect(sd(xs)).to.be.closeTo(Math.sqrt(5 / 3), 1e-15); // Σ(x−2.5)² = 5, over n − 1 = 3
    expect(sd([7])).to.equal(0);
    expect(sd([1, 3])).to.be.closeTo(Math.SQRT2, 1e-15); // two values: (1 + 1)/(2 − 1)
    expect(median(xs)).to.equal(2.5);
    expect(median([900, 1000])).to.equal(950);
    expect(quantile(xs, 0.25)).to.equal(1.75); // numpy.quantile([1,2,3,4], .25)
    expect(quantile(xs, 0.75)).to.equal(3.25);
    expect(quantile(xs, 0)).to.equal(1);
    expect(quantile(xs, 1)).to.equal(4);
    expect(() => quantile([], 0.5)).to.throw(/quantile: expected at least one value/);
  });

  it("Wilson intervals match the published formula's values and stay inside [0, 1]", () => {
    const [a, b] = wilsonCI(5, 10);
    expect(a).to.be.closeTo(0.2366, 1e-4);
    expect(b).to.be.closeTo(0.7634, 1e-4);
    const [lo0, hi0] = wilsonCI(0, 3);
    expect(lo0).to.equal(0);
    expect(hi0).to.be.closeTo(0.5615, 1e-4);
    const [lo3, hi3] = wilsonCI(3, 3);
    expect(lo3).to.be.closeTo(0.4385, 1e-4);
    expect(hi3).to.equal(1);
    for (const [k, n] of [
      [4, 3],
      [-1, 3],
      [1.5, 3],
      [0, 0],
      [1, 2.5],
    ]) {
      expect(() => wilsonCI(k, n), `${k} of ${n}`).to.throw(/Wilson interval: expected integers 0 ≤ k ≤ n, n/);
    }
  });

  it(
    "the bootstrap interval of the mean: degenerate for equal values, inside the data's range, deterministic, " +
      "narrowing with n",
    () => {
      expect(bootstrapMeanCI([0.3, 0.3, 0.3])).to.deep.equal([0.3, 0.3]);
      expect(() => bootstrapMeanCI([])).to.throw(/bootstrap: expected at least one value/);
      const xs = [0.1, 0.2, 0.25, 0.4, 0.9];
      const [lo, hi] = bootstrapMeanCI(xs);
      expect(lo).to.be.at.least(0.1).and.below(mean(xs));
      expect(hi).to.be.above(mean(xs)).and.at.most(0.9);
      expect(bootstrapMeanCI(xs)).to.deep.equal([lo, hi]);
      const many = Array.from({ length: 400 }, (_, i) => xs[i % 5]);
      const [lo2, hi2] = bootstrapMeanCI(many);
      expect(hi2 - lo2).to.be.below((hi - lo) / 4);
    },
  );
});
