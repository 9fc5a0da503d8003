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
    await runOne(spec, onProgress, checkpoint).catch((err) => (thrown = err));
    expect(thrown).to.equal(stop);
  }

  /** Runs `spec` in `dir` to the end, with the evaluated steps it went through. */
  async function finish(dir: string) {
    const seen: number[] = [];
    const r = await runOne(spec, (s) => seen.push(s), runCheckpoint(dir, spec));
    return { r, seen };
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
    const spoil = async (stamp: string | undefined, how: (checkpoint: string) => string) => {
      const dir = fresh();
      await stopAt(dir, 30, stamp);
      const file = checkpointPath(dir, spec.id);
      fs.writeFileSync(file, how(fs.readFileSync(file, "utf8")));
      const again = await finish(dir);
      expect(again.seen).to.deep.equal([0, 10, 20, 30, 40]);
      expect(numbers(again.r)).to.deep.equal(numbers(whole.r));
    };
    await spoil("another-backend 0.0.0", (text) => text);
    await spoil(undefined, () => "{ half a fi");
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
    expect(fs.readdirSync(path.join(dir, "checkpoints"))).to.deep.equal([]);
  });
});
