/**
 * Results files: the document's own shape, and version 2's optional manifest fields.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { parseResults } from "../../src/experiment/results";
import { REPO } from "../helpers/paths";

const healthy = () => JSON.parse(fs.readFileSync(path.join(REPO, "results/quick/results.json"), "utf8"));

describe("results file shape", () => {
  it("results files: the document's own shape, and version 2's optional manifest fields", () => {
    const parse = (doc: unknown) => () => parseResults(JSON.stringify(doc), "f");
    expect(parse(null)).to.throw('f.schema: expected "gatescope.results", got undefined');
    expect(parse([])).to.throw(/f.schema: expected "gatescope.results"/);
    expect(parse({ ...healthy(), runs: {} })).to.throw("f.runs: expected an array of runs, got an object with keys []");
    expect(parse({ ...healthy(), manifest: null })).to.throw("f.manifest: expected an object, got null");
    expect(parse({ ...healthy(), manifest: [] })).to.throw("f.manifest: expected an object");
    const text = JSON.stringify(healthy()).replace(/"wall_s":[0-9.e+-]+/, '"wall_s":1e400'); // JSON's Infinity
    expect(() => parseResults(text, "f")).to.throw(/f.manifest.wall_s: expected a finite number/);
    const extra = healthy();
    extra.runs[0].final_test_extra = { a: 1, b: "x" };
    expect(parse(extra)).to.throw("f.runs[0].final_test_extra: expected {name: number}");
    const bare = healthy();
    for (const k of ["executor", "cpu_model", "runs_wall_s", "git_commit"]) delete bare.manifest[k];
    delete bare.missing;
    const read = parseResults(JSON.stringify(bare), "f");
    const wall = bare.runs.reduce((s: number, r: { wall_s: number }) => s + r.wall_s, 0);
    expect(read.manifest).to.deep.include({ executor: "local", cpu_model: "unknown", git_commit: null });
    expect(read.manifest.runs_wall_s).to.be.closeTo(wall, 1e-9);
    expect(read.missing).to.deep.equal([]);
    const kept = healthy();
    Object.assign(kept.manifest, { executor: "slurm", cpu_model: "X", git_commit: "abc", runs_wall_s: 5 });
    expect(parseResults(JSON.stringify(kept), "f").manifest).to.deep.include({
      executor: "slurm",
      cpu_model: "X",
      git_commit: "abc",
      runs_wall_s: 5,
    });
  });
});
