import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { Rng } from "../../src/math/rng";
import { REPO } from "../helpers/paths";

describe("Rng (xoshiro128** seeded by SplitMix64)", () => {
  it("matches the reference C implementation for seed 42", () => {
    // From Blackman & Vigna's xoshiro128starstar.c and splitmix64.c, compiled and run with seed 42.
    const r = new Rng(42);
    expect([0, 1, 2, 3, 4, 5].map(() => r.uint32())).to.deep.equal([
      1776835114, 4165204688, 17111135, 2317295270, 2792088233, 2554630222,
    ]);
  });

  it("same seed gives the same stream; different seeds differ", () => {
    const a = new Rng(7),
      b = new Rng(7),
      c = new Rng(8);
    const sa = Array.from({ length: 100 }, () => a.uniform());
    expect(Array.from({ length: 100 }, () => b.uniform())).to.deep.equal(sa);
    expect(Array.from({ length: 100 }, () => c.uniform())).to.not.deep.equal(sa);
  });

  it("saves and restores its state exactly", () => {
    const a = new Rng(3);
    a.normal();
    const b = Rng.fromState(a.state());
    expect(Array.from({ length: 50 }, () => b.normal())).to.deep.equal(Array.from({ length: 50 }, () => a.normal()));
  });

  it("uniform, int and normal have the right range and moments", () => {
    const r = new Rng(1);
    const M = 200000;
    let s = 0,
      s2 = 0,
      lo = 1,
      hi = 0;
    for (let i = 0; i < M; i++) {
      const u = r.uniform();
      lo = Math.min(lo, u);
      hi = Math.max(hi, u);
      s += u;
      s2 += u * u;
    }
    expect(lo).to.be.at.least(0);
    expect(hi).to.be.below(1);
    expect(Math.abs(s / M - 0.5)).to.be.below(0.005);
    expect(Math.abs(s2 / M - 1 / 3)).to.be.below(0.005);
    const counts = new Array(7).fill(0);
    for (let i = 0; i < 70000; i++) counts[r.int(7)]++;
    for (const c of counts) expect(Math.abs(c - 10000)).to.be.below(500);
    let m = 0,
      v = 0;
    for (let i = 0; i < M; i++) {
      const z = r.normal();
      m += z;
      v += z * z;
    }
    expect(Math.abs(m / M)).to.be.below(0.01);
    expect(Math.abs(v / M - 1)).to.be.below(0.02);
  });

  it("is the only randomness: no library or kit source calls the global generator", () => {
    const sources = (dir: string): string[] =>
      fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((e) =>
          e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : [],
        );
    const files = ["src", "kernel-lib", "wasm/assembly"].flatMap((d) => sources(path.join(REPO, d)));
    expect(files.length).to.be.above(40);
    const global = ["Math", "random"].join("."); // spelled apart so this file does not match itself
    const offenders = files.filter((f) => fs.readFileSync(f, "utf8").includes(global));
    // The one exception draws nothing: it replaces the export page's generator with a seeded one, so plotly.js's
    // ids come out the same every time (test/viz/render.test.ts holds the bytes equal).
    expect(offenders.map((f) => path.relative(REPO, f))).to.deep.equal(["src/viz/export.ts"]);
  });

  it("derived streams: one per (seed, index), repeatable, distinct from each other and from Rng(seed)", () => {
    const draw = (r: Rng) => Array.from({ length: 8 }, () => r.uint32());
    expect(draw(Rng.derive(7, 3))).to.deep.equal(draw(Rng.derive(7, 3)));
    const streams = [
      draw(new Rng(7)),
      draw(Rng.derive(7, 0)),
      draw(Rng.derive(7, 1)),
      draw(Rng.derive(8, 0)),
      draw(new Rng(8)),
    ];
    expect(new Set(streams.map((s) => s.join(","))).size).to.equal(streams.length);
    expect(() => Rng.derive(7, -1)).to.throw(/Rng.derive index: expected a non-negative safe integer, got -1/);
  });

  it("rejects bad seeds and states, naming what it expected", () => {
    expect(() => new Rng(-1)).to.throw(/Rng seed: expected a non-negative safe integer, got -1/);
    expect(() => new Rng(1.5)).to.throw(/got 1.5/);
    expect(() => Rng.fromState([1, 2, 3])).to.throw(/4 uint32 words/);
    expect(() => Rng.fromState([0, 0, 0, 0])).to.throw(/non-zero/);
  });
});
