/** `gatescope reproduce` end to end on the tiny preset, as a user runs it, with real workers. */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { CLI } from "../helpers/paths";
import { tmpDir } from "../helpers/tmp";
import { expand } from "../../src/experiment/spec";
import { preset } from "../../src/experiment/presets";
import { parseReproduceArgs } from "../../src/cli/reproduce";
import { estimateRuns, medianStepMs } from "../../src/experiment/estimate";
import { runAll } from "../../src/experiment/pool";

const run = (...args: string[]) => spawnSync(process.execPath, [CLI, "reproduce", ...args], { encoding: "utf8" });

describe("gatescope reproduce", () => {
  const dir = tmpDir("reproduce");

  it("runs the tiny preset end to end on 2 workers and writes a valid results.json", () => {
    const out = path.join(dir, "tiny");
    const r = run("--preset", "tiny", "--seed", "3", "--out", out, "--jobs", "2");
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    const doc = JSON.parse(fs.readFileSync(path.join(out, "results.json"), "utf8"));
    expect(doc.schema).to.equal("gatescope.results");
    expect(doc.version).to.equal(2);
    expect(doc.manifest).to.include({ library: "gatescope", preset: "tiny", seed: 3, jobs: 2 });
    expect(doc.manifest.node).to.equal(process.version);
    expect(doc.manifest.backend.name).to.be.a("string");
    expect(doc.runs).to.have.length(3);
    for (const run of doc.runs) {
      for (const key of [
        "task",
        "T",
        "cell",
        "seed",
        "hidden",
        "params",
        "lr",
        "steps",
        "final_val_metric",
        "final_test_metric",
        "selected_step",
        "baseline",
        "solved",
        "grad_flow",
      ]) {
        expect(run, key).to.have.property(key);
      }
      expect(run.selected_by).to.equal("validation");
      expect(run.final_val_metric, "validation and test are different sets").to.not.equal(run.final_test_metric);
      expect(run.grad_flow[0].step).to.equal(0);
      expect(run.grad_flow.at(-1).step).to.equal(run.steps);
      expect(run.grad_flow[0].norms).to.have.length(12);
      expect(run.final_test_metric).to.be.a("number").and.satisfy(Number.isFinite);
    }
    expect(doc.runs.map((x: { cell: string }) => x.cell).sort()).to.deep.equal(["gru", "lstm", "rnn_tanh"]);
    expect(doc.summary).to.have.length(3);
    for (const row of doc.summary) {
      expect(row.metric_ci95).to.have.length(2);
      expect(row.solved_ci95).to.have.length(2);
      expect(row.verdict, "T = 12 is outside every cited range").to.equal(null);
    }
    expect(r.stdout).to.match(/task\s+T\s+cell\s+H\s+lr\s+test metric \[95% CI\]/);
    for (const line of r.stdout.split("\n").filter((l) => l.startsWith("adding ")))
      expect(line.length, line).to.be.at.most(100);
    const md = fs.readFileSync(path.join(out, "summary.md"), "utf8");
    expect(md).to.match(/\| task \| T \| cell \| H \| lr \| test metric &#91;95% CI&#93;/);
    expect(md).to.include(doc.summary[0].metric_mean.toPrecision(3));
  });

  it("is deterministic across worker counts and resumes without redoing finished runs", () => {
    const a = path.join(dir, "a"),
      b = path.join(dir, "b");
    expect(run("--preset", "tiny", "--out", a, "--jobs", "1").status).to.equal(0);
    expect(run("--preset", "tiny", "--out", b, "--jobs", "2").status).to.equal(0);
    const strip = (d: string) =>
      JSON.parse(fs.readFileSync(path.join(d, "results.json"), "utf8")).runs.map((x: Record<string, unknown>) => ({
        ...x,
        wall_s: 0,
        cpu_s: 0,
      }));
    expect(strip(b)).to.deep.equal(strip(a));
    fs.rmSync(path.join(a, "runs", fs.readdirSync(path.join(a, "runs"))[0]));
    const again = run("--preset", "tiny", "--out", a, "--jobs", "1");
    expect(again.stdout.match(/, cached$/gm)).to.have.length(2);
    expect(strip(a)).to.deep.equal(strip(b));
  });

  it("--dry-run lists the runs with a measured CPU-time estimate and runs nothing", () => {
    const out = path.join(dir, "dry");
    const r = run("--preset", "quick", "--out", out, "--dry-run");
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/--dry-run: 54 runs \(nothing is run\)/);
    // 3000 steps at the measured ms per step: seconds on a quiet machine, minutes on a loaded one.
    expect(r.stdout).to.match(/^adding-T200-gru-lr0\.01-s2\s+3000\s+\d+\.\d\s+\d+ (s|min)\s+—$/m);
    expect(r.stdout).to.match(/estimated CPU time: ≤ \d+(\.\d)? (s|min|h)/);
    expect(fs.existsSync(out)).to.equal(false);
  });

  it("the expected time reads early stopping's record: the median steps of the row's finished runs, same limit", () => {
    const runs = expand(preset("tiny", 0));
    const [first, second] = runs;
    const finished = [
      { spec: first, steps: 10 },
      { spec: first, steps: 30 },
      { spec: first, steps: 35 },
      { spec: { ...second, train: { ...second.train, steps: 400 } }, steps: 20 }, // another step limit: not its row
    ];
    const est = estimateRuns(runs, 1, finished);
    expect(est.map((e) => e.record)).to.deep.equal([3, 0, 0]);
    expect(est[0].expected_s).to.be.above(0).and.below(est[0].cpu_s); // 30 of its 40 steps, fewer evaluations
    expect(est[1].expected_s).to.equal(null);
    const full = estimateRuns([first], 1, [{ spec: first, steps: first.train.steps }])[0];
    expect(full.expected_s).to.equal(full.cpu_s); // a record of runs that used every step expects the bound
    // Checkpointed at step 30 of 40: a quarter of the steps are left, and at most what the record expects.
    const late = estimateRuns([first], 1, [{ spec: first, steps: 35 }], new Map([[first.id, 30]]))[0];
    expect(late.cpu_s / late.step_ms).to.be.below(0.5 * (full.cpu_s / full.step_ms));
    expect(late.expected_s! / late.step_ms).to.be.below(late.cpu_s / late.step_ms);
  });

  it("the pool starts the longest runs first: the last-listed long run does not wait for a worker", async () => {
    const tiny = preset("tiny", 0);
    const long = { ...tiny.cells[2], train: { steps: 400 } };
    const runs = expand({ ...tiny, cells: [tiny.cells[0], tiny.cells[1], long] });
    const started: string[] = [];
    let firstDone = -1;
    await runAll(runs, {
      dir: path.join(dir, "longest-first"),
      jobs: 2,
      threads: 1,
      onProgress: (id) => {
        if (!started.includes(id)) started.push(id);
      },
      onDone: () => {
        if (firstDone < 0) firstDone = started.length;
      },
    });
    // In list order the gru run would start third, once a worker is free: after the first run finished.
    expect(started.indexOf(runs[2].id)).to.be.within(0, firstDone - 1);
  });

  it("a step's estimate is the median of steps timed alone: one pre-empted step does not move it", () => {
    const costs = [4, 4, 90, 5, 4]; // ms; the third step lost the core
    let now = 0;
    let i = 0;
    const step = () => (now += costs[i++]);
    expect(medianStepMs(step, 5, () => now)).to.equal(4);
    expect(i).to.equal(5);
    i = 0;
    expect(medianStepMs(step, 4, () => now)).to.equal(4.5); // the middle two of 4, 4, 5, 90
  });

  it("bad arguments and configs fail before any work starts, naming the field", () => {
    expect(() => parseReproduceArgs(["--preset", "huge"])).to.throw(
      /--preset: expected one of tiny, quick, headline, paper, charlm, got "huge"/,
    );
    expect(() => parseReproduceArgs(["--seed=-1"])).to.throw(/--seed: expected a non-negative integer, got "-1"/);
    expect(() => parseReproduceArgs(["--jobs", "0"])).to.throw(/--jobs: expected a positive integer/);
    expect(() => parseReproduceArgs(["--fast"])).to.throw(/got "--fast"/);
    const r = run("--preset", "huge", "--out", path.join(dir, "never"));
    expect(r.status).to.equal(2);
    expect(fs.existsSync(path.join(dir, "never"))).to.equal(false);
    const spec = preset("tiny", 0);
    expect(() => expand({ ...spec, tasks: [{ name: "parity" as never, T: [10] }] })).to.throw(
      /experiment.tasks\[parity\].name: expected one of/,
    );
    expect(() => expand({ ...spec, tasks: [{ name: "adding", T: [0] }] })).to.throw(
      /T: expected an integer ≥ 2 for adding, got 0/,
    );
    expect(() => expand({ ...spec, train: { ...spec.train, optimizer: { kind: "adam", lr: -1 } } })).to.throw(
      /optimizer.lr: expected a positive learning rate, got -1/,
    );
    expect(() =>
      expand({ ...spec, cells: [{ name: "x", rnn: { kind: "lstm", gruVariant: "reset_before" } as never }] }),
    ).to.throw(/no gruVariant for kind "lstm"/);
  });
});
