/**
 * What each task's batches are, position by position, and what its evaluation reports at the
 * edges of its criterion; clipping at its boundary and its config rules. (Gaps a mutation run
 * found: a delimiter one step off, a "solved" at 98.9 %, a tie in argmax, a clip at exactly max.)
 */
import { expect } from "chai";
import { Rng } from "../../src/math/rng";
import { makeTask, sampleFixedSet, stackBatches } from "../../src/tasks";
import { argmaxAt } from "../../src/tasks/task";
import { checkClip, clipGradients } from "../../src/optim/clip";
import { zeros, type Tensor } from "../../src/math/tensor";

/** Logits that put class `c[n·L + t]` first with margin m, for every position. */
function confident(
  classes: Int32Array,
  N: number,
  L: number,
  C: number,
  wrongAt: (n: number, t: number) => boolean,
): Tensor {
  const p = zeros("float64", [N, L, C]);
  for (let n = 0; n < N; n++) {
    for (let t = 0; t < L; t++) {
      const right = classes[n * L + t];
      p.data[(n * L + t) * C + (wrongAt(n, t) ? (right + 1) % C : right)] = 10;
    }
  }
  return p;
}

describe("task structure and criteria", () => {
  it("copy: 10 symbols, blanks, the delimiter at T + 9, and the symbols asked back in the last 10 steps", () => {
    const T = 15;
    const task = makeTask({ name: "copy", T });
    const N = 3,
      L = T + 20,
      C = task.inputSize;
    expect(task.length).to.equal(L);
    const b = task.sample(new Rng(2), N);
    expect(b.x.shape).to.deep.equal([N, L, C]);
    for (let n = 0; n < N; n++) {
      const at = (t: number) => argmaxAt(b.x.data, (n * L + t) * C, C);
      for (let t = 0; t < L; t++) {
        let ones = 0;
        for (let c = 0; c < C; c++) ones += b.x.data[(n * L + t) * C + c];
        expect(ones, `one-hot at ${t}`).to.equal(1);
      }
      const symbols = Array.from({ length: 10 }, (_, t) => at(t));
      for (const s of symbols) expect(s).to.be.within(1, 8);
      for (let t = 10; t < L; t++) expect(at(t), `input at ${t}`).to.equal(t === T + 9 ? 9 : 0);
      for (let t = 0; t < L; t++) {
        expect(b.classes![n * L + t], `target at ${t}`).to.equal(t < L - 10 ? 0 : symbols[t - (L - 10)]);
      }
    }
    const perfect = task.evaluate(
      confident(b.classes!, N, L, C, () => false),
      b,
    );
    expect(perfect.extra.recall_accuracy).to.equal(1);
    expect(perfect.solved).to.equal(true);
    // One wrong recalled symbol in 30: 96.7 % — not solved; a wrong blank does not count against recall.
    const one = task.evaluate(
      confident(b.classes!, N, L, C, (n, t) => n === 0 && t === L - 1),
      b,
    );
    expect(one.extra.recall_accuracy).to.be.closeTo(29 / 30, 1e-12);
    expect(one.solved).to.equal(false);
    const blank = task.evaluate(
      confident(b.classes!, N, L, C, (n, t) => t === 0),
      b,
    );
    expect(blank.extra.recall_accuracy).to.equal(1);
    // The memoryless answer scores exactly the baseline.
    expect(task.evaluate(task.trivialPrediction!(b), b).metric).to.be.closeTo(task.baseline, 1e-9);
  });

  it("temporal order and HS97's adding count wrong sequences as HS97 do: 3 in 2560 pass, 4 do not", () => {
    const task = makeTask({ name: "temporal_order", T: 30 });
    const N = 2560;
    const b = task.sample(new Rng(5), N);
    const C = task.outputSize;
    // logit 10 on a class gives it p ≈ 0.9998; logit 1.2 against 0s gives p = e^1.2/(e^1.2 + 3) ≈ 0.525: right
    // by the argmax, wrong by HS97's 0.3 per output
    const logits = (wrong: number, hesitant = 0) => {
      const p = zeros("float64", [N, C]);
      for (let n = 0; n < N; n++) {
        const c = n < wrong ? (b.classes![n] + 1) % C : b.classes![n];
        p.data[n * C + c] = n >= wrong && n < wrong + hesitant ? 1.2 : 10;
      }
      return p;
    };
    expect(task.evaluate(logits(3), b)).to.deep.include({ solved: true });
    expect(task.evaluate(logits(3), b).extra).to.deep.include({ wrong: 3, of: 2560 });
    expect(task.evaluate(logits(4), b)).to.deep.include({ solved: false });
    expect(task.evaluate(logits(2, 2), b).extra).to.deep.include({ wrong: 4, accuracy: 2558 / 2560 });
    expect(task.evaluate(logits(2, 2), b).solved, "right by the argmax is not enough").to.equal(false);
    const adding = makeTask({ name: "adding_hs97", T: 20 });
    const ab = adding.sample(new Rng(6), N);
    const off = (wrong: number, by: number) => {
      const p = zeros("float64", [N, 1]);
      for (let n = 0; n < N; n++) p.data[n] = ab.y!.data[n] + (n < wrong ? by : 0.039);
      return p;
    };
    expect(adding.evaluate(off(3, 0.5), ab)).to.deep.include({ solved: true });
    expect(adding.evaluate(off(3, 0.5), ab).extra).to.deep.include({ wrong: 3, of: 2560 });
    expect(adding.evaluate(off(4, 0.05), ab).extra.wrong).to.equal(4);
    expect(adding.evaluate(off(4, 0.05), ab).solved).to.equal(false);
    // Copy: 10 sequences recall 100 symbols; one wrong is 99 %, two are 98 %.
    const copy = makeTask({ name: "copy", T: 5 });
    const L = copy.length;
    const cb = copy.sample(new Rng(5), 10);
    const recalled = (wrong: number) =>
      copy.evaluate(
        confident(cb.classes!, 10, L, 10, (n, t) => t === L - 1 && n < wrong),
        cb,
      );
    expect([recalled(1).extra.recall_accuracy, recalled(1).solved], "copy keeps its 99 %").to.deep.equal([0.99, true]);
    expect([recalled(2).extra.recall_accuracy, recalled(2).solved]).to.deep.equal([0.98, false]);
  });

  it("temporal order: E first, B last, X or Y once in each window, both ends of each window reached", () => {
    const T = 40; // windows [4, 8] and [20, 24]
    const task = makeTask({ name: "temporal_order", T });
    const N = 400;
    const b = task.sample(new Rng(9), N);
    const S = task.inputSize;
    const [E, B, X, Y] = [5, 4, 6, 7];
    const first = new Set<number>(),
      second = new Set<number>();
    for (let n = 0; n < N; n++) {
      const at = (t: number) => argmaxAt(b.x.data, (n * T + t) * S, S);
      expect([at(0), at(T - 1)]).to.deep.equal([E, B]);
      const marks = Array.from({ length: T }, (_, t) => t).filter((t) => at(t) === X || at(t) === Y);
      expect(marks, `sequence ${n}`).to.have.length(2);
      first.add(marks[0]);
      second.add(marks[1]);
      expect(b.classes![n]).to.equal(2 * (at(marks[0]) === Y ? 1 : 0) + (at(marks[1]) === Y ? 1 : 0));
    }
    expect([...first].sort((p, q) => p - q)).to.deep.equal([4, 5, 6, 7, 8]);
    expect([...second].sort((p, q) => p - q)).to.deep.equal([20, 21, 22, 23, 24]);
  });

  it("argmax takes the first of tied scores", () => {
    expect(argmaxAt([1, 3, 3, 2], 0, 4)).to.equal(1);
    expect(argmaxAt([9, 0, 5, 5, 1], 1, 4)).to.equal(1);
    expect(argmaxAt([0, 0, 0], 0, 3)).to.equal(0);
  });

  it("fixed training sets stack sequences along N, every field", () => {
    for (const name of ["adding", "copy"] as const) {
      const task = makeTask({ name, T: 12 });
      const b = sampleFixedSet(task, { size: 5, seed: 3 }, new Rng(1), 4);
      const one = task.sample(new Rng(1), 1);
      expect(b.x.shape).to.deep.equal([4, ...one.x.shape.slice(1)]);
      expect(b.x.data.length).to.equal(4 * one.x.data.length);
      if (one.y) expect(b.y!.shape).to.deep.equal([4, ...one.y.shape.slice(1)]);
      if (one.classes) expect(b.classes!.length).to.equal(4 * one.classes.length);
    }
    const parts = [
      makeTask({ name: "adding", T: 5 }).sample(new Rng(1), 2),
      makeTask({ name: "adding", T: 5 }).sample(new Rng(2), 3),
    ];
    const s = stackBatches(parts);
    expect(s.x.shape[0]).to.equal(5);
    expect(Array.from(s.y!.data)).to.deep.equal([...Array.from(parts[0].y!.data), ...Array.from(parts[1].y!.data)]);
  });
});

