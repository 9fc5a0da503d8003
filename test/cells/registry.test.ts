/**
 * registerCell refuses every malformed description at registration, naming the field, and
 * changes nothing; option helpers check values the same way.
 */
import { expect } from "chai";
import { cellKinds, registerCell, option, type CellDescription } from "../../src/cells";
import { GatescopeError } from "../../src/errors";
import { leakyRnnDescription } from "../helpers/user-cell";

type Loose = Record<string, unknown>;
const base = (kind = "reg_ok"): Loose => leakyRnnDescription(kind) as unknown as Loose;
const withCell = (patch: (c: Loose) => Loose): Loose => {
  const d = base("reg_cell");
  const make = d.cell as (o: unknown) => Loose;
  return { ...d, cell: (o: unknown) => patch(make(o)) };
};
const param = (name: string, shape: unknown = () => [1]) => ({ name, shape, init: () => undefined, grad: "cell" });

describe("registerCell refuses malformed descriptions", () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ["not an object", null, /^registerCell: expected a cell description, got null$/],
    ["a number", 7, /^registerCell: expected a cell description, got 7$/],
    [
      "a kind with capitals",
      base("Leaky"),
      /^registerCell kind: expected a name of lower-case letters, digits and underscores, got "Leaky"$/,
    ],
    ["a kind with a trailing space", base("leaky "), /registerCell kind: expected a name of lower-case/],
    ["a kind that is not a string", { ...base(), kind: 3 }, /registerCell kind: expected a name .*, got 3$/],
    ["a built-in kind", base("lstm"), /^registerCell kind: expected a kind not yet registered, got "lstm"$/],
    ["no title", { ...base(), title: undefined }, /^registerCell reg_ok title: expected a string, got undefined$/],
    [
      "a summary that is not text",
      { ...base(), summary: 1 },
      /^registerCell reg_ok summary: expected a string, got 1$/,
    ],
    [
      "cell not a function",
      { ...base(), cell: {} },
      /^registerCell reg_ok cell: expected a function \(options\) → Cell, got /,
    ],
    ["options missing", { ...base(), options: null }, /^registerCell reg_ok options: expected an object, got null$/],
    [
      "options not an object",
      { ...base(), options: "x" },
      /^registerCell reg_ok options: expected an object, got "x"$/,
    ],
    [
      "cell() not an object",
      { ...base("reg_cell"), cell: () => null },
      /^registerCell reg_cell cell\(\): expected a Cell object, got null$/,
    ],
    [
      "no params at all",
      withCell((c) => ({ ...c, params: undefined })),
      /registerCell reg_cell params: expected a weight_ih parameter/,
    ],
    [
      "a parameter name with a capital",
      withCell((c) => ({ ...c, params: [...(c.params as unknown[]), param("Alpha2")] })),
      /^registerCell reg_cell parameter name: expected lower-case letters, digits, _, got "Alpha2"$/,
    ],
    [
      "a shape that is not a function",
      withCell((c) => ({ ...c, params: [...(c.params as unknown[]), param("beta", [3])] })),
      /^registerCell reg_cell beta\.shape: expected a function \(D, H\) → shape, got an array of length 1$/,
    ],
    [
      "a gradient role no runner knows (it would get no gradient at all)",
      withCell((c) => ({ ...c, params: [...(c.params as unknown[]), { ...param("gamma"), grad: "output" }] })),
      /^registerCell reg_cell gamma\.grad: expected one of input, input_bias, hidden, hidden_bias, cell, got "output"/,
    ],
    [
      "an initialiser that is neither a config role nor a function",
      withCell((c) => ({ ...c, params: [...(c.params as unknown[]), { ...param("gamma"), init: "weights" }] })),
      /^registerCell reg_cell gamma\.init: expected one of weight_ih, weight_hh, bias or a function .*, got "weights"$/,
    ],
    [
      "two parameters of one name",
      withCell((c) => ({ ...c, params: [...(c.params as unknown[]), param("alpha")] })),
      /^registerCell reg_cell params: expected distinct names, got an array of length \d+$/,
    ],
    [
      "a trace without h",
      withCell((c) => ({ ...c, trace: { u: (c.trace as Loose).u } })),
      /registerCell reg_cell trace: expected an object with at least the slot h/,
    ],
    [
      "no trace",
      withCell((c) => ({ ...c, trace: undefined })),
      /registerCell reg_cell trace: expected an object with at least the slot h, got undefined/,
    ],
    [
      "no forward step",
      withCell((c) => ({ ...c, forwardStep: 1 })),
      /^registerCell reg_cell forwardStep: expected a function, got 1$/,
    ],
    [
      "no backward step",
      withCell((c) => ({ ...c, backwardStep: undefined })),
      /^registerCell reg_cell backwardStep: expected a function, got undefined$/,
    ],
    ["G not a positive integer", withCell((c) => ({ ...c, G: 0 })), /registerCell reg_cell G/],
  ];
  for (const [what, d, message] of cases) {
    it(what, () => {
      const before = cellKinds();
      let err: unknown;
      try {
        registerCell(d as CellDescription);
      } catch (e) {
        err = e;
      }
      expect(err, what).to.be.instanceOf(GatescopeError);
      expect((err as Error).message).to.match(message);
      expect(cellKinds(), "nothing registered").to.deep.equal(before);
    });
  }

  it("a description's conflict check runs on its resolved options", () => {
    const d = {
      ...base("reg_conflict"),
      conflict: (o: Loose) => (o.x ? "x and y cannot both be set" : null),
      options: { x: option.boolean(true, "x") },
    };
    expect(() => registerCell(d as unknown as CellDescription)).to.throw(
      GatescopeError,
      /^registerCell reg_conflict: x and y cannot both be set$/,
    );
    expect(cellKinds()).to.not.include("reg_conflict");
  });
});

describe("option helpers", () => {
  it("oneOf: a listed value, or null only where null is the default", () => {
    const withNull = option.oneOf(["a", "b"], null, "doc");
    expect(withNull.check(null, "o")).to.equal(null);
    expect(withNull.check("b", "o")).to.equal("b");
    const withDefault = option.oneOf(["a", "b"], "a", "doc");
    expect(() => withDefault.check(null, "opt.v")).to.throw(/opt\.v: expected "a" or "b", got null/);
    expect(() => withNull.check("c", "opt.v")).to.throw(/opt\.v: expected "a" or "b", got "c"/);
    expect(withDefault.values).to.deep.equal(["a", "b"]);
  });

  it("boolean and numberOrNull name the option and what came", () => {
    const b = option.boolean(false, "doc");
    expect(b.check(true, "o")).to.equal(true);
    expect(b.values).to.deep.equal([false, true]);
    expect(() => b.check("yes", "opt.flag")).to.throw(/^opt\.flag: expected true or false, got "yes"$/);
    const n = option.numberOrNull(1, "doc", "init text");
    expect(n.check(null, "o")).to.equal(null);
    expect(n.check(-2.5, "o")).to.equal(-2.5);
    expect(n.initialisation).to.equal("init text");
    for (const bad of [Infinity, NaN, "1"]) {
      expect(() => n.check(bad, "opt.bias")).to.throw(/^opt\.bias: expected a finite number or null, got /);
    }
  });
});
