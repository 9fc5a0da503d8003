/**
 * Every field of a results file, damaged one at a time: the reader names the field, says what
 * it must be, and loads nothing. The committed quick results are the healthy file.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { parseResults } from "../../src/experiment/results";
import { REPO } from "../helpers/paths";

const healthy = () => JSON.parse(fs.readFileSync(path.join(REPO, "results/quick/results.json"), "utf8"));

/** [field of runs[0], bad value, what the message must say it expected] */
const RUN_CASES: Array<[string, unknown, string]> = [
  ["id", 3, "a string"],
  ["task", "addition", "one of adding"],
  ["T", 1, "an integer ≥ 2"],
  ["T", 2.5, "an integer ≥ 2"],
  ["cell", null, "a string"],
  ["seed", -1, "a non-negative integer"],
  ["hidden", "32", "a non-negative integer"],
  ["steps", 1.5, "a non-negative integer"],
  ["final_test_metric", "0.1", "a number"],
  ["baseline", {}, "a number"],
  ["solved", 1, "a boolean"],
  ["solved_at", 1.5, "an integer or null"],
  ["stopped", 0, "a string"],
  ["message", null, "a string"],
  ["wall_s", null, "a finite number"],
  ["wall_s", "1", "a finite number"],
  ["grad_flow", {}, "[{step, norms: number[]}]"],
  ["grad_flow", [{ step: 1, norms: ["x"] }], "[{step, norms: number[]}]"],
  ["grad_flow", [{ step: "1", norms: [1] }], "[{step, norms: number[]}]"],
  ["grad_flow", [null], "[{step, norms: number[]}]"],
  ["evals", [{ step: 0, metric: "x", extra: {} }], "[{step, metric, extra}]"],
  ["evals", [{ step: 0, metric: 1, extra: { a: "x" } }], "[{step, metric, extra}]"],
  ["evals", [{ step: 0, metric: 1, extra: [] }], "[{step, metric, extra}]"],
  ["evals", [{ step: 0, metric: 1, extra: null }], "[{step, metric, extra}]"],
  ["curve", [{ step: 0, loss: "x", grad_norm: 1, grad_norm_clipped: 1 }], "[{step, loss, grad_norm, …}]"],
  ["curve", [{ step: 0, loss: 1, grad_norm: 1, grad_norm_clipped: "1" }], "[{step, loss, grad_norm, …}]"],
  ["param_grad_norms", { w: [1, "x"] }, "{name: number[]}"],
  ["param_grad_norms", null, "{name: number[]}"],
  ["params", 1.5, "an integer or null"],
  ["lr", 0, "a positive number"],
  ["lr", null, "a positive number"],
  ["final_val_metric", "x", "a number"],
  ["final_test_extra", { a: "x" }, "{name: number}"],
  ["selected_by", 1, "a string"],
  ["selected_step", null, "an integer"],
];

const MANIFEST_CASES: Array<[string, unknown, string]> = [
  ["library", 1, "a string"],
  ["version", null, "a string"],
  ["node", 20, "a string"],
  ["started", {}, "a string"],
  ["cpus", "2", "a finite number"],
  ["seed", null, "a finite number"],
  ["jobs", Infinity, "a finite number"],
  ["wall_s", "1", "a finite number"],
  ["backend", { name: "wasm" }, "{name, reason}"],
  ["backend", null, "{name, reason}"],
  ["runs_wall_s", "1", "a finite number"],
];

describe("results files, field by field", () => {
  it("the healthy file loads, with NaN metrics (null) and an unsolved run (solved_at null) allowed", () => {
    const doc = healthy();
    doc.runs[0].final_test_metric = null;
    doc.runs[0].solved_at = null;
    doc.runs[0].params = null;
    doc.runs[0].T = 2; // the shortest sequence a task has
    expect(parseResults(JSON.stringify(doc)).runs).to.have.length(doc.runs.length);
  });

  for (const [field, bad, expected] of RUN_CASES) {
    it(`runs[].${field} = ${JSON.stringify(bad)} is refused: expected ${expected}`, () => {
      const doc = healthy();
      doc.runs[0][field] = bad;
      expect(() => parseResults(JSON.stringify(doc), "f")).to.throw(`f.runs[0].${field}: expected ${expected}`);
    });
  }

  for (const [field, bad, expected] of MANIFEST_CASES) {
    it(`manifest.${field} = ${JSON.stringify(bad)} is refused: expected ${expected}`, () => {
      const doc = healthy();
      doc.manifest[field] = bad;
      expect(() => parseResults(JSON.stringify(doc), "f")).to.throw(`f.manifest.${field}: expected ${expected}`);
    });
  }

  it("a run that is not an object, a missing list that is not run ids, and a foreign config", () => {
    for (const bad of [null, [], 3]) {
      const doc = healthy();
      doc.runs[1] = bad;
      expect(() => parseResults(JSON.stringify(doc), "f")).to.throw("f.runs[1]: expected a run object");
    }
    const doc = healthy();
    doc.missing = ["a", 3];
    expect(() => parseResults(JSON.stringify(doc), "f")).to.throw("f.missing: expected an array of run ids");
    const cfg = healthy();
    cfg.manifest.config.hidden = 0;
    expect(() => parseResults(JSON.stringify(cfg), "f")).to.throw("experiment.hidden: expected a positive integer");
  });
});
