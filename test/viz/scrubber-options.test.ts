/** The time scrubber over chosen units, its steps named by the characters read; bad options named. */
import { expect } from "chai";
import { Rng } from "../../src/math/rng";
import { RecurrentNet } from "../../src/model/recurrent";
import { timeScrubber } from "../../src/viz/gates";

describe("timeScrubber's units and step labels", () => {
  const rng = new Rng(1);
  const net = new RecurrentNet({ kind: "lstm", inputSize: 2, hiddenSize: 8, dtype: "float64" }, rng);
  const x = { shape: [1, 3, 2], data: Float64Array.from({ length: 6 }, () => rng.uniform()) };
  const trace = net.forward(x).trace;

  it("shows only the chosen units, as categories, and names each step by its label", () => {
    const fig = timeScrubber(trace, { names: ["f", "c"], units: [5, 2], stepLabels: ["a", "b", "c"] });
    const layout = fig.layout as { sliders: Array<{ steps: Array<{ label: string; args: unknown[] }> }> };
    expect(fig.data.map((d) => (d as unknown as { x: string[] }).x)).to.deep.equal([["5", "2"], ["5", "2"]]);
    const f = trace.get("f").data;
    expect((fig.data[0] as unknown as { y: number[] }).y).to.deep.equal([f[5], f[2]]);
    expect(layout.sliders[0].steps.map((s) => s.label)).to.deep.equal(["a", "b", "c"]);
    const last = layout.sliders[0].steps[2].args[0] as { y: number[][] };
    expect(last.y[0]).to.deep.equal([f[2 * 8 + 5], f[2 * 8 + 2]]);
    expect((fig.layout as { xaxis: { type: string } }).xaxis.type).to.equal("category");
  });

  it("refuses units outside the layer and labels of another length", () => {
    expect(() => timeScrubber(trace, { units: [8] })).to.throw("timeScrubber units: expected unit indices in [0, 7]");
    expect(() => timeScrubber(trace, { stepLabels: ["a"] })).to.throw(
      "timeScrubber stepLabels: expected 3 labels (one per step), got 1",
    );
  });
});
