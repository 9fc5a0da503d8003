/**
 * Character-level language modelling: the splits and streams read every character where the header says, the
 * trivial predictor scores the stated baseline, the state carried from chunk to chunk equals one pass over the
 * whole stream, training learns a text and resumes bit for bit (the carried state is part of the checkpoint:
 * without it the run differs), patience stops a run that no longer improves, sampling follows the temperature,
 * and bad input is refused saying what was expected.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { Rng } from "../../src/math/rng";
import { SequenceModel } from "../../src/model/sequence-model";
import { charLMTask, probeBatch, validationSet, type CharLMTask } from "../../src/tasks";
import { sampleText } from "../../src/tasks/sample-text";
import { evaluateStreams, train } from "../../src/train/train";
import type { TrainConfig } from "../../src/train/config";
import { tmpDir } from "../helpers/tmp";

// A text with structure a small model can learn: C-like lines with brackets, strings and comments.
const LINES = [
  'static int f(int x) { return g(x, "a(b)"); }\n',
  "/* keep the lock */\n",
  "if (x > 0) { y = h[x]; }\n",
  'printk("done\\n");\n',
];
const TEXT = Array.from({ length: 300 }, (_, i) => LINES[(i * 7 + (i >> 2)) % LINES.length]).join("");

const model = (task: CharLMTask, kind: "lstm" | "gru" | "rnn_tanh" = "lstm", seed = 1, H = 16, L = 1) =>
  new SequenceModel(
    {
      rnn: { kind, inputSize: task.inputSize, hiddenSize: H, numLayers: L, dtype: "float64" },
      outputSize: task.outputSize,
      readout: "every",
    },
    new Rng(seed),
  );
/** The characters a batch's one-hot inputs hold, row by row. */
const inputs = (task: CharLMTask, x: { shape: number[]; data: ArrayLike<number> }): string[] => {
  const [N, T, V] = x.shape;
  return Array.from({ length: N }, (_, n) => {
    let s = "";
    for (let t = 0; t < T; t++)
      for (let c = 0; c < V; c++) if (x.data[(n * T + t) * V + c] === 1) s += task.vocabulary[c];
    return s;
  });
};

