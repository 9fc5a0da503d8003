/**
 * Property-based tests (fast-check, seeded): random truncations, bit flips, byte overwrites and
 * field swaps of valid files never crash the readers with anything but a GatescopeError, never
 * hang, and never load partially — what loads is whole and self-consistent.
 */
import { expect } from "chai";
import fc from "fast-check";
import * as fs from "fs";
import * as path from "path";
import { GatescopeError } from "../../src/errors";
import { decodeSafetensors, encodeSafetensors } from "../../src/io/safetensors";
import { loadCheckpoint, saveCheckpoint } from "../../src/io/checkpoint";
import { verifyReferenceFile } from "../../src/io/reference";
import { parseResults } from "../../src/experiment/results";
import { reportHtml } from "../../src/experiment/report";
import { RecurrentNet } from "../../src/model/recurrent";
import { Rng } from "../../src/math/rng";
import { FIXTURES, REPO } from "../helpers/paths";
import { tmpDir } from "../helpers/tmp";

const SEED = 20261127;

/** A damaged copy of `bytes`: truncated, with flipped bits, or with a run of random bytes written in. */
const damage = (bytes: Uint8Array) =>
  fc.oneof(
    fc.nat({ max: bytes.length - 1 }).map((n) => bytes.slice(0, n)),
    fc
      .array(fc.tuple(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 0, max: 7 })), {
        minLength: 1,
        maxLength: 8,
      })
      .map((flips) => {
        const b = bytes.slice();
        for (const [i, bit] of flips) b[i] ^= 1 << bit;
        return b;
      }),
    fc.tuple(fc.nat({ max: bytes.length - 1 }), fc.uint8Array({ minLength: 1, maxLength: 32 })).map(([at, junk]) => {
      const b = bytes.slice();
      b.set(junk.subarray(0, b.length - at), at);
      return b;
    }),
  );

/** A JSON document with one field replaced by a value of another kind, or two fields' values swapped. */
function tamperJson(doc: unknown): fc.Arbitrary<unknown> {
  const paths: string[][] = [];
  // Every field, but only the first two entries of each array: long number arrays would otherwise
  // draw nearly every case.
  const walk = (v: unknown, p: string[]) => {
    if (p.length > 7 || !v || typeof v !== "object") return;
    const entries = Array.isArray(v) ? v.slice(0, 2).map((c, i) => [String(i), c] as const) : Object.entries(v);
    for (const [k, c] of entries) {
      paths.push([...p, k]);
      walk(c, [...p, k]);
    }
  };
  walk(doc, []);
  const odd = fc.constantFrom<unknown>(
    null,
    -1,
    0.5,
    1e308,
    "",
    "<img src=x onerror=alert(1)>",
    [],
    {},
    true,
    [1, "a"],
    { x: 1 },
  );
  const setAt = (d: unknown, p: string[], v: unknown) => {
    let o = d as Record<string, unknown>;
    for (const k of p.slice(0, -1)) o = o[k] as Record<string, unknown>;
    o[p[p.length - 1]] = v;
  };
  const getAt = (d: unknown, p: string[]) => p.reduce((o, k) => (o as Record<string, unknown>)[k], d);
  return fc.oneof(
    fc.tuple(fc.constantFrom(...paths), odd).map(([p, v]) => {
      const d = JSON.parse(JSON.stringify(doc));
      setAt(d, p, v);
      return d;
    }),
    fc.tuple(fc.constantFrom(...paths), fc.constantFrom(...paths)).map(([a, b]) => {
      const d = JSON.parse(JSON.stringify(doc));
      const [va, vb] = [getAt(d, a), getAt(d, b)];
      try {
        setAt(d, a, JSON.parse(JSON.stringify(vb ?? null)));
        setAt(d, b, JSON.parse(JSON.stringify(va ?? null)));
      } catch {
        // one path lies inside the other: the first assignment already moved it
      }
      return d;
    }),
  );
}

/** Runs `load`; passes if it returned (then `whole` must hold) or threw a GatescopeError. */
function survives<T>(load: () => T, whole: (v: T) => void): void {
  let value: T;
  try {
    value = load();
  } catch (err) {
    if (!(err instanceof GatescopeError)) throw new Error(`not a GatescopeError: ${(err as Error)?.stack ?? err}`);
    return;
  }
  whole(value);
}

describe("fuzzing the readers (fast-check)", function () {
  this.timeout(120000);
  const dir = tmpDir("fuzz");

  it("safetensors: damaged files decode whole or fail with a GatescopeError", () => {
    const good = encodeSafetensors(
      {
        a: { shape: [3, 4], data: Float32Array.from({ length: 12 }, (_, i) => i / 7) },
        b: { shape: [5], data: Float64Array.from([1, 2, 3, 4, 5]) },
      },
      { format: "pt" },
    );
    fc.assert(
      fc.property(damage(good), (bytes) =>
        survives(
          () => decodeSafetensors(bytes),
          (c) => {
            for (const t of Object.values(c.tensors))
              expect(t.data.length).to.equal(t.shape.reduce((x, y) => x * y, 1));
          },
        ),
      ),
      { seed: SEED, numRuns: 400 },
    );
  });

  it("checkpoints (JSON and safetensors): a damaged file loads a whole network or fails clearly", () => {
    const net = new RecurrentNet({ kind: "gru", inputSize: 2, hiddenSize: 3 }, new Rng(1));
    for (const ext of ["json", "safetensors"]) {
      const file = path.join(dir, `good.${ext}`);
      saveCheckpoint(net, file);
      const good = new Uint8Array(fs.readFileSync(file));
      const bad = path.join(dir, `bad.${ext}`);
      fc.assert(
        fc.property(damage(good), (bytes) => {
          fs.writeFileSync(bad, bytes);
          survives(
            () => loadCheckpoint(bad),
            (n) => {
              for (const t of Object.values(n.params)) expect(t.data.every(Number.isFinite)).to.equal(true);
            },
          );
        }),
        { seed: SEED, numRuns: 200 },
      );
    }
  });

  it("PyTorch reference files: tampered fields give a report or a GatescopeError", () => {
    const src = fs.readdirSync(FIXTURES).find((f) => f.startsWith("lstm") && f.endsWith(".json"))!;
    const doc = JSON.parse(fs.readFileSync(path.join(FIXTURES, src), "utf8"));
    const bad = path.join(dir, "ref.json");
    fc.assert(
      fc.property(tamperJson(doc), (d) => {
        fs.writeFileSync(bad, JSON.stringify(d));
        survives(
          () => verifyReferenceFile(bad),
          (r) => expect(r.checks.length).to.be.above(0),
        );
      }),
      { seed: SEED, numRuns: 150 },
    );
  });

  it("results.json → report: tampered fields give a report with nothing run from them, or a GatescopeError", () => {
    const doc = JSON.parse(fs.readFileSync(path.join(REPO, "results/quick/results.json"), "utf8"));
    doc.runs = doc.runs.slice(0, 6); // keeps each case fast; the structure is the same
    for (const r of doc.runs) {
      r.grad_flow = r.grad_flow.slice(0, 3);
      r.curve = r.curve.slice(0, 5);
    }
    fc.assert(
      fc.property(tamperJson(doc), (d) => {
        survives(
          () => reportHtml(parseResults(JSON.stringify(d))),
          (html) => expect(html).to.not.include("<img src=x"),
        );
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});
