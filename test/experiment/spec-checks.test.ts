/**
 * Experiment specs: malformed cells and tasks are named, never a TypeError.
 */
import { expect } from "chai";
import { preset } from "../../src/experiment/presets";
import { expand } from "../../src/experiment/spec";

describe("experiment spec checks", () => {
  it("experiment specs: malformed cells and tasks are named, never a TypeError", () => {
    const tiny = preset("tiny", 0);
    const bad = (spec: unknown) => () => expand(spec as never);
    expect(bad(null)).to.throw("experiment: expected an object, got null");
    expect(bad({ ...tiny, cells: [null] })).to.throw(
      "experiment.cells[].name: expected a name of letters, digits, _ . -, got undefined",
    );
    expect(bad({ ...tiny, tasks: [null] })).to.throw(
      "experiment.tasks[undefined].T: expected a non-empty array of sequence lengths, got undefined",
    );
    expect(bad({ ...tiny, tasks: [{ name: "adding", T: [1] }] })).to.throw(/^experiment\.tasks\[adding\]/);
    const cell = tiny.cells[0];
    const equal = (hidden: unknown, others: object[] = []) => bad({ ...tiny, cells: [{ ...cell, hidden }, ...others] });
    const refused = "hidden.equalParams: expected the name of another cell with a numeric hidden size";
    expect(equal("x")).to.throw(`experiment.cells[${cell.name}].${refused}, got undefined`);
    expect(equal({ equalParams: cell.name })).to.throw(refused); // itself
    expect(equal({ equalParams: "b" }, [{ ...cell, name: "b", hidden: { equalParams: cell.name } }])).to.throw(refused);
    expect(expand(tiny).map((r) => r.id)).to.include(`adding-T12-${cell.name}-s0`); // no lr sweep: no lr in the id
  });
});