describe("character-level language modelling", () => {
  const dir = tmpDir("charlm");
  const task = charLMTask(TEXT, { T: 10 });
  const chars = Array.from(TEXT);

  it("splits the text 80/10/10 in order and reads it as the header says", () => {
    expect(task.vocabulary.join("")).to.equal([...new Set(TEXT)].sort().join(""));
    expect(task.decode(task.encode(TEXT))).to.equal(TEXT);
    const hot = task.oneHot(task.encode("if"));
    expect(hot.shape).to.deep.equal([1, 2, task.vocabulary.length]);
    expect(inputs(task, hot)).to.deep.equal(["if"]);
    expect(task.text).to.deep.include({ characters: chars.length, split: [0.8, 0.1, 0.1] });
    expect(task.text!.sha256).to.match(/^[0-9a-f]{64}$/);
    const train = chars.slice(0, Math.round(chars.length * 0.8)).join("");
    const N = 4;
    const S = Math.floor((train.length - 1) / N);
    const k = task.streams!.chunksPerEpoch(N);
    expect(k).to.equal(Math.floor(S / 10));
    for (const step of [0, 1, k - 1, k, k + 2]) {
      const b = task.streams!.trainBatch(step, N);
      const a = (step % k) * 10;
      const want = Array.from({ length: N }, (_, n) => train.slice(n * S + a, n * S + a + 10));
      expect(inputs(task, b.x)).to.deep.equal(want);
      const next = Array.from({ length: N }, (_, n) => train.slice(n * S + a + 1, n * S + a + 11));
      expect(Array.from(b.classes!, (c) => task.vocabulary[c]).join("")).to.equal(next.join(""));
    }
    const cut = Math.round(chars.length * 0.8);
    const valid = chars.slice(cut, cut + Math.round(chars.length * 0.1)).join("");
    expect(task.splitText("training")).to.equal(train);
    expect(task.splitText("validation")).to.equal(valid);
    expect(task.splitText("test")).to.equal(chars.slice(cut + Math.round(chars.length * 0.1)).join(""));
    const held = task.streams!.heldOut("validation", 3);
    const S3 = Math.floor((valid.length - 1) / 3);
    expect(held.chunks).to.equal(Math.ceil(S3 / 10));
    const read = Array.from({ length: held.chunks }, (_, c) => inputs(task, held.chunk(c).x));
    for (let n = 0; n < 3; n++) expect(read.map((r) => r[n]).join("")).to.equal(valid.slice(n * S3, (n + 1) * S3));
    expect(inputs(task, held.chunk(1, 1, 3).x)).to.deep.equal(read[1].slice(1, 3));
    expect(probeBatch(task, 3).x.data).to.deep.equal(held.chunk(0).x.data);
  });

  it("scores the trivial predictor at the stated baseline, in nats and bits", () => {
    const held = task.streams!.heldOut("test", 1);
    let sum = 0,
      count = 0;
    for (let k = 0; k < held.chunks; k++) {
      const b = held.chunk(k);
      const e = task.evaluate(task.trivialPrediction(b), b);
      expect(e.extra.bits_per_char).to.be.closeTo(e.metric / Math.LN2, 1e-12);
      sum += e.metric * b.classes!.length;
      count += b.classes!.length;
    }
    expect(sum / count).to.be.closeTo(task.baseline, 1e-12);
    expect(task.baseline).to.be.within(2, Math.log(task.vocabulary.length));
  });

  it("carries the state from chunk to chunk exactly as one pass over the whole stream", () => {
    for (const kind of ["lstm", "gru"] as const) {
      const m = model(task, kind, 3);
      const V = task.inputSize;
      const held = task.streams!.heldOut("validation", 2);
      // The streams' whole chunks read in one pass, against the same characters read chunk by chunk.
      const full = held.chunks - (held.chunk(held.chunks - 1).x.shape[1] < 10 ? 1 : 0);
      const parts = Array.from({ length: full }, (_, k) => held.chunk(k));
      const whole = { shape: [2, full * 10, V], data: new Float64Array(2 * full * 10 * V) };
      const at = (n: number, k: number) => (n * full * 10 + k * 10) * V; // stream n, chunk k in `whole`
      for (let n = 0; n < 2; n++)
        parts.forEach((p, k) => whole.data.set(p.x.data.subarray(n * 10 * V, (n + 1) * 10 * V), at(n, k)));
      const once = m.predict(whole);
      let state;
      for (let k = 0; k < full; k++) {
        const r = m.tryPredict(parts[k].x, state);
        if (r.nonFinite !== null) throw new Error(r.nonFinite);
        state = r.state;
        for (let n = 0; n < 2; n++) {
          const got = Array.from(r.prediction.data.subarray(n * 10 * V, (n + 1) * 10 * V));
          const want = Array.from(once.data.subarray(at(n, k), at(n, k) + 10 * V));
          expect(got, `${kind} stream ${n} chunk ${k}`).to.deep.equal(want);
        }
      }
      // Read from zeros instead, the second chunk differs: the carried state is what makes them equal.
      const fromZeros = Array.from(m.predict(parts[1].x).data.subarray(0, 10 * V));
      expect(fromZeros).to.not.deep.equal(Array.from(once.data.subarray(at(0, 1), at(0, 1) + 10 * V)));
      const e = evaluateStreams(m, task, "validation", 2, 1);
      expect(e.extra.bits_per_char).to.be.closeTo(e.metric / Math.LN2, 1e-12);
      const together = evaluateStreams(m, task, "validation", 2); // groups of streams change only the sum's order
      expect(together.metric).to.be.closeTo(e.metric, 1e-14);
      expect(together.extra.accuracy).to.be.closeTo(e.extra.accuracy, 1e-14);
    }
  });

  const CONFIG: TrainConfig = {
    steps: 60,
    batchSize: 8,
    optimizer: { kind: "adam", lr: 0.02 },
    evalEvery: 20,
    validationSize: 4,
    testSize: 4,
  };

  it("learns the text well below the baseline, carrying the state through training", async () => {
    const m = model(task, "lstm", 2, 24);
    const r = await train(m, task, { ...CONFIG, steps: 150, evalEvery: 50 }, new Rng(0));
    expect(task.streams!.chunksPerEpoch(8)).to.be.below(150); // more than one pass: the state resets and carries
    expect(r.selected.test.metric).to.be.below(0.5 * task.baseline);
    expect(r.selected.test.extra.bits_per_char).to.be.closeTo(r.selected.test.metric / Math.LN2, 1e-12);
  });

  it("resumes bit for bit from a checkpoint that holds the carried state, and differs without it", async () => {
    const ck = path.join(dir, "ck.json");
    const config = { ...CONFIG, checkpoint: { path: ck, every: 25 } };
    const full = await train(model(task), task, CONFIG, new Rng(0));
    // A run stopped by a signal at step 25 (its checkpoint written there): resume it.
    const stopped = { aborted: false };
    const cut = model(task);
    await train(cut, task, config, new Rng(0), {
      signal: stopped,
      callbacks: { onStep: (s) => (stopped.aborted = s.step === 24) },
    }).catch((e: Error) => expect(e.message).to.match(/stopped at step 25/));
    const doc = JSON.parse(fs.readFileSync(ck, "utf8"));
    expect(Object.keys(doc.carry)).to.deep.equal(["h0", "c0"]);
    const resumed = await train(model(task), task, config, new Rng(0), { resumeFrom: ck });
    expect(resumed.history.steps.map((s) => s.loss)).to.deep.equal(full.history.steps.map((s) => s.loss));
    expect(resumed.selected.test).to.deep.equal(full.selected.test);
    // The resumed run's checkpoint at step 50 with its carried state dropped resumes from zeros: the losses part.
    const at50 = JSON.parse(fs.readFileSync(ck, "utf8"));
    expect(at50.step).to.equal(50);
    delete at50.carry;
    fs.writeFileSync(ck, JSON.stringify(at50));
    const zeroed = await train(model(task), task, config, new Rng(0), { resumeFrom: ck });
    expect(zeroed.history.steps[50].loss).to.not.equal(full.history.steps[50].loss);
    expect(zeroed.history.steps[49].loss).to.equal(full.history.steps[49].loss);
  });

  it("stops when validation has not improved for `patience` evaluations", async () => {
    // Updates of 1e-300 leave every weight as it was: no evaluation improves on step 0's.
    const still = { ...CONFIG, optimizer: { kind: "sgd" as const, lr: 1e-300 }, patience: 2 };
    const r = await train(model(task), task, still, new Rng(0));
    expect(r.stopped).to.equal("patience");
    expect(r.stepsDone).to.equal(40);
    expect(r.message).to.equal("stopped at step 40: validation has not improved for 2 evaluations (best at step 0)");
    await train(model(task), task, { ...CONFIG, patience: 0 }, new Rng(0)).then(
      () => expect.fail("patience 0 accepted"),
      (e: Error) => expect(e.message).to.equal("train config.patience: expected a positive integer, got 0"),
    );
  });

  it("samples from a primed prefix: the same rng gives the same text, τ → 0 the most likely characters", () => {
    const m = model(task, "gru", 5);
    const a = sampleText(m, task, { prefix: "static", length: 40, temperature: 0.8 }, new Rng(9));
    expect(a.startsWith("static")).to.equal(true);
    expect(Array.from(a)).to.have.length(46);
    expect(sampleText(m, task, { prefix: "static", length: 40, temperature: 0.8 }, new Rng(9))).to.equal(a);
    expect(sampleText(m, task, { prefix: "static", length: 40, temperature: 0.8 }, new Rng(10))).to.not.equal(a);
    // Greedy: each next character is the argmax of the model's prediction over everything read so far.
    const greedy = sampleText(m, task, { prefix: "if (", length: 12, temperature: 1e-6 }, new Rng(1));
    for (let k = 4; k < greedy.length; k++) {
      const x = task.encode(greedy.slice(0, k));
      const V = task.inputSize;
      const onehot = { shape: [1, k, V], data: new Float64Array(k * V) };
      x.forEach((c, t) => (onehot.data[t * V + c] = 1));
      const logits = Array.from(m.predict(onehot).data.subarray((k - 1) * V, k * V));
      expect(task.vocabulary[logits.indexOf(Math.max(...logits))], `character ${k}`).to.equal(greedy[k]);
    }
  });

  it("refuses bad input, naming what was expected", () => {
    const m = model(task);
    expect(() => sampleText(m, task, { prefix: "int \u00e9", length: 5 }, new Rng(0))).to.throw(
      `sampleText prefix character 4: expected one of the ${task.vocabulary.length} characters of the vocabulary, ` +
        `got "\\"é\\""`,
    );
    expect(() => sampleText(m, task, { prefix: "", length: 5 }, new Rng(0))).to.throw(/prefix: expected a non-empty/);
    expect(() => sampleText(m, task, { prefix: "i", length: 5, temperature: 0 }, new Rng(0))).to.throw(
      "sampleText temperature: expected a finite number > 0, got 0",
    );
    const other = charLMTask("abcabc", { T: 2 });
    expect(() => sampleText(m, other, { prefix: "a", length: 1 }, new Rng(0))).to.throw(
      /sampleText model: expected inputs and outputs of the task's 3 characters, got "inputSize \d+, outputSize \d+"/,
    );
    expect(() => charLMTask("", { T: 5 })).to.throw('charLMTask text: expected a non-empty string, got ""');
    expect(() => charLMTask("abc", { T: 5, vocabulary: ["a", "b"] })).to.throw(/text character 2: expected one of/);
    expect(() => charLMTask("abc", { T: 5, split: [0.5, 0.5, 0] })).to.throw(/split: expected three positive/);
    expect(() => charLMTask(TEXT, { T: 5000 }).streams!.chunksPerEpoch(2)).to.throw(
      /charlm training split: expected ≥ 10001 characters for 2 streams of T = 5000, got \d+/,
    );
    expect(() => validationSet(task)).to.throw(/validation set of charlm: expected a generated task, got a text/);
  });
});
