/**
 * The training config: its refusals and its defaults.
 */
import { expect } from "chai";
import { GatescopeError } from "../../src/errors";
import { checkTrainConfig, type TrainConfig } from "../../src/train/config";

const ok: TrainConfig = { steps: 100, batchSize: 4, optimizer: { kind: "sgd", lr: 0.1 } };

describe("train config: refusals and defaults", () => {
  const refused: Array<[string, unknown, RegExp]> = [
    ["not an object", null, /^train config: expected an object, got null$/],
    [
      "trainSet null",
      { ...ok, trainSet: null },
      /^train config\.trainSet: expected an object with keys from \[size, seed\], got null$/,
    ],
    [
      "trainSet a number",
      { ...ok, trainSet: 5 },
      /^train config\.trainSet: expected an object with keys from \[size, seed\], got 5$/,
    ],
    [
      "trainSet.size 0",
      { ...ok, trainSet: { size: 0, seed: 1 } },
      /^train config\.trainSet\.size: expected a positive integer, got 0$/,
    ],
    [
      "trainSet.seed −1",
      { ...ok, trainSet: { size: 9, seed: -1 } },
      /^train config\.trainSet\.seed: expected a non-negative integer, got -1$/,
    ],
    [
      "trainSet.seed 1.5",
      { ...ok, trainSet: { size: 9, seed: 1.5 } },
      /trainSet\.seed: expected a non-negative integer, got 1\.5$/,
    ],
    [
      "validationSize 0",
      { ...ok, validationSize: 0 },
      /^train config\.validationSize: expected a positive integer, got 0$/,
    ],
    ["select", { ...ok, select: "first" }, /^train config\.select: expected "best" or "last", got "first"$/],
    [
      "gradFlowAt not an array",
      { ...ok, gradFlowAt: 3 },
      /^train config\.gradFlowAt: expected an array of step indices ≥ 0, got 3$/,
    ],
    [
      "gradFlowAt negative",
      { ...ok, gradFlowAt: [0, -1] },
      /^train config\.gradFlowAt: expected an array of step indices ≥ 0/,
    ],
    [
      "checkpoint without path",
      { ...ok, checkpoint: { every: 5 } },
      /^train config\.checkpoint\.path: expected a file path, got undefined$/,
    ],
    [
      "checkpoint.every 0",
      { ...ok, checkpoint: { path: "x", every: 0 } },
      /^train config\.checkpoint\.every: expected a positive integer/,
    ],
  ];
  for (const [what, c, message] of refused) {
    it(`refuses ${what}`, () => {
      expect(() => checkTrainConfig(c as TrainConfig)).to.throw(GatescopeError, message);
    });
  }

  it("defaults: evaluate every steps/20 (at least every step), no early stop, select the best", () => {
    expect(checkTrainConfig(ok).evalEvery).to.equal(5);
    expect(checkTrainConfig({ ...ok, steps: 10 }).evalEvery).to.equal(1);
    expect(checkTrainConfig({ ...ok, steps: 1000 }).evalEvery).to.equal(50);
    const d = checkTrainConfig(ok);
    expect([d.earlyStop, d.select, d.truncate, d.testSize, d.validationSize]).to.deep.equal([
      false,
      "best",
      0,
      1000,
      1000,
    ]);
    expect(checkTrainConfig({ ...ok, testSize: 200 }).validationSize).to.equal(200);
    expect(checkTrainConfig({ ...ok, trainSet: { size: 9, seed: 0 } }).trainSet).to.deep.equal({ size: 9, seed: 0 });
  });
});
