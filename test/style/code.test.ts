/**
 * The house style that a reviewer would otherwise check by eye: lines of code stay within 120 characters, and
 * imports inside `src/` point one way (math ← cells ← model ← train ← experiment; viz knows figures, not
 * experiments; nothing in `src/` imports `kernel-lib/`).
 */
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { REPO } from "../helpers/paths";

const MAX_LINE = 120;
const CODE = /\.(ts|js|py|sh|inl|cc|h)$|^\.ci\/run$/;

/** Each folder's place: a file may import from its own folder or from a lower rank. */
const RANK: Record<string, number> = {
  "errors.ts": 0,
  "checks.ts": 1,
  "package-root.ts": 0,
  math: 1,
  cells: 2,
  backend: 3,
  model: 4,
  optim: 5,
  tasks: 5,
  probe: 5,
  io: 5,
  train: 6,
  text: 6,
  viz: 6,
  experiment: 7,
  cli: 8,
};

function longLines(files: Record<string, string>): string[] {
  return Object.entries(files).flatMap(([file, text]) =>
    text.split("\n").flatMap((line, i) => (line.length > MAX_LINE ? [`${file}:${i + 1} (${line.length})`] : [])),
  );
}

/** "from" → "to" pairs that point the wrong way, for files named by their path under src/. */
function wrongWay(files: Record<string, string>): string[] {
  const IMPORT = /(?:from\s+|import\(|require\()"(\.{1,2}\/[^"]+)"/g;
  return Object.entries(files).flatMap(([file, text]) => {
    const home = file.split("/")[0];
    if (home === "index.ts") return []; // the package's front door re-exports every room
    return [...text.matchAll(IMPORT)].flatMap(([, spec]) => {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
      if (target.startsWith("..")) return [`${file} → ${spec} (outside src/)`];
      const room = target.split("/")[0];
      const roomRank = RANK[room] ?? RANK[`${room}.ts`];
      if (room === home || room === home.replace(/\.ts$/, "")) return [];
      if (RANK[home] === undefined || roomRank === undefined) return [`${file} → ${spec} (a room with no rank)`];
      return roomRank < RANK[home] ? [] : [`${file} → ${spec}`];
    });
  });
}

const tracked = () => execFileSync("git", ["ls-files"], { cwd: REPO, encoding: "utf8" }).split("\n");
const read = (names: string[], dir = REPO) =>
  Object.fromEntries(names.map((f) => [f, fs.readFileSync(path.join(dir, f), "utf8")]));

describe("house style", () => {
  it(`lines of code in the repository stay within ${MAX_LINE} characters`, () => {
    const code = tracked().filter(
      (f) => CODE.test(f) && !f.startsWith("results/") && fs.existsSync(path.join(REPO, f)),
    );
    expect(code.length).to.be.above(100);
    expect(longLines(read(code))).to.deep.equal([]);
  });

  it("imports inside src/ point one way, and none leaves src/", () => {
    const src = tracked()
      .filter((f) => f.startsWith("src/") && f.endsWith(".ts"))
      .map((f) => f.slice("src/".length));
    expect(src.length).to.be.above(50);
    expect(wrongWay(read(src, path.join(REPO, "src")))).to.deep.equal([]);
  });

  it("the checks can fail: a long line, an import upstream, one into kernel-lib", () => {
    expect(longLines({ "a.ts": `ok\n${"x".repeat(MAX_LINE + 1)}` })).to.deep.equal([`a.ts:2 (${MAX_LINE + 1})`]);
    expect(
      wrongWay({
        "math/blas.ts": 'import { layer } from "../cells/layer";',
        "viz/chart.ts": 'import type { Spec } from "../experiment/spec";\nimport { x } from "./local";',
        "train/fit.ts": 'const k = require("../../kernel-lib/show");',
        "cells/gru.ts": 'import { fail } from "../errors";',
      }),
    ).to.deep.equal([
      "math/blas.ts → ../cells/layer",
      "viz/chart.ts → ../experiment/spec",
      "train/fit.ts → ../../kernel-lib/show (outside src/)",
    ]);
  });
});
