/** results.json: version 2 written, version 1 upgraded on load, anything else refused clearly; what the runs cost. */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { parseResults, readResults, RESULTS_VERSION, runsCost } from "../../src/experiment/results";
import { tmpDir } from "../helpers/tmp";
import { preset } from "../../src/experiment/presets";

const v1Run = (seed: number, solvedAt: number | null) => ({
  id: `adding-T50-lstm-s${seed}`,
  task: "adding",
  T: 50,
  cell: "lstm",
  seed,
  hidden: 32,
  steps: 900,
  final_test_metric: solvedAt ? 0.005 : 0.1,
  baseline: 1 / 6,
  solved: solvedAt !== null,
  solved_at: solvedAt,
  stopped: "solved",
  message: "",
  grad_flow: [],
  evals: [],
  curve: [],
  param_grad_norms: {},
  wall_s: 1,
});

const v1 = () => ({
  schema: "gatescope.results",
  version: 1,
  manifest: {
    library: "gatescope",
    version: "0.1.0",
    git_commit: null,
    node: "v20",
    platform: "linux x64",
    cpus: 2,
    backend: { name: "wasm-simd", reason: "" },
    command: "gatescope reproduce",
    preset: "quick",
    seed: 0,
    jobs: 2,
    config: preset("quick", 0),
    started: "2026-01-01T00:00:00Z",
    wall_s: 1,
  },
  runs: [v1Run(0, 900), v1Run(1, 1000)],
  summary: [{ task: "adding", T: 50, cell: "lstm", seeds: 2, metric_mean: 0.005, steps_to_solve: 900 }],
});

describe("what the runs cost", () => {
  it("sums CPU where runs record it and says apart the wall time of runs that do not", () => {
    const timed = { cpu_s: 10.4, wall_s: 30 };
    const old = { cpu_s: null, wall_s: 7 };
    expect(runsCost([timed, timed])).to.equal("21 s of CPU over 2 run(s)");
    expect(runsCost([timed, old])).to.equal(
      "10 s of CPU over 1 run(s), and 7 s of wall time over 1 run(s) made before runs recorded CPU time",
    );
    expect(runsCost([old, { wall_s: 2 } as never])).to.equal(
      "9 s of wall time over 2 run(s) made before runs recorded CPU time",
    );
  });
});

describe("results.json versions", () => {
  const dir = tmpDir("results-read");
  it("a version-1 file loads as version 2: selection marked as by test, summary recomputed with intervals", () => {
    const doc = parseResults(JSON.stringify(v1()));
    expect(doc.version).to.equal(RESULTS_VERSION).and.equal(2);
    expect(doc.runs[0].selected_by).to.match(/^test/);
    expect(doc.runs[0].lr).to.equal(0.01);
    expect(doc.runs[0].final_val_metric).to.equal(0.005);
    expect(doc.summary[0].steps_to_solve_median).to.equal(950);
    expect(doc.summary[0].metric_ci95).to.deep.equal([0.005, 0.005]);
    expect(doc.manifest.cpu_model).to.equal("unknown");
    // What version 1 did not record: the runs' summed cost, who ran them, and no missing runs.
    expect([doc.manifest.runs_wall_s, doc.manifest.executor, doc.missing]).to.deep.equal([2, "local", []]);
  });

  it("other schemas, versions and non-JSON fail naming what was expected", () => {
    expect(() => parseResults("{", "f")).to.throw(/f: expected JSON/);
    expect(() => parseResults("{}")).to.throw('results file.schema: expected "gatescope.results", got undefined');
    expect(() => parseResults(JSON.stringify({ ...v1(), version: 3 }), "f")).to.throw(
      /f.version: expected 1 or 2, got 3/,
    );
    expect(() => parseResults(JSON.stringify({ ...v1(), schema: "other" }), "f")).to.throw(
      /f.schema: expected "gatescope.results", got "other"/,
    );
    expect(() => parseResults(JSON.stringify({ ...v1(), runs: 5 }), "f")).to.throw(
      "f.runs: expected an array of runs, got 5",
    );
  });

  it("a version-1 run's last evaluation's extra measures become its test extras", () => {
    const doc = v1();
    doc.runs[0].evals = [
      { step: 0, metric: 0.2, extra: { worst: 0.9 }, solved: false },
      { step: 900, metric: 0.005, extra: { worst: 0.03 }, solved: true },
    ] as never;
    const up = parseResults(JSON.stringify(doc));
    expect(up.runs[0].final_test_extra).to.deep.equal({ worst: 0.03 });
    expect(up.runs[1].final_test_extra, "no evaluations: none").to.deep.equal({});
  });

  it("a version-2 file keeps its list of missing runs; readResults names a file it cannot read", () => {
    const v2 = { ...parseResults(JSON.stringify(v1())), missing: ["adding-T50-gru-s0", "adding-T50-gru-s1"] };
    expect(parseResults(JSON.stringify(v2)).missing).to.deep.equal(["adding-T50-gru-s0", "adding-T50-gru-s1"]);
    const absent = path.join(dir, "none", "results.json");
    let message = "";
    try {
      readResults(absent);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message.startsWith(`results file ${absent}: expected a readable file, got ENOENT`), message).to.equal(true);
    const damaged = path.join(dir, "damaged.json");
    fs.writeFileSync(damaged, JSON.stringify({ ...v2, schema: "other" }));
    expect(() => readResults(damaged)).to.throw(
      `results file ${damaged}.schema: expected "gatescope.results", got "other"`,
    );
  });
});
