/**
 * Every task says what its metric is, what the baseline is and when it counts as solved.
 */
import { expect } from "chai";
import { makeTask } from "../../src/tasks";

describe("task descriptions", () => {
  it("every task says what its metric is, what the baseline is and when it counts as solved", () => {
    const want: Record<string, [RegExp, RegExp, RegExp]> = {
      copy: [/cross-entropy/, /10·ln 8\/\(T\+20\)/, /99% of recalled symbols/],
      temporal_order: [/cross-entropy/, /ln 4/, /at most 3 of 2560 test sequences wrong/],
    };
    for (const [name, [metric, baseline, criterion]] of Object.entries(want)) {
      const task = makeTask({ name, T: 100 } as never);
      expect(task.metricName, name).to.match(metric);
      expect(task.baselineFormula, name).to.match(baseline);
      expect(task.criterion, name).to.match(criterion);
    }
  });
});
