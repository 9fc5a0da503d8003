/**
 * Inside a character model on text: the saturation over a split read chunk by chunk is the saturation of one pass
 * over the same characters; measures of other gates do not add; a passage's states are the trace of one pass; windows
 * spread over a split are the split's text, each with the states and features of its own pass with its context.
 */
import { expect } from "chai";
import { Rng } from "../../src/math/rng";
import { SequenceModel } from "../../src/model/sequence-model";
import { addSaturation, saturationOf } from "../../src/probe/gates";
import { charLMTask } from "../../src/tasks";
import { textFeatures } from "../../src/text/features";
import { readPassage, readWindows, splitSaturation } from "../../src/text/inside";

const TEXT = Array.from({ length: 200 }, (_, i) => `if (a${i % 4}) { b = "c"; } /* d */\n`).join("");

describe("inside a character model on text", () => {
  const task = charLMTask(TEXT, { T: 16 });
  const V = task.vocabulary.length;
  const rnn = { kind: "lstm" as const, inputSize: V, hiddenSize: 6, numLayers: 2, dtype: "float64" as const };
  const lstm = new SequenceModel({ rnn, outputSize: V, readout: "every" }, new Rng(2));
  // Larger weights, so that some gates saturate and the fractions are not all 0.
  for (const t of Object.values(lstm.params())) t.data.forEach((v, i) => (t.data[i] = 6 * v));

  it("saturation over a split, chunk by chunk, is that of one pass over its characters", () => {
    const held = task.streams!.heldOut("validation", 1);
    const chunks = Array.from({ length: held.chunks }, (_, k) => held.chunk(k).x);
    const T = chunks.reduce((s, c) => s + c.shape[1], 0);
    const whole = { shape: [1, T, V], data: new Float64Array(T * V) };
    let at = 0;
    for (const c of chunks) [whole.data.set(c.data, at), (at += c.data.length)];
    const once = saturationOf(lstm.rnn.forward(whole).trace);
    const chunked = splitSaturation(lstm, task, "validation", 1);
    expect(chunked.map((s) => [s.gate, s.layer, s.count])).to.deep.equal(once.map((s) => [s.gate, s.layer, T]));
    expect(once.map((s) => s.gate)).to.deep.equal(["i", "i", "f", "f", "o", "o"]);
    chunked.forEach((s, k) =>
      s.left.concat(s.right).forEach((v, j) => expect(v).to.be.closeTo(once[k].left.concat(once[k].right)[j], 1e-12)),
    );
    expect(once.some((s) => s.left.some((v) => v > 0) && s.right.some((v) => v > 0))).to.equal(true);
    expect(() => addSaturation(once, once.slice(1))).to.throw(/addSaturation: expected measures of the same gates/);
  });

  it("a passage's states are one pass's trace, from zeros; characters outside the vocabulary: refused", () => {
    const passage = 'if (a1) { b = "c"; }';
    const got = readPassage(lstm, task, passage, ["c", "f"], 0);
    const x = { shape: [1, passage.length, V], data: new Float64Array(passage.length * V) };
    task.encode(passage).forEach((c, t) => (x.data[t * V + c] = 1));
    const trace = lstm.rnn.forward(x).trace;
    expect(got.c.shape).to.deep.equal([1, passage.length, 6]);
    expect(Array.from(got.c.data)).to.deep.equal(Array.from(trace.get("c", 0).data));
    expect(Array.from(got.f.data)).to.deep.equal(Array.from(trace.get("f", 0).data));
    expect(() => readPassage(lstm, task, "while", ["c"])).to.throw(/readPassage passage character 0: expected one of/);
  });

  it("windows spread over a split: its text, and each window's own pass with its context, context left out", () => {
    const test = task.splitText("test");
    const [count, length, context] = [3, 20, 10];
    const got = readWindows(lstm, task, "test", ["c", "h"], { count, length, context });
    const starts = [0, Math.floor((test.length - 30) / 2), test.length - 30];
    expect(got.texts).to.deep.equal(starts.map((a) => test.slice(a + context, a + context + length)));
    for (const name of ["c", "h"])
      for (const layer of [0, 1]) {
        expect(got.states[name][layer].shape).to.deep.equal([count, length, 6]);
        starts.forEach((a, n) => {
          const alone = readPassage(lstm, task, test.slice(a, a + context + length), [name], layer)[name].data;
          const kept = got.states[name][layer].data.subarray(n * length * 6, (n + 1) * length * 6);
          kept.forEach((v, k) => expect(v).to.be.closeTo(alone[context * 6 + k], 1e-12));
        });
      }
    const want = starts.map((a) => textFeatures(test.slice(a, a + context + length)));
    for (const f of ["column", "bracket_depth", "in_string", "in_comment"] as const)
      expect(got.features[f]).to.deep.equal(want.flatMap((w) => w[f].slice(context)));
    expect(() => readWindows(lstm, task, "test", ["c"], { count: 100, length, context })).to.throw(
      `readWindows test split: expected at least 3000 characters for 100 windows, got ${test.length}`,
    );
  });
});
