import { expect } from "chai";
import { initialise, checkInitSpec } from "../../src/math/init";
import { Rng } from "../../src/math/rng";
import { RecurrentNet } from "../../src/model/recurrent";

function gram(w: Float64Array, rows: number, cols: number, r0: number): number[][] {
  const g: number[][] = [];
  for (let i = 0; i < rows; i++) {
    g.push([]);
    for (let j = 0; j < rows; j++) {
      let s = 0;
      for (let k = 0; k < cols; k++) s += w[(r0 + i) * cols + k] * w[(r0 + j) * cols + k];
      g[i].push(s);
    }
  }
  return g;
}

describe("initialisers", () => {
  it("orthogonal: every H×H gate block of weight_hh is orthogonal (W Wᵀ = gain² I)", () => {
    const H = 6,
      G = 4;
    const w = new Float64Array(G * H * H);
    initialise({ kind: "orthogonal", gain: 1.5 }, w, G * H, H, H, new Rng(1));
    for (let b = 0; b < G; b++) {
      const g = gram(w, H, H, b * H);
      for (let i = 0; i < H; i++) for (let j = 0; j < H; j++) expect(g[i][j]).to.be.closeTo(i === j ? 2.25 : 0, 1e-12);
    }
  });

  it("orthogonal: wide blocks get orthonormal rows", () => {
    const w = new Float64Array(3 * 7);
    initialise({ kind: "orthogonal" }, w, 3, 7, 3, new Rng(2));
    const g = gram(w, 3, 7, 0);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(g[i][j]).to.be.closeTo(i === j ? 1 : 0, 1e-12);
  });

  it("identity (IRNN) and its refusal of non-square blocks", () => {
    const w = new Float64Array(9);
    initialise({ kind: "identity", scale: 0.5 }, w, 3, 3, 3, new Rng(1));
    expect(Array.from(w)).to.deep.equal([0.5, 0, 0, 0, 0.5, 0, 0, 0, 0.5]);
    expect(() => initialise({ kind: "identity" }, new Float64Array(6), 3, 2, 3, new Rng(1))).to.throw(
      /square block.*got 3×2/,
    );
  });

  it("pytorch and xavier draw within their bounds and fill them", () => {
    const H = 16,
      D = 8;
    const w = new Float64Array(4 * H * D);
    initialise({ kind: "pytorch" }, w, 4 * H, D, H, new Rng(3));
    const maxAbs = (a: Float64Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(maxAbs(w))
      .to.be.at.most(1 / Math.sqrt(H))
      .and.above(0.9 / Math.sqrt(H));
    initialise({ kind: "xavier" }, w, 4 * H, D, H, new Rng(3));
    const bound = Math.sqrt(6 / (D + H));
    expect(maxAbs(w))
      .to.be.at.most(bound)
      .and.above(0.9 * bound);
  });

  it("LSTM forget-gate bias: 1 in bias_ih, bias_hh's forget block zeroed; null keeps PyTorch's draw", () => {
    const H = 5;
    const net = new RecurrentNet({ kind: "lstm", inputSize: 2, hiddenSize: H, numLayers: 2 }, new Rng(1));
    for (let l = 0; l < 2; l++) {
      expect(Array.from(net.params[`bias_ih_l${l}`].data.subarray(H, 2 * H))).to.deep.equal([1, 1, 1, 1, 1]);
      expect(Array.from(net.params[`bias_hh_l${l}`].data.subarray(H, 2 * H))).to.deep.equal([0, 0, 0, 0, 0]);
    }
    const two = new RecurrentNet({ kind: "lstm", inputSize: 2, hiddenSize: H, forgetBias: 2 }, new Rng(1));
    expect(two.params.bias_ih_l0.data[H]).to.equal(2);
    const raw = new RecurrentNet({ kind: "lstm", inputSize: 2, hiddenSize: H, forgetBias: null }, new Rng(1));
    expect(raw.params.bias_hh_l0.data[H]).to.not.equal(0);
  });

  it("GRU update-gate bias: in bias_ih's z block, bias_hh's zeroed, like the forget bias; GRU only", () => {
    const H = 4;
    const net = new RecurrentNet({ kind: "gru", inputSize: 2, hiddenSize: H, numLayers: 2, updateBias: 1 }, new Rng(1));
    for (let l = 0; l < 2; l++) {
      expect(Array.from(net.params[`bias_ih_l${l}`].data.subarray(H, 2 * H))).to.deep.equal([1, 1, 1, 1]);
      expect(Array.from(net.params[`bias_hh_l${l}`].data.subarray(H, 2 * H))).to.deep.equal([0, 0, 0, 0]);
      expect(net.params[`bias_ih_l${l}`].data[0], "the r block keeps its initialiser").to.not.equal(0);
    }
    const plain = new RecurrentNet({ kind: "gru", inputSize: 2, hiddenSize: H }, new Rng(1));
    expect(plain.params.bias_hh_l0.data[H], "default: PyTorch's draw").to.not.equal(0);
    expect(() => new RecurrentNet({ kind: "lstm", inputSize: 2, hiddenSize: H, updateBias: 1 }, new Rng(1))).to.throw(
      /config.updateBias: expected no updateBias for kind "lstm"/,
    );
  });

  it("presets: irnn sets identity recurrences and zero biases", () => {
    const net = new RecurrentNet({ kind: "rnn_relu", inputSize: 2, hiddenSize: 3, init: "irnn" }, new Rng(1));
    expect(Array.from(net.params.weight_hh_l0.data)).to.deep.equal([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(Array.from(net.params.bias_ih_l0.data)).to.deep.equal([0, 0, 0]);
  });

  it("bad initialiser specs name the field", () => {
    expect(() => checkInitSpec({ kind: "he" }, "init")).to.throw(/init.kind: expected one of pytorch/);
    expect(() => checkInitSpec({ kind: "normal" }, "init")).to.throw(/init.std: expected a finite number \(required\)/);
    expect(() => checkInitSpec({ kind: "uniform", bound: 1, scale: 2 }, "init")).to.throw(
      /init \(kind "uniform"\): expected only \[kind, bound\], got unknown option "scale"/,
    );
  });

  it("every kind's fields: required ones, allowed ones, finite numbers only", () => {
    const ok = [
      { kind: "pytorch" },
      { kind: "uniform", bound: 0.1 },
      { kind: "xavier" },
      { kind: "xavier", gain: 2 },
      { kind: "orthogonal", gain: 0.5 },
      { kind: "identity", scale: 0.9 },
      { kind: "normal", std: 0.1, mean: 1 },
      { kind: "constant", value: 0 },
    ];
    for (const spec of ok) expect(checkInitSpec(spec, "init")).to.deep.equal(spec);
    expect(() => checkInitSpec(null, "init")).to.throw(/^init: expected an initialiser \{kind: pytorch\|uniform\|/);
    expect(() => checkInitSpec({ kind: "pytorch", gain: 1 }, "init")).to.throw(
      /^init \(kind "pytorch"\): expected only \[kind\]/,
    );
    const misplaced: Array<[object, string, string]> = [
      [{ kind: "xavier", bound: 1 }, "xavier", "kind, gain"],
      [{ kind: "orthogonal", scale: 1 }, "orthogonal", "kind, gain"],
      [{ kind: "identity", gain: 1 }, "identity", "kind, scale"],
      [{ kind: "normal", std: 1, value: 1 }, "normal", "kind, std, mean"],
      [{ kind: "constant", value: 1, std: 1 }, "constant", "kind, value"],
    ];
    for (const [spec, kind, allowed] of misplaced) {
      expect(() => checkInitSpec(spec, "init"), kind).to.throw(`init (kind "${kind}"): expected only [${allowed}]`);
    }
    expect(() => checkInitSpec({ kind: "uniform" }, "init")).to.throw(
      /^init\.bound: expected a finite number \(required\)/,
    );
    expect(() => checkInitSpec({ kind: "constant" }, "init")).to.throw(
      /^init\.value: expected a finite number \(required\)/,
    );
    for (const v of [NaN, Infinity, "1", null]) {
      expect(() => checkInitSpec({ kind: "normal", std: v }, "init")).to.throw(
        /^init\.std: expected a finite number, got/,
      );
    }
  });

  it("uniform and normal draw what they say", () => {
    const rng = new Rng(4);
    const u = new Float64Array(4000);
    initialise({ kind: "uniform", bound: 0.3 }, u, 40, 100, 40, rng);
    expect(Math.max(...u)).to.be.within(0.29, 0.3);
    expect(Math.min(...u)).to.be.within(-0.3, -0.29);
    const n = new Float64Array(4000);
    initialise({ kind: "normal", std: 0.5, mean: 2 }, n, 40, 100, 40, rng);
    const mean = n.reduce((a, b) => a + b) / n.length;
    const sd = Math.sqrt(n.reduce((a, b) => a + (b - mean) ** 2, 0) / n.length);
    expect(mean).to.be.closeTo(2, 0.05);
    expect(sd).to.be.closeTo(0.5, 0.03);
    const z = new Float64Array(1000);
    initialise({ kind: "normal", std: 1 }, z, 10, 100, 10, rng);
    expect(z.reduce((a, b) => a + b) / z.length).to.be.closeTo(0, 0.1); // mean defaults to 0
  });

  it("orthogonal: tall blocks get orthonormal columns", () => {
    const rows = 8,
      cols = 3;
    const w = new Float64Array(rows * cols);
    initialise({ kind: "orthogonal", gain: 2 }, w, rows, cols, rows, new Rng(6));
    for (let a = 0; a < cols; a++) {
      for (let b = 0; b < cols; b++) {
        let s = 0;
        for (let r = 0; r < rows; r++) s += w[r * cols + a] * w[r * cols + b];
        expect(s, `column ${a}·${b}`).to.be.closeTo(a === b ? 4 : 0, 1e-12);
      }
    }
  });
});
