/**
 * The native time loop: a layer's steps captured once and replayed by the addon in one call (Kernels.replay) give
 * the bits of the steps called one by one — for every replayable cell, with and without truncation — and a program
 * the addon cannot run whole is refused before any step writes.
 */
import { expect } from "chai";
import { createNativeKernels, loadNative, type NativeAddon } from "../../src/backend/native";
import "../../src/cells";
import { cellDescription, resolveCellOptions } from "../../src/cells/registry";
import type { Kernels } from "../../src/math/kernels";
import { Rng } from "../../src/math/rng";
import type { RecurrentConfig } from "../../src/model/config";
import { SequenceModel } from "../../src/model/sequence-model";
import { makeTask } from "../../src/tasks";
import { train } from "../../src/train/train";

const addon = loadNative();

/** Native kernels whose addon counts its replays; and the same kernels with no replay (every step from JS). */
function kernels(): { replayed: Kernels; oneByOne: Kernels; replays: () => number } {
  let replays = 0;
  const counting: NativeAddon = {
    ...addon,
    replay(...args) {
      replays++;
      addon.replay(...args);
    },
  };
  const replayed = createNativeKernels(counting);
  const oneByOne: Kernels = { ...createNativeKernels(counting), replay: undefined };
  return { replayed, oneByOne, replays: () => replays };
}

/** A seeded run's losses and final weights, as bits (two layers, so dY comes from above; truncation as given). */
async function runBits(k: Kernels, rnn: Partial<RecurrentConfig>, truncate: number): Promise<string> {
  const task = makeTask({ name: "copy", T: 10 });
  const rng = new Rng(3);
  const config = { dtype: "float32", numLayers: 2, hiddenSize: 20, ...rnn, inputSize: task.inputSize };
  const model = new SequenceModel(
    { rnn: config as RecurrentConfig, outputSize: task.outputSize, readout: task.readout }, rng, k);
  const r = await train(model, task, {
    steps: 8, batchSize: 8, optimizer: { kind: "adam", lr: 1e-2 }, truncate, evalEvery: 4, validationSize: 16,
    testSize: 16,
  }, rng);
  const bits = [JSON.stringify(r.history.steps.map((s) => s.loss))];
  for (const t of Object.values(model.params())) bits.push(Buffer.from(t.data.buffer).toString("base64"));
  return bits.join("\n");
}

describe("native replay of a layer's time loop", function () {
  this.timeout(60_000);

  const CELLS: Array<Partial<RecurrentConfig>> = [
    { kind: "lstm" },
    { kind: "gru", gruVariant: "reset_after" },
    { kind: "gru", gruVariant: "reset_before" },
    { kind: "rnn_tanh" },
    { kind: "rnn_relu" },
  ];
  for (const rnn of CELLS)
    for (const truncate of [0, 3])
      it(`${rnn.kind}${rnn.gruVariant ? ` ${rnn.gruVariant}` : ""}, truncate ${truncate}: the same bits`, async () => {
        const { replayed, oneByOne, replays } = kernels();
        const one = await runBits(oneByOne, rnn, truncate);
        expect(replays(), "one by one: no replay").to.equal(0);
        expect(await runBits(replayed, rnn, truncate)).to.equal(one);
        expect(replays(), "replayed").to.be.above(0);
      });

  it("cells whose steps compute in JavaScript are not replayed; the built-in kernel-only ones are", async () => {
    const replayable = (kind: string, o: Record<string, unknown> = {}) => {
      const d = cellDescription(kind);
      return d.cell(resolveCellOptions(d, o as never, kind) as never).replayable === true;
    };
    expect(["lstm", "gru", "rnn_tanh", "rnn_relu"].map((k) => replayable(k))).to.deep.equal([true, true, true, true]);
    expect(replayable("lstm", { peepholes: true }), "peepholes").to.equal(false);
    expect(replayable("lstm", { variant: "FGR" }), "FGR").to.equal(false);
    expect(replayable("urnn"), "uRNN").to.equal(false);
    // A peephole LSTM trains as before, one step at a time.
    const { replayed, replays } = kernels();
    await runBits(replayed, { kind: "lstm", peepholes: true }, 0);
    expect(replays()).to.equal(0);
  });
});

describe("the addon's replay refuses a program it cannot run whole, and writes nothing", () => {
  /** copy(count, src, sOff, dst, dOff) with both offsets moving by `stride`: the program of one call. */
  const copyProgram = (count: number, stride: number) =>
    Float64Array.from([5, 5, 0, count, 0, 2, 0, 0, 0, 0, stride, 2, 1, 0, 0, 0, stride]);

  it("runs T steps of a well-formed program", () => {
    const src = Float32Array.from({ length: 12 }, (_, i) => i + 1), dst = new Float32Array(12);
    addon.replay(3, [src, dst], copyProgram(4, 4));
    expect([...dst]).to.deep.equal([...src]);
  });

  it("an offset past an array at the last step: an error naming it, before the first step writes", () => {
    const src = new Float32Array(12).fill(1), dst = new Float32Array(12);
    expect(() => addon.replay(4, [src, dst], copyProgram(4, 4))).to.throw(
      RangeError, "copy buffer 0: expected at least 16 elements (1×4 from 12, 4 apart), got 12");
    expect(dst.every((v) => v === 0)).to.equal(true);
  });

  it("a moving number that is not an offset, a bad kind, tag or array index: errors that say so", () => {
    const src = new Float32Array(8), dst = new Float32Array(8);
    const moved = copyProgram(4, 0);
    moved[4] = 1; // the count moves
    expect(() => addon.replay(2, [src, dst], moved)).to.throw(
      RangeError, "replay program at 0 argument 0: expected a stride only on an array's offset, an integer, got 1");
    expect(() => addon.replay(2, [src, dst], Float64Array.from([9, 0]))).to.throw(
      RangeError, "replay program at 0: expected a kind 0–5, got 9");
    const tag = copyProgram(4, 0);
    tag[2] = 7;
    expect(() => addon.replay(2, [src, dst], tag)).to.throw(RangeError, "expected a tag 0, 1 or 2, got 7");
    expect(() => addon.replay(2, [src], copyProgram(4, 0))).to.throw(RangeError, "expected an array index below 1");
    expect(() => addon.replay(2, [src, dst], Float64Array.from([5, 5, 0, 4]))).to.throw(
      RangeError, "replay program at 0: expected up to 32 arguments within the program, got 5");
    expect(() => addon.replay(2 ** 53 - 1, [src, dst], copyProgram(4, 0))).to.throw(
      RangeError, "replay program: expected an offset that moves with t, got none (1 calls)");
    expect(() => addon.replay(2, [src, dst], new Float32Array(3) as never)).to.throw(
      RangeError, "replay program: expected a Float64Array, got another value");
  });
});
