/** A run stopped mid-way resumes from its checkpoint and ends with the numbers of an uninterrupted run. */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { runOne, type RunResult } from "../../src/experiment/run";
import { expand } from "../../src/experiment/spec";
import { preset } from "../../src/experiment/presets";
import { collectCommand } from "../../src/cli/collect";
import { checkpointPath, runCheckpoint, writeExperiment, writeRun } from "../../src/experiment/store";
import { tmpDir } from "../helpers/tmp";
import { CLI } from "../helpers/paths";
import { spawn } from "child_process";

describe("experiment run checkpoints", () => {
  const root = tmpDir("run-checkpoints");
  let n = 0;
  const fresh = () => path.join(root, `e${n++}`);
  // tiny: 40 steps, an evaluation (and so a checkpoint) every 10
  const spec = expand(preset("tiny", 3)).find((r) => r.cell === "lstm")!;
  const numbers = ({ wall_s: _w, cpu_s: _c, ...rest }: RunResult) => rest;

  /** Runs `spec` in `dir` until the evaluation at `step`, as a killed process would stop (under `stamp` if given). */
  async function stopAt(dir: string, step: number, stamp?: string) {
    const stop = new Error("stopped");
    const onProgress = (s: number) => {
      if (s === step) throw stop;
    };
    let thrown: unknown;
    const checkpoint = { ...runCheckpoint(dir, spec), ...(stamp && { stamp }) };
    await runOne(spec, { onProgress, checkpoint }).catch((err) => (thrown = err));
    expect(thrown).to.equal(stop);
  }

  /** Runs `spec` in `dir` to the end, with the evaluated steps it went through and why it started over, if it did. */
  async function finish(dir: string) {
    const seen: number[] = [];
    const restarts: string[] = [];
    const checkpoint = runCheckpoint(dir, spec);
    const r = await runOne(spec, { onProgress: (s) => seen.push(s), checkpoint, onRestart: (w) => restarts.push(w) });
    return { r, seen, restarts };
  }

  it("resumes after the last checkpoint and gives the uninterrupted run's numbers", async () => {
    const whole = await finish(fresh());
    expect(whole.seen).to.deep.equal([0, 10, 20, 30, 40]);
    const dir = fresh();
    await stopAt(dir, 30); // the checkpoint at 20 is on disk; step 30's is written after its evaluation
    const ck = JSON.parse(fs.readFileSync(checkpointPath(dir, spec.id), "utf8"));
    expect(ck.step).to.equal(20);
    expect(ck.cpuMs).to.be.greaterThan(0);
    const resumed = await finish(dir);
    expect(resumed.seen).to.deep.equal([30, 40]); // it did not start over
    expect(numbers(resumed.r)).to.deep.equal(numbers(whole.r));
    expect(resumed.r.wall_s).to.be.greaterThan(0);
    expect(resumed.r.cpu_s! * 1000, "the earlier piece's CPU time counts").to.be.greaterThan(ck.cpuMs);
  });

  it("a checkpoint of other code (another stamp) or a damaged one is not resumed: the run starts over", async () => {
    const whole = await finish(fresh());
    const spoil = async (stamp: string | undefined, how: (checkpoint: string) => string, why: RegExp) => {
      const dir = fresh();
      await stopAt(dir, 30, stamp);
      const file = checkpointPath(dir, spec.id);
      fs.writeFileSync(file, how(fs.readFileSync(file, "utf8")));
      const again = await finish(dir);
      expect(again.seen).to.deep.equal([0, 10, 20, 30, 40]);
      expect(numbers(again.r)).to.deep.equal(numbers(whole.r));
      expect(again.restarts).to.have.length(1);
      expect(again.restarts[0]).to.match(why);
    };
    await spoil("another-backend 0.0.0", (text) => text, /expected the same model, task and training config/);
    await spoil(undefined, () => "{ half a fi", /expected readable JSON/);
    // What train applies after reading the checkpoint is checked with it: these once failed every retry.
    const edit = (change: (doc: Record<string, any>) => void) => (text: string) => {
      const doc = JSON.parse(text);
      change(doc);
      return JSON.stringify(doc);
    };
    const longer = edit((doc) => {
      const first = Object.values(doc.optimizer.buffers)[0] as { shape: number[] };
      first.shape = [first.shape.reduce((a, b) => a * b, 1) + 1];
    });
    await spoil(undefined, longer, /optimizer state buffer "[^"]+": expected \d+ numbers, got/);
    await spoil(undefined, edit((doc) => (doc.rng = [0, 0, 0, 0])), /: Rng state: expected at least one non-zero word/);
  });

  it("collect names a run in progress with its checkpoint's step", async () => {
    const dir = fresh();
    writeExperiment(dir, { preset: "tiny", seed: 3, spec: preset("tiny", 3) });
    await stopAt(dir, 30);
    const lines: string[] = [];
    collectCommand([dir], (l) => lines.push(l));
    expect(lines).to.include(`  missing: ${spec.id} (in progress: checkpoint at step 20 of 40)`);
    expect(lines.filter((l) => l.startsWith("  missing: ")).length).to.equal(expand(preset("tiny", 3)).length);
  });

  it("a finished run's checkpoint goes when its run file is written", async () => {
    const dir = fresh();
    await stopAt(dir, 30);
    const file = checkpointPath(dir, spec.id);
    expect(fs.existsSync(file)).to.equal(true);
    const { r } = await finish(dir);
    writeRun(dir, spec, r);
    expect(fs.existsSync(file)).to.equal(false);
    expect(fs.readdirSync(path.join(dir, "checkpoints"))).to.deep.equal([]); // the steps log went with it
  });

  it("a signal stops a run at the step it is on, its checkpoint there resuming to the same numbers", async () => {
    const whole = await finish(fresh());
    const dir = fresh();
    const stop = new AbortController();
    // Checkpoints every 10 steps; the signal comes during step 15, between two of them.
    const checkpoint = runCheckpoint(dir, spec);
    const onProgress = (s: number) => s === 10 && setTimeout(() => stop.abort("SIGTERM"), 0);
    const err = await runOne(spec, { checkpoint, signal: stop.signal, onProgress }).catch((e: Error) => e);
    expect((err as Error).message).to.match(/^training: stopped at step (\d+) of 40 by SIGTERM; its checkpoint at /);
    const at = Number(/step (\d+)/.exec((err as Error).message)![1]);
    expect(JSON.parse(fs.readFileSync(checkpoint.path, "utf8")).step).to.equal(at);
    expect(at % 10, "between the regular checkpoints").to.not.equal(0);
    const resumed = await finish(dir);
    expect(numbers(resumed.r)).to.deep.equal(numbers(whole.r));
  });

  it("run-one given SIGTERM mid-run exits, its checkpoint written; run again, it ends as never stopped", async () => {
    const long = { ...preset("tiny", 3), train: { ...preset("tiny", 3).train, steps: 4000, evalEvery: 1000 } };
    const make = (d: string) => writeExperiment(d, { preset: "spec:test", seed: 3, spec: long });
    const [a, b] = [fresh(), fresh()];
    make(a);
    make(b);
    const run = (d: string) => spawn(process.execPath, [CLI, "run-one", d, "--index", "1"], { stdio: "pipe" });
    const whole = run(a);
    await new Promise((done) => whole.on("exit", done));
    const child = run(b);
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    // Once its first checkpoint is on disk the loop is running: stop it then.
    const ckpt = path.join(b, "checkpoints", `${expand(long)[1].id}.json`);
    while (!fs.existsSync(ckpt)) await new Promise((r) => setTimeout(r, 20));
    child.kill("SIGTERM");
    const code = await new Promise((done) => child.on("exit", (c) => done(c)));
    expect(code, stderr).to.equal(2);
    expect(stderr).to.match(/stopped at step \d+ of 4000 by SIGTERM; its checkpoint at that step is /);
    const again = run(b);
    expect(await new Promise((done) => again.on("exit", done))).to.equal(0);
    const result = (d: string) =>
      JSON.parse(fs.readFileSync(path.join(d, "runs", `${expand(long)[1].id}.json`), "utf8"));
    expect(numbers(result(b).result)).to.deep.equal(numbers(result(a).result));
  });

  it("reproduce given SIGTERM: each pool run going stops at a checkpoint, none starts after; exit 2", async () => {
    const long = { ...preset("tiny", 3), train: { ...preset("tiny", 3).train, steps: 4000, evalEvery: 1000 } };
    const spec = path.join(root, "long.json");
    fs.writeFileSync(spec, JSON.stringify(long));
    const out = fresh();
    const args = [CLI, "reproduce", "--spec", spec, "--out", out, "--jobs", "2", "--threads", "1"];
    const child = spawn(process.execPath, args, { stdio: "pipe" });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const dir = path.join(out, "checkpoints");
    const jsons = () => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".json")) : []);
    while (jsons().length < 2) await new Promise((r) => setTimeout(r, 20));
    child.kill("SIGTERM");
    expect(await new Promise((done) => child.on("exit", done)), stderr).to.equal(2);
    expect(stderr).to.match(/SIGTERM: 2 run\(s\) stopped, each at a checkpoint \(.*at step \d+ of 4000 by SIGTERM/);
    expect(stderr).to.match(/; 1 not started/);
    expect(jsons()).to.have.length(2);
    expect(fs.readdirSync(path.join(out, "runs"))).to.deep.equal([]);
    for (const f of jsons()) expect(JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")).step).to.be.above(0);
  });
});
