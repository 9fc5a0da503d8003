/**
 * The staged learning-rate protocol: every rate runs on a pilot of the first seeds, the rate is
 * chosen on their validation metric, and only it runs the other seeds. On the committed quick
 * runs it picks what the full sweep picked; run for run it executes locally, through run-one and
 * the list executor, and its summary keeps the rate the pilot chose.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { readResults } from "../../src/experiment/results";
import { chooseRate, expand, rowKey, type ExperimentSpec } from "../../src/experiment/spec";
import { groupBy, summarize } from "../../src/experiment/summary";
import { CLI, REPO } from "../helpers/paths";
import { tmpDir } from "../helpers/tmp";

const cli = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });

const SPEC: ExperimentSpec = {
  cells: [
    { name: "lstm", rnn: { kind: "lstm", dtype: "float32", forgetBias: 1 } },
    { name: "gru", rnn: { kind: "gru", dtype: "float32" }, lrs: [0.01] },
  ],
  tasks: [{ name: "adding", T: [12] }],
  seeds: [0, 1, 2],
  hidden: 8,
  lrs: [0.003, 0.03],
  lrSelection: "staged",
  pilotSeeds: 1,
  train: {
    steps: 30,
    batchSize: 16,
    optimizer: { kind: "adam", lr: 0.01 },
    clip: { kind: "norm", max: 1 },
    evalEvery: 10,
    testSize: 100,
    validationSize: 100,
  },
};

describe("staged learning-rate selection", () => {
  it("on the committed quick runs a 2-seed pilot picks the 3-seed sweep's rate in every row; 1 seed does not", () => {
    const { runs } = readResults(path.join(REPO, "results/quick/results.json"));
    const rows = [...groupBy(runs, rowKey).values()];
    expect(rows).to.have.length(9);
    const agree = (pilot: number) =>
      rows.filter((rs) => chooseRate(rs.filter((r) => r.seed < pilot)) === chooseRate(rs)).length;
    expect(agree(2)).to.equal(9);
    expect(agree(1), "why the default pilot is 2 seeds").to.equal(7);
    // What a staged run of quick would hold: both rates on seeds 0 and 1, the chosen one on seed 2.
    for (const rs of rows) {
      const chosen = chooseRate(rs.filter((r) => r.seed < 2));
      const staged = rs.filter((r) => r.seed < 2 || r.lr === chosen);
      expect(summarize(staged)[0].lr).to.equal(summarize(rs)[0].lr);
    }
  });

  it("expand lists the pilots (every rate), then the chosen-rate runs, pending until their pilot has finished", () => {
    const runs = expand(SPEC);
    expect(runs.map((r) => `${r.id}${r.pending ? " (pending)" : ""}`)).to.deep.equal([
      "adding-T12-lstm-lr0.003-s0",
      "adding-T12-lstm-lr0.03-s0",
      "adding-T12-gru-lr0.01-s0", // one rate: nothing to choose, every seed runs it
      "adding-T12-gru-lr0.01-s1",
      "adding-T12-gru-lr0.01-s2",
      "adding-T12-lstm-chosen-s1 (pending)",
      "adding-T12-lstm-chosen-s2 (pending)",
    ]);
    const known = expand(SPEC, () => 0.03);
    expect(known.slice(5).map((r) => [r.id, r.train.optimizer.lr, r.stage, r.pending])).to.deep.equal([
      ["adding-T12-lstm-chosen-s1", 0.03, "chosen", undefined],
      ["adding-T12-lstm-chosen-s2", 0.03, "chosen", undefined],
    ]);
    expect(expand({ ...SPEC, lrSelection: "full", pilotSeeds: undefined })).to.have.length(9);
    expect(() => expand({ ...SPEC, pilotSeeds: 3 })).to.throw(
      "experiment.pilotSeeds: expected an integer in [1, 2] (fewer than the seeds), got 3",
    );
    expect(() => expand({ ...SPEC, lrSelection: "full" })).to.throw(
      'experiment.pilotSeeds: expected nothing unless lrSelection is "staged", got 1',
    );
    expect(() => expand({ ...SPEC, lrSelection: "best" as never })).to.throw(
      'experiment.lrSelection: expected "full" or "staged", got "best"',
    );
  });

  it("runs locally in two rounds: the chosen runs use the pilot's rate, the summary keeps it", () => {
    const dir = tmpDir("staged");
    const spec = path.join(dir, "spec.json");
    fs.writeFileSync(spec, JSON.stringify(SPEC));
    const out = path.join(dir, "local");
    const r = cli(["reproduce", "--spec", spec, "--out", out, "--jobs", "2"]);
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    const { runs, summary, missing } = readResults(path.join(out, "results.json"));
    expect(missing).to.deep.equal([]);
    expect(runs).to.have.length(7);
    const pilots = runs.filter((x) => x.cell === "lstm" && x.seed === 0);
    const chosen = chooseRate(pilots);
    const rest = runs.filter((x) => x.cell === "lstm" && x.seed > 0);
    expect(rest.map((x) => x.lr)).to.deep.equal([chosen, chosen]);
    // Reported over the two seeds that did not choose the rate; all three beside them.
    const row = summary.find((s) => s.cell === "lstm")!;
    expect(row).to.deep.include({ lr: chosen, seeds: 2, fresh: true });
    expect(row.with_pilots!.seeds).to.equal(3);

    // The list executor: the pilots first; the chosen runs once they have finished.
    const listed = path.join(dir, "list");
    const first = cli(["reproduce", "--spec", spec, "--out", listed, "--executor", "list"]);
    const lines = first.stdout.trim().split("\n");
    expect(lines.filter((l) => l.includes("run-one"))).to.have.length(5);
    expect(lines[lines.length - 1]).to.equal(
      "# 2 chosen-rate run(s) wait for their pilots: list again once those have finished",
    );
    const early = cli(["run-one", listed, "--index", "5"]);
    expect(early.status).to.equal(2);
    expect(early.stderr).to.include(
      "run-one: run 5 (adding-T12-lstm-chosen-s1): expected its row's pilot runs to have finished (they choose " +
        "its learning rate), got 2 of 2 unfinished: run those first",
    );
    for (const i of [0, 1]) expect(cli(["run-one", listed, "--index", String(i)]).status).to.equal(0);
    const second = cli(["reproduce", "--spec", spec, "--out", listed, "--executor", "list"]).stdout.trim().split("\n");
    expect(second.filter((l) => l.includes("run-one"))).to.have.length(5); // gru's 3, lstm's 2 chosen
    for (const i of [2, 3, 4, 5, 6]) expect(cli(["run-one", listed, "--index", String(i)]).status).to.equal(0);
    expect(cli(["collect", listed]).status).to.equal(0);
    const strip = (f: string) =>
      readResults(path.join(f, "results.json"))
        .runs.map((x) => ({ ...x, wall_s: 0, cpu_s: 0 }))
        .sort((a, b) => a.id.localeCompare(b.id));
    expect(strip(listed), "run for run the same numbers as the local run").to.deep.equal(strip(out));
  });
});
