import { expect } from "chai";
import { makeTask, stackBatches, TASK_NAMES, testSet, type TaskName } from "../../src/tasks";
import { Rng } from "../../src/math/rng";
import { zeros } from "../../src/math/tensor";

describe("tasks", () => {
  it("the trivial predictor scores the analytic baseline on the test set, within sampling error", () => {
    // Standard errors over 4000 sequences: adding ≈ 0.167·√2/√4000 ≈ 0.004, hs97 ≈ 0.001.
    const cases: Array<[TaskName, number, number]> = [
      ["adding", 100, 0.012],
      ["adding_hs97", 100, 0.003],
      ["copy", 50, 1e-9],
      ["temporal_order", 100, 1e-9],
    ];
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
      for (let t = 0; t < 50; t++)
        if (b.x.data[(n * 50 + t) * 2 + 1] === 1) {
          marks.push(t);
          sum += b.x.data[(n * 50 + t) * 2];
        }
      expect(marks).to.have.length(2);
      expect(marks[0]).to.be.below(25);
      expect(marks[1]).to.be.at.least(25);
      expect(b.y!.data[n]).to.be.closeTo(sum, 1e-12);
    }
  });

  it(
    "adding_hs97 follows HS97 exp. 4: X1 among the first ten, X2 among the first T/2 − 1 unmarked pairs, X1 = 0 " +
      "when first",
    () => {
      const T = 40;
      const task = makeTask({ name: "adding_hs97", T });
      const b = task.sample(new Rng(9), 3000);
      const secondAt = new Set<number>();
      let firstAtZero = 0;
      for (let n = 0; n < 3000; n++) {
        const at = (t: number, c: number) => b.x.data[(n * T + t) * 2 + c];
        const marks: number[] = [];
        for (let t = 0; t < T; t++) if (at(t, 1) === 1) marks.push(t);
        expect(marks, `sequence ${n}`).to.have.length(2);
        const [p, q] = marks;
        // One of the marks is among the first ten; the other is among the first T/2 − 1 pairs left unmarked.
        expect(p).to.be.below(10);
        expect(q).to.be.below(T / 2);
        for (const t of [0, T - 1]) if (!marks.includes(t)) expect(at(t, 1)).to.equal(-1);
        if (p === 0) {
          firstAtZero++;
          expect(at(0, 0), "a marked first pair carries 0").to.equal(0);
        }
        expect(b.y!.data[n]).to.be.closeTo(0.5 + (at(p, 0) + at(q, 0)) / 4, 1e-12);
        secondAt.add(q);
      }
      expect(firstAtZero).to.be.within(385, 500); // P = 0.1 + 0.9/19 ≈ 0.147: ≈ 442 ± 19 of 3000
      expect(Math.max(...secondAt), "the last of the first T/2 − 1 unmarked pairs is reachable").to.equal(T / 2 - 1);
    },
  );

  it(
    "adding_hs97's baseline is exact: (2 − P(first pair marked))/48, P enumerated over the generator's " + "choices",
    () => {
      for (const T of [20, 40, 101]) {
        const half = Math.floor(T / 2) - 1;
        let marked = 0;
        for (let a = 0; a < 10; a++) for (let k = 0; k < half; k++) if (a === 0 || (k < a ? k : k + 1) === 0) marked++;
        const p = marked / (10 * half);
        expect(makeTask({ name: "adding_hs97", T }).baseline, `T = ${T}`).to.be.closeTo(
          ((2 - p) * (1 / 3)) / 16,
          1e-15,
        );
      }
    },
  );

  it("temporal order follows HS97 6a: starts with E, ends with the trigger B, X/Y at t1 and t2", () => {
    const T = 100;
    const task = makeTask({ name: "temporal_order", T });
    const b = task.sample(new Rng(4), 200);
    const symbol = (n: number, t: number) =>
      Array.from(b.x.data.subarray((n * T + t) * 8, (n * T + t + 1) * 8)).indexOf(1);
    for (let n = 0; n < 200; n++) {
      expect(symbol(n, 0), "E first").to.equal(5);
      expect(symbol(n, T - 1), "B (the trigger) last").to.equal(4);
      const relevant = Array.from({ length: T }, (_, t) => t).filter((t) => symbol(n, t) >= 6);
      expect(relevant).to.have.length(2);
      expect(relevant[0]).to.be.within(10, 20);
      expect(relevant[1]).to.be.within(50, 60);
      expect(b.classes![n]).to.equal(2 * (symbol(n, relevant[0]) - 6) + (symbol(n, relevant[1]) - 6));
    }
  });

  it("which input is remembered: the fit of predictions on the two marked values", () => {
    const task = makeTask({ name: "adding", T: 30 });
    const b = task.sample(new Rng(6), 400);
    const marked = (n: number) =>
      Array.from({ length: 30 }, (_, t) => t)
        .filter((t) => b.x.data[(n * 30 + t) * 2 + 1] === 1)
        .map((t) => b.x.data[(n * 30 + t) * 2]);
    const both = task.evaluate(b.y!, b).extra;
    expect(both.weight_first).to.be.closeTo(1, 1e-9);
    expect(both.weight_second).to.be.closeTo(1, 1e-9);
    const forgot = { shape: [400, 1], data: Float64Array.from({ length: 400 }, (_, n) => marked(n)[1] + 0.5) };
    const e = task.evaluate(forgot, b).extra;
    expect(e.weight_first).to.be.closeTo(0, 1e-9);
    expect(e.weight_second).to.be.closeTo(1, 1e-9);
    // Two sequences cannot determine three coefficients: the fit says so rather than inventing numbers.
    const two = task.sample(new Rng(8), 2);
    expect(task.evaluate(two.y!, two).extra.weight_first).to.be.NaN;
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
      const perfect = zeros(
        "float64",
        task.readout === "every" ? [100, task.length, task.outputSize] : [100, task.outputSize],
      );
      for (let p = 0; p < bc.classes!.length; p++) perfect.data[p * task.outputSize + bc.classes![p]] = 10;
      const e = task.evaluate(perfect, bc);
      expect(e.solved, name).to.equal(true);
      expect(e.metric).to.be.below(1e-3);
      // 2% wrong answers: 20 of the 1000 recalled symbols (copy), 2 of 100 sequences (order).
      const wrong =
        task.readout === "every"
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

  it("a batch is a stream of sequences: two batches of N equal one of 2N from the same seed", () => {
    // Each sequence draws its own numbers in turn, so a generator that draws one extra is caught here.
    for (const name of TASK_NAMES) {
      const task = makeTask({ name, T: 30 });
      const rng = new Rng(11);
      const halves = stackBatches([task.sample(rng, 3), task.sample(rng, 3)]);
      const whole = task.sample(new Rng(11), 6);
      expect(halves, name).to.deep.equal(whole);
    }
  });

  it("the test set is fixed: independent of any training seed, different from training batches", () => {
    const task = makeTask({ name: "temporal_order", T: 40 });
    expect(Array.from(testSet(task, 20).x.data)).to.deep.equal(Array.from(testSet(task, 20).x.data));
    expect(Array.from(task.sample(new Rng(1), 20).x.data)).to.not.deep.equal(Array.from(testSet(task, 20).x.data));
  });

  it("bad task configs fail naming the field", () => {
    expect(() => makeTask({ name: "parity" as never, T: 10 })).to.throw(
      /task.name: expected one of adding, adding_hs97, copy, temporal_order/,
    );
    expect(() => makeTask({ name: "adding", T: 0 })).to.throw(/task.T: expected an integer ≥ 2 for adding, got 0/);
    expect(() => makeTask({ name: "adding", T: 10, noise: 1 } as never)).to.throw(/unknown option "noise"/);
  });
});
