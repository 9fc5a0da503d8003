/** The experiment directory in-process: experiment.json, run files and their provenance, --out checks, the lock. */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { backendArithmetic, backendInfo } from "../../src/backend";
import { expand } from "../../src/experiment/spec";
import { preset } from "../../src/experiment/presets";
import type { RunResult } from "../../src/experiment/run";
import {
  ensureWritableDir,
  experimentPath,
  lockDir,
  readExperiment,
  readRun,
  runFileState,
  runPath,
  writeExperiment,
  writeRun,
} from "../../src/experiment/store";
import { gatescopePackage } from "../../src/package-root";
import { tmpDir } from "../helpers/tmp";

describe("experiment store", () => {
  const root = tmpDir("store");
  let n = 0;
  const fresh = () => path.join(root, `e${n++}`);
  const spec = preset("tiny", 0);
  const run = expand(spec)[0];
  const result = {
    id: run.id, evals: [], final_val_metric: 0.1, final_test_metric: 0.1, final_test_extra: {}, solved: false,
  } as unknown as RunResult;
  const a = backendArithmetic();
  const version = gatescopePackage().version;
  const made = { arithmetic: a.id, class: a.backends, backend: backendInfo().name, version };

  it("experiment.json is written once, read back whole, and a different spec in the same directory is refused", () => {
    const dir = fresh();
    writeExperiment(dir, { preset: "tiny", seed: 0, spec });
    expect(fs.existsSync(path.join(dir, "runs"))).to.equal(true);
    const doc = readExperiment(dir);
    expect(doc).to.deep.equal({ format: "gatescope.experiment", version: 1, preset: "tiny", seed: 0, spec });
    const before = fs.readFileSync(experimentPath(dir), "utf8");
    writeExperiment(dir, { preset: "other name, same spec", seed: 5, spec }); // the same experiment: kept as is
    expect(fs.readFileSync(experimentPath(dir), "utf8")).to.equal(before);
    expect(() => writeExperiment(dir, { preset: "tiny", seed: 1, spec: preset("tiny", 1) })).to.throw(
      /expected the same experiment as the one being started, got a different spec \(preset tiny, seed 0\); use/,
    );
  });

  it("a damaged, foreign or invalid experiment.json is refused with what it held", () => {
    const dir = fresh();
    writeExperiment(dir, { preset: "tiny", seed: 0, spec });
    const file = experimentPath(dir);
    const doc = JSON.parse(fs.readFileSync(file, "utf8"));
    const attempt = (text: string) => {
      fs.writeFileSync(file, text);
      return () => readExperiment(dir);
    };
    expect(attempt("{not json")).to.throw(
      /experiment.json: expected an experiment written by gatescope reproduce, got/,
    );
    expect(attempt("null")).to.throw(
      /experiment.json: expected format "gatescope.experiment" version 1, got undefined/,
    );
    expect(attempt(JSON.stringify({ ...doc, format: "x" }))).to.throw(/version 1, got "x"/);
    expect(attempt(JSON.stringify({ ...doc, version: 2 }))).to.throw(/format "gatescope.experiment" version 1/);
    expect(attempt(JSON.stringify({ ...doc, spec: { ...spec, seeds: [] } }))).to.throw(/seeds/);
    expect(attempt(JSON.stringify(doc))).not.to.throw();
  });

  it("a run file counts only when whole, for the same run spec, arithmetic and version", () => {
    const dir = fresh();
    expect(readRun(dir, run)).to.equal(null); // missing
    writeRun(dir, run, result);
    expect(readRun(dir, run)).to.deep.equal(result);
    const file = runPath(dir, run.id);
    expect(JSON.parse(fs.readFileSync(file, "utf8"))).to.deep.equal({ spec: run, made, result });
    const variants: [string, unknown][] = [
      ["not JSON", "{"],
      ["another run's spec", { spec: { ...run, seed: run.seed + 1 }, made, result }],
      ["another arithmetic", { spec: run, made: { ...made, arithmetic: "0123456789abcdef" }, result }],
      ["only a backend named (before arithmetic was recorded)", { spec: run, made: { backend: made.backend,
        version: made.version }, result }],
      ["another version", { spec: run, made: { ...made, version: "0.0.0-other" }, result }],
      ["no provenance", { spec: run, result }],
      ["no result", { spec: run, made }],
      ["a null result", { spec: run, made, result: null }],
      ["a result of a number", { spec: run, made, result: 3 }],
      ["an empty result", { spec: run, made, result: {} }],
      ["another run's result", { spec: run, made, result: { ...result, id: "other" } }],
      ["evals not a list", { spec: run, made, result: { ...result, evals: {} } }],
      // Metrics missing, null (JSON's NaN or ±Infinity) or not numbers: not a finished run, never a score of 0.
      ["a null test metric", { spec: run, made, result: { ...result, final_test_metric: null } }],
      ["no validation metric", { spec: run, made, result: { ...result, final_val_metric: undefined } }],
      ["a test metric of a string", { spec: run, made, result: { ...result, final_test_metric: "0.1" } }],
    ];
    for (const [what, doc] of variants) {
      fs.writeFileSync(file, typeof doc === "string" ? doc : JSON.stringify(doc));
      expect(readRun(dir, run), what).to.equal(null);
    }
    fs.writeFileSync(file, JSON.stringify({ spec: run, made, result }));
    expect(readRun(dir, run)).to.deep.equal(result);
    // `solved` is the task's criterion on the stored measures, not the stored flag (adding: MSE < 0.01).
    fs.writeFileSync(file, JSON.stringify({ spec: run, made, result: { ...result, solved: true } }));
    expect(readRun(dir, run)!.solved).to.equal(false);
    fs.writeFileSync(file, JSON.stringify({ spec: run, made, result: { ...result, final_test_metric: 0.005 } }));
    expect(readRun(dir, run)!.solved).to.equal(true);
    // A run that stopped on non-finite numbers may hold null metrics: read as NaN, unsolved.
    const diverged = { ...result, stopped: "non-finite", final_val_metric: null, final_test_metric: null };
    fs.writeFileSync(file, JSON.stringify({ spec: run, made, result: diverged }));
    expect(readRun(dir, run)).to.deep.include({ final_val_metric: NaN, final_test_metric: NaN, solved: false });
    // Another backend of the same arithmetic made it: accepted (the class decides, not the name).
    fs.writeFileSync(file, JSON.stringify({ spec: run, made: { ...made, backend: "native-avx2" }, result }));
    expect(readRun(dir, run)).to.deep.equal(result);
    expect(runFileState(dir, { ...run }).other).to.equal(null);
    fs.writeFileSync(file, JSON.stringify({ spec: run, made: { ...made, arithmetic: "0123456789abcdef" }, result }));
    expect(runFileState(dir, run)).to.deep.equal({ result: null, other: "arithmetic 0123456789abcdef" });
  });

  it("--out: missing parents are made one by one and proved writable; a file in the way is named", () => {
    const dir = path.join(fresh(), "a", "b");
    ensureWritableDir(dir);
    expect(fs.statSync(dir).isDirectory()).to.equal(true);
    expect(fs.readdirSync(dir)).to.deep.equal([]); // the probe file is gone
    const file = path.join(root, `file${n++}`);
    fs.writeFileSync(file, "x");
    expect(() => ensureWritableDir(path.join(file, "sub"), "--results")).to.throw(
      new RegExp(`--results ${file}/sub: expected a writable directory, got ${file}, which is a file`),
    );
    expect(() => ensureWritableDir(file)).to.throw(/--out .*: expected a writable directory, got .*which is a file/);
  });

  it("--out: a directory that cannot be made or written names the error code", () => {
    expect(() => ensureWritableDir("/proc/gatescope-out")).to.throw(
      /--out \/proc\/gatescope-out: expected a writable directory, got E[A-Z]+ creating \/proc\/gatescope-out/,
    );
    expect(() => ensureWritableDir("/proc/self")).to.throw(
      /--out \/proc\/self: expected a writable directory, got E[A-Z]+ writing there/,
    );
  });

  it("the lock: one owner at a time, released only by its owner, taken over when the owner is gone", () => {
    const dir = fresh();
    fs.mkdirSync(dir);
    const lock = path.join(dir, ".gatescope.lock");
    const release = lockDir(dir);
    expect(fs.readFileSync(lock, "utf8")).to.equal(String(process.pid));
    expect(() => lockDir(dir)).to.throw(
      new RegExp(`expected no other gatescope process working there, got PID ${process.pid} \\(${lock}\\)`),
    );
    release();
    expect(fs.existsSync(lock)).to.equal(false);
    release(); // twice is harmless

    const other = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]).stdout.toString();
    for (const stale of [other, "garbage", "0", "-3", "1.5"]) {
      fs.writeFileSync(lock, stale);
      const mine = lockDir(dir);
      expect(fs.readFileSync(lock, "utf8"), stale).to.equal(String(process.pid));
      mine();
    }

    const mine = lockDir(dir);
    fs.writeFileSync(lock, other); // someone else took it over: not ours to remove
    mine();
    expect(fs.readFileSync(lock, "utf8")).to.equal(other);
    fs.rmSync(lock);

    fs.writeFileSync(lock, "1"); // PID 1 is always alive
    expect(() => lockDir(dir)).to.throw(/got PID 1 /);
    fs.rmSync(lock);
  });

  it("the lock in a directory that does not exist fails with the system's error, not a takeover loop", () => {
    expect(() => lockDir(path.join(root, "nowhere"))).to.throw(/ENOENT/);
  });
});
