/**
 * Runs as independent units: `run-one`, `collect`, `--executor list` under `xargs -P 2`, and a
 * real one-node Slurm cluster (Debian's slurm-wlm and munge, started by scripts/slurm-local.sh)
 * running the tiny preset as a job array — each checked equal, run for run, to a local run.
 */
import { expect } from "chai";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CLI, REPO } from "../helpers/paths";
import { tmpDir } from "../helpers/tmp";
import type { ExperimentSpec } from "../../src/experiment/spec";
import { arraySpec, shellQuote } from "../../src/experiment/slurm";
import { backendInfo } from "../../src/backend";
import { parseReproduceArgs } from "../../src/cli/reproduce";

const cli = (args: string[], env: NodeJS.ProcessEnv = process.env) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", env });
const results = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, "results.json"), "utf8"));
/** Every run's numbers; wall and CPU time are the fields allowed to differ between executors. */
const runs = (dir: string) =>
  results(dir)
    .runs.map((r: Record<string, unknown>) => ({ ...r, wall_s: 0, cpu_s: 0 }))
    .sort((a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id));

const hasSlurm = () => ["sbatch", "slurmctld", "slurmd", "munged"].every((t) => spawnSync("which", [t]).status === 0);

describe("runs as independent units", () => {
  const dir = tmpDir("cluster");
  const local = path.join(dir, "local");

  before(() => {
    const r = cli(["reproduce", "--preset", "tiny", "--seed", "4", "--out", local, "--jobs", "1"]);
    expect(r.status, r.stdout + r.stderr).to.equal(0);
  });

  it("--executor list prints one run-one command per run; xargs -P 2 runs them; collect equals the local run", () => {
    const out = path.join(dir, "list");
    const r = cli(["reproduce", "--preset", "tiny", "--seed", "4", "--out", out, "--executor", "list"]);
    expect(r.status, r.stderr).to.equal(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines).to.have.length(3);
    for (const [i, l] of lines.entries()) expect(l).to.include(`run-one ${path.resolve(out)} --index ${i}`);
    expect(fs.existsSync(path.join(out, "results.json")), "listing runs nothing").to.equal(false);
    execFileSync("sh", ["-c", `xargs -P 2 -I CMD sh -c CMD`], {
      input: r.stdout,
      stdio: ["pipe", "ignore", "inherit"],
    });
    expect(cli(["collect", out]).status).to.equal(0);
    expect(runs(out)).to.deep.equal(runs(local));
    expect(results(out).missing).to.deep.equal([]);
    const again = cli(["reproduce", "--preset", "tiny", "--seed", "4", "--out", out, "--executor", "list"]);
    expect(again.stdout, "nothing left to list").to.equal("");
  });

  it("run-one: index from --index, SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX; a finished run is a no-op", () => {
    const out = path.join(dir, "one");
    cli(["reproduce", "--preset", "tiny", "--seed", "4", "--out", out, "--executor", "list"]);
    const env = (k: string, v: string) => ({
      ...process.env,
      SLURM_ARRAY_TASK_ID: undefined,
      JOB_COMPLETION_INDEX: undefined,
      [k]: v,
    });
    expect(cli(["run-one", out], env("SLURM_ARRAY_TASK_ID", "1")).status).to.equal(0);
    expect(cli(["run-one", out], env("JOB_COMPLETION_INDEX", "2")).status).to.equal(0);
    const files = fs.readdirSync(path.join(out, "runs")).sort();
    expect(files).to.have.length(2);
    const before = fs.readFileSync(path.join(out, "runs", files[0]), "utf8");
    const again = cli(["run-one", out, "--index", "1"]);
    expect(again.stdout).to.match(/already finished/);
    expect(fs.readFileSync(path.join(out, "runs", files[0]), "utf8")).to.equal(before);
    const bad = cli(["run-one", out, "--index", "3"], env("X", "1"));
    expect(bad.status).to.equal(2);
    expect(bad.stderr).to.match(/^gatescope: run-one: --index: expected a run index in \[0, 2\], got "3"\n$/);
    expect(cli(["run-one", out], env("X", "1")).stderr).to.match(/expected a run index in \[0, 2\], got none/);
  });

  it("collect on a partial directory writes the results it has and lists the missing runs", () => {
    const out = path.join(dir, "partial");
    cli(["reproduce", "--preset", "tiny", "--seed", "4", "--out", out, "--executor", "list"]);
    expect(cli(["run-one", out, "--index", "0"]).status).to.equal(0);
    const r = cli(["collect", out]);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/collected 1 of 3 runs/);
    const doc = results(out);
    expect(doc.runs).to.have.length(1);
    expect(doc.missing).to.deep.equal(["adding-T12-lstm-s4", "adding-T12-gru-s4"]);
    const same = results(local).runs.find((x: { id: string }) => x.id === doc.runs[0].id);
    expect({ ...doc.runs[0], wall_s: 0, cpu_s: 0 }).to.deep.equal({ ...same, wall_s: 0, cpu_s: 0 });
    expect(fs.readFileSync(path.join(out, "report.html"), "utf8")).to.include("Missing runs: 2 of 3");
  });

  it("a damaged or foreign run file is redone, not trusted", () => {
    const out = path.join(dir, "damaged");
    cli(["reproduce", "--preset", "tiny", "--seed", "4", "--out", out, "--executor", "list"]);
    const file = path.join(out, "runs", "adding-T12-rnn_tanh-s4.json");
    fs.writeFileSync(file, JSON.stringify({ spec: {}, result: {} }));
    expect(cli(["run-one", out, "--index", "0"]).stdout).to.not.match(/already finished/);
    const doc = JSON.parse(fs.readFileSync(file, "utf8"));
    expect(doc.made.backend).to.be.a("string");
    expect(doc.result.id).to.equal("adding-T12-rnn_tanh-s4");
  });

  it("array lists, shell words and executor options", () => {
    expect(arraySpec([0, 1, 2, 5, 7, 8])).to.equal("0-2,5,7-8");
    expect(arraySpec([4])).to.equal("4");
    expect(shellQuote("/a/b-c.js")).to.equal("/a/b-c.js");
    expect(shellQuote("it's here")).to.equal(`'it'\\''s here'`);
    expect(() => parseReproduceArgs(["--max-parallel", "4"])).to.throw(
      /expected --executor slurm, got --executor local/,
    );
    expect(() => parseReproduceArgs(["--executor", "pbs"])).to.throw(
      /--executor: expected one of local, slurm, list, got "pbs"/,
    );
    const ok = parseReproduceArgs([
      "--executor",
      "slurm",
      "--sbatch-arg",
      "--time=1:00:00",
      "--sbatch-arg",
      "-p",
      "--no-wait",
    ]);
    expect(ok).to.deep.include({ executor: "slurm", sbatchArgs: ["--time=1:00:00", "-p"], wait: false });
    expect(parseReproduceArgs([])).to.deep.include({ threads: "auto" });
    expect(parseReproduceArgs(["--threads", "2"])).to.deep.include({ threads: 2 });
    expect(parseReproduceArgs(["--threads", "1"])).to.deep.include({ threads: 1 });
    expect(() => parseReproduceArgs(["--threads", "4"])).to.throw(
      'reproduce: --threads: expected 1, 2 or auto, got "4"',
    );
  });

  it("a different experiment in the same --out is refused before anything runs", () => {
    const r = cli(["reproduce", "--preset", "tiny", "--seed", "5", "--out", local]);
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(
      /experiment.json: expected the same experiment as the one being started, got a different spec/,
    );
  });
});

