/**
 * An unknown option names the one most likely meant; a far miss names none.
 */
import { expect } from "chai";
import { checkKeys } from "../../src/errors";

describe("checkKeys: typo hints", () => {
  it("a typo names the option it most likely meant; a far miss names none", () => {
    expect(() => checkKeys("train config", { chekpoint: 1 }, ["checkpoint", "steps"])).to.throw(
      'train config: expected only [checkpoint, steps], got unknown option "chekpoint" (did you mean "checkpoint"?)',
    );
    expect(() => checkKeys("train config", { zzzzzzzz: 1 }, ["checkpoint", "steps"])).to.throw(
      /got unknown option "zzzzzzzz"$/,
    );
    expect(() => checkKeys("forward options", 3, ["h0", "c0"])).to.throw(
      "forward options: expected an object with keys from [h0, c0], got 3",
    );
  });
});