describe("clipping", () => {
  const g = (...v: number[]) => ({ w: { shape: [v.length], data: Float64Array.from(v) } });

  it("value clipping: entries at exactly ±max are left alone and do not count as clipped", () => {
    const at = g(1, -1, 0.5);
    expect(clipGradients(at, { kind: "value", max: 1 }).clipped).to.equal(false);
    const over = g(1.5, -2, 0.5);
    const r = clipGradients(over, { kind: "value", max: 1 });
    expect(r.clipped).to.equal(true);
    expect(Array.from(over.w.data)).to.deep.equal([1, -1, 0.5]);
    expect(r.after).to.be.closeTo(Math.sqrt(2.25), 1e-12);
    expect(r.before).to.be.closeTo(Math.sqrt(1.5 ** 2 + 4 + 0.25), 1e-12);
    const none = g(3, 4);
    expect(clipGradients(none, null)).to.deep.equal({ before: 5, after: 5, clipped: false });
  });

  it("config: kind, a positive finite max, nothing else", () => {
    expect(checkClip({ kind: "norm", max: 1 })).to.deep.equal({ kind: "norm", max: 1 });
    expect(checkClip({ kind: "value", max: 0.5 })).to.deep.equal({ kind: "value", max: 0.5 });
    expect(() => checkClip(null)).to.throw(/^clip: expected \{kind: norm\|value, max\} or null, got null$/);
    expect(() => checkClip(1)).to.throw(/^clip: expected \{kind/);
    expect(() => checkClip({ kind: "l2", max: 1 })).to.throw(/^clip\.kind: expected "norm" or "value", got "l2"$/);
    expect(() => checkClip({ max: 1 })).to.throw(/^clip\.kind: expected "norm" or "value", got undefined$/);
    for (const max of [0, -1, Infinity, NaN, "1"])
      expect(() => checkClip({ kind: "norm", max })).to.throw(/^clip\.max: expected a positive number/);
    expect(() => checkClip({ kind: "norm", max: 1, every: 2 })).to.throw(
      /^clip: expected only \{kind, max\}, got "kind, max, every"$/,
    );
    expect(() => checkClip({ kind: "norm", max: 1 }, "train config.clip")).to.not.throw();
    expect(() => checkClip({ kind: "x", max: 1 }, "train config.clip")).to.throw(/^train config\.clip\.kind/);
  });
});