describe("on a real one-node Slurm cluster", function () {
  this.timeout(300000);
  // The cluster's folder is its own (not under tmpDir, whose clean-up runs first): stop removes it.
  const cluster = fs.mkdtempSync(path.join(os.tmpdir(), "gatescope-cluster-"));
  const dir = tmpDir("slurm");
  let env: NodeJS.ProcessEnv = process.env;
  const script = path.join(REPO, "scripts/slurm-local.sh");

  before(function () {
    if (!hasSlurm()) {
      if (process.env.CI) throw new Error("CI must have slurmctld, slurmd, slurm-client and munge (see .ci/run)");
      this.skip();
    }
    const r = spawnSync("bash", [script, "start", cluster, "7817"], { encoding: "utf8" });
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    const conf = /export SLURM_CONF=(\S+)/.exec(r.stdout)![1];
    env = { ...process.env, SLURM_CONF: conf };
  });
  after(() => {
    spawnSync("bash", [script, "stop", cluster]);
  });

  it("the tiny preset as a job array gives the same results as a local run, run for run", () => {
    const localDir = path.join(dir, "local");
    expect(cli(["reproduce", "--preset", "tiny", "--seed", "6", "--out", localDir, "--jobs", "2"]).status).to.equal(0);
    const out = path.join(dir, "slurm-tiny");
    const r = cli(
      ["reproduce", "--preset", "tiny", "--seed", "6", "--out", out, "--executor", "slurm", "--max-parallel", "2"],
      env,
    );
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.match(/submitted Slurm array job \d+: 3 of 3 runs/);
    expect(r.stdout).to.match(/job \d+: 3 finished, 0 running, 0 pending, 0 failed/);
    expect(runs(out)).to.deep.equal(runs(localDir));
    expect(results(out).manifest.executor).to.equal("slurm");
    const script = fs.readFileSync(path.join(out, "slurm", "run.sh"), "utf8");
    expect(script).to.include(process.execPath).and.include("--cpus-per-task=1").and.include("run-one");
    expect(script).to.include(`export GATESCOPE_BACKEND=${backendInfo().name}\nexport GATESCOPE_THREADS=1\n`);
    const again = cli(["reproduce", "--preset", "tiny", "--seed", "6", "--out", out, "--executor", "slurm"], env);
    expect(again.stdout, "nothing left to submit").to.not.match(/submitted/);
  });

  it("a task killed mid-run fails alone; resubmitting finishes only what is missing", async () => {
    const spec: ExperimentSpec = {
      cells: [{ name: "rnn_tanh", rnn: { kind: "rnn_tanh" } }],
      tasks: [{ name: "adding", T: [40] }],
      seeds: [0, 1, 2],
      hidden: 16,
      train: { steps: 3000, batchSize: 16, optimizer: { kind: "adam", lr: 0.01 }, evalEvery: 1000, testSize: 100 },
    };
    const specFile = path.join(dir, "slow.json");
    fs.writeFileSync(specFile, JSON.stringify(spec));
    const out = path.join(dir, "slurm-kill");
    const args = ["reproduce", "--spec", specFile, "--out", out, "--executor", "slurm", "--max-parallel", "1"];
    const first = cli([...args, "--no-wait"], env);
    expect(first.status, first.stdout + first.stderr).to.equal(0);
    const job = /submitted Slurm array job (\d+)/.exec(first.stdout)![1];
    const state = (k: number) =>
      spawnSync("squeue", ["-h", "-r", "-t", "all", "-j", job, "-o", "%K %T"], { encoding: "utf8", env })
        .stdout.split("\n")
        .find((l) => l.startsWith(`${k} `))
        ?.split(" ")[1];
    const waitFor = async (ok: () => boolean, what: string) => {
      for (let i = 0; i < 600 && !ok(); i++) await new Promise((r) => setTimeout(r, 100));
      expect(ok(), what).to.equal(true);
    };
    await waitFor(() => state(1) === "RUNNING", "task 1 running");
    execFileSync("scancel", [`${job}_1`], { env });
    await waitFor(
      () => ["0", "1", "2"].every((k) => !["PENDING", "RUNNING", "COMPLETING"].includes(state(Number(k)) ?? "")),
      "array done",
    );
    expect(state(1)).to.equal("CANCELLED");
    const partial = cli(["collect", out]);
    expect(partial.stdout)
      .to.match(/collected 2 of 3 runs/)
      .and.match(/missing: adding-T40-rnn_tanh-s1/);
    const resubmit = cli(args, env);
    expect(resubmit.status, resubmit.stdout + resubmit.stderr).to.equal(0);
    expect(resubmit.stdout).to.match(/submitted Slurm array job \d+: 1 of 3 runs/);
    const localDir = path.join(dir, "kill-local");
    expect(cli(["reproduce", "--spec", specFile, "--out", localDir, "--jobs", "2"]).status).to.equal(0);
    expect(runs(out)).to.deep.equal(runs(localDir));
    expect(results(out).missing).to.deep.equal([]);
  });
});
