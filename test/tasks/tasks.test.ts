import { expect } from "chai";
import { makeTask, testSet, type TaskName } from "../../src/tasks";
import { Rng } from "../../src/math/rng";
import { zeros } from "../../src/math/tensor";

describe("tasks", () => {
  it("the trivial predictor scores the analytic baseline on the test set, within sampling error", () => {
    // Standard errors over 4000 sequences: adding ≈ 0.167·√2/√4000 ≈ 0.004, hs97 ≈ 0.001.
    const cases: Array<[TaskName, number, number]> = [["adding", 100, 0.012], ["adding_hs97", 100, 0.003], ["copy", 50, 1e-9], ["temporal_order", 100, 1e-9]];
    for (const [name, T, tol] of cases) {
      const task = makeTask({ name, T });
      const batch = testSet(task, 4000);
      const e = task.evaluate(task.trivialPrediction(batch), batch);
      expect(Math.abs(e.metric - task.baseline), `${name}: ${e.metric} vs ${task.baseline}`).to.be.at.most(tol);
      expect(e.solved, name).to.equal(false);
    }
  });

  it("adding: two markers, one per half, target their sum", () => {
    const task = makeTask({ name: "adding", T: 50 });
    const b = task.sample(new Rng(1), 200);
    for (let n = 0; n < 200; n++) {
      const marks: number[] = [];
      let sum = 0;
      for (let t = 0; t < 50; t++) if (b.x.data[(n * 50 + t) * 2 + 1] === 1) { marks.push(t); sum += b.x.data[(n * 50 + t) * 2]; }
      expect(marks).to.have.length(2);
      expect(marks[0]).to.be.below(25);
      expect(marks[1]).to.be.at.least(25);
      expect(b.y!.data[n]).to.be.closeTo(sum, 1e-12);
    }
  });

  it("success criteria fire on constructed predictions", () => {
    const adding = makeTask({ name: "adding", T: 20 });
    const b = adding.sample(new Rng(2), 100);
    const near = { shape: [100, 1], data: b.y!.data.map((v, i) => v + (i % 2 ? 0.05 : -0.05)) };
    expect(adding.evaluate(near, b).solved).to.equal(true); // MSE 0.0025
    const off = { shape: [100, 1], data: b.y!.data.map((v) => v + 0.2) };
    expect(adding.evaluate(off, b).solved).to.equal(false); // MSE 0.04

    const hs = makeTask({ name: "adding_hs97", T: 40 });
    const bh = hs.sample(new Rng(3), 50);
    const good = { shape: [50, 1], data: bh.y!.data.map((v) => v + 0.039) };
    expect(hs.evaluate(good, bh).solved).to.equal(true);
    good.data[7] += 0.002;
    expect(hs.evaluate(good, bh).solved).to.equal(false);

    for (const name of ["copy", "temporal_order"] as TaskName[]) {
      const task = makeTask({ name, T: 30 });
      const bc = task.sample(new Rng(4), 100);
      const perfect = zeros("float64", task.readout === "every" ? [100, task.length, task.outputSize] : [100, task.outputSize]);
      for (let p = 0; p < bc.classes!.length; p++) perfect.data[p * task.outputSize + bc.classes![p]] = 10;
      const e = task.evaluate(perfect, bc);
      expect(e.solved, name).to.equal(true);
      expect(e.metric).to.be.below(1e-3);
      // 2% wrong answers: 20 of the 1000 recalled symbols (copy), 2 of 100 sequences (order).
      const wrong = task.readout === "every"
        ? Array.from({ length: 20 }, (_, k) => (k % 10) * task.length + task.length - 1 - Math.floor(k / 10))
        : [0, 1];
      for (const p of wrong) {
        const row = p * task.outputSize;
        perfect.data.fill(0, row, row + task.outputSize);
        perfect.data[row + ((bc.classes![p] % (task.outputSize - 1)) + 1)] = 10;
      }
      expect(task.evaluate(perfect, bc).solved, name).to.equal(false);
    }
  });

  it("the test set is fixed: independent of any training seed, different from training batches", () => {
    const task = makeTask({ name: "temporal_order", T: 40 });
    expect(Array.from(testSet(task, 20).x.data)).to.deep.equal(Array.from(testSet(task, 20).x.data));
    expect(Array.from(task.sample(new Rng(1), 20).x.data)).to.not.deep.equal(Array.from(testSet(task, 20).x.data));
  });

  it("bad task configs fail naming the field", () => {
    expect(() => makeTask({ name: "parity" as never, T: 10 })).to.throw(/task.name: expected one of adding, adding_hs97, copy, temporal_order/);
    expect(() => makeTask({ name: "adding", T: 0 })).to.throw(/task.T: expected an integer ≥ 2 for adding, got 0/);
    expect(() => makeTask({ name: "adding", T: 10, noise: 1 } as never)).to.throw(/unknown option "noise"/);
  });
});
