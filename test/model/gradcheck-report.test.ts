/**
 * gradcheck's report text and its inputs: a description whose kind is taken is refused.
 */
import { expect } from "chai";
import { lstm } from "../../src/cells/lstm";
import { GatescopeError } from "../../src/errors";
import { formatGradcheck, gradcheck } from "../../src/model/gradcheck";
import { leakyRnnDescription } from "../helpers/user-cell";

describe("gradcheck: its report and its inputs", () => {
  it("the report names the config, marks a parameter over tolerance, and lists failed and skipped cases", () => {
    const text = formatGradcheck({
      kind: "lstm",
      config: { kind: "lstm", peepholes: true, forgetBias: 0 },
      tolerance: 1e-6,
      pass: false,
      // An error equal to the tolerance fails, as it does in the check itself.
      worstByParam: { weight_ih: 2e-9, alpha: 3e-3, h0: 1e-6 },
      cases: [
        { layers: 1, truncate: 0, pass: true, worst: { name: "weight_ih", error: 2e-9 } },
        { layers: 2, truncate: 3, pass: false, worst: { name: "alpha", error: 3e-3 } },
      ],
      skipped: ["2 layer(s), truncate 3: the cell carries state forward() cannot restart"],
    } as never);
    expect(text.split("\n")).to.deep.equal([
      "lstm {peepholes: true, forgetBias: 0}: FAIL (tolerance 0.000001)",
      "  weight_ih    2.00e-9",
      "  alpha        3.00e-3  ← over tolerance",
      "  h0           1.00e-6  ← over tolerance",
      "  failed: 2 layer(s), truncate 3: worst alpha 3.00e-3",
      "  not checked: 2 layer(s), truncate 3: the cell carries state forward() cannot restart",
    ]);
    expect(
      formatGradcheck({
        kind: "gru",
        config: { kind: "gru" },
        tolerance: 1e-6,
        pass: true,
        worstByParam: {},
        cases: [],
        skipped: [],
      } as never),
    ).to.equal("gru: PASS (tolerance 0.000001)");
  });

  it("a description whose kind is taken by another cell is refused; the registered one is checked by name", () => {
    expect(() => gradcheck({ ...leakyRnnDescription("lstm") })).to.throw(
      GatescopeError,
      /^gradcheck: expected a description not clashing with kind "lstm", got "lstm"$/,
    );
    expect(gradcheck(lstm, { layers: [1], truncate: [0] }).kind).to.equal("lstm");
  });
});
