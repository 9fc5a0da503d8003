/**
 * The native boundary cannot crash: every addon entry point, called by fast-check with extreme integers, wrong
 * types, short and foreign typed arrays and any number of arguments, either works or throws — in a child process
 * that must end normally, never by a signal (a bad pointer or an abort would kill it, not throw).
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as path from "path";
import { REPO } from "../helpers/paths";

/** Runs in the child: `runs` calls per entry point, each argument from every kind of value an addon may get. */
const CHILD = `
const fc = require(${JSON.stringify(require.resolve("fast-check", { paths: [REPO] }))});
const { loadNative } = require(${JSON.stringify(path.join(REPO, "dist/src/backend/native.js"))});
const addon = loadNative();
const runs = Number(process.argv[1]);
const extreme = fc.constantFrom(-1, -0, 0.5, NaN, Infinity, -Infinity, 2 ** 31, 2 ** 32, 2 ** 53 - 1, 2 ** 53,
  2 ** 63, Number.MAX_VALUE, 2 ** 33 + 1);
const size = fc.integer({ min: 0, max: 70 });
const value = fc.oneof(
  size, size, extreme, fc.boolean(),
  size.map((n) => new Float32Array(n)), size.map((n) => new Float32Array(n)), size.map((n) => new Float64Array(n)),
  size.map((n) => new Float32Array(new SharedArrayBuffer(4 * n))), size.map((n) => new Int32Array(n)),
  fc.constantFrom(undefined, null, "avx2", "avx512", "base", "", {}, [], () => 0),
);
// Each entry point's arity (step and unitary vary with their op): sometimes that, sometimes any other.
const ARITY = { gemm: [15], addRowBias: [7], sumRows: [7], step: [12, 20, 12, 12, 14, 18, 8, 12],
  unitary: [13, 23], add: [7], copy: [5], setThreads: [1], setIsa: [1], info: [0], replay: [3] };
const missed = Object.keys(addon).filter((k) => !(k in ARITY));
if (missed.length > 0) throw new Error("entry points not fuzzed: " + missed.join(", "));
// A replay program: calls of any kind (and none), each with its argument count (or another) and (tag, value,
// stride) triples — small offsets and strides that step past the arrays, extremes, wrong tags.
const small = fc.oneof(fc.integer({ min: -8, max: 70 }), extreme);
const triple = fc.tuple(fc.oneof(fc.integer({ min: 0, max: 2 }), small), small,
  fc.oneof(fc.constant(0), fc.integer({ min: -20, max: 20 }), extreme));
const call = fc.tuple(fc.oneof(fc.integer({ min: 0, max: 6 }), extreme), fc.array(triple, { maxLength: 16 }),
  fc.integer({ min: -1, max: 1 }));
const program = fc.array(call, { maxLength: 4 }).map((cs) =>
  Float64Array.from(cs.flatMap(([kind, args, miscount]) => [kind, args.length + miscount, ...args.flat()])));
const replayArgs = fc.tuple(fc.oneof(fc.integer({ min: 0, max: 5 }), extreme),
  fc.array(value, { maxLength: 4 }), fc.oneof(program, value)).map((xs) => [...xs]);
let calls = 0, threw = 0;
for (const [name, arities] of Object.entries(ARITY)) {
  const args = fc.oneof(
    fc.constantFrom(...arities).chain((n) => fc.array(value, { minLength: n, maxLength: n })),
    fc.array(value, { maxLength: 26 }),
    ...(name === "replay" ? [replayArgs, replayArgs, replayArgs] : []),
  );
  fc.assert(fc.property(args, (xs) => {
    calls++;
    try { addon[name](...xs); } catch { threw++; }
    return true;
  }), { numRuns: runs, seed: 7 });
}
addon.setThreads(1);
console.log(JSON.stringify({ calls, threw }));
`;

describe("native boundary under fuzzing (fast-check, in a child process)", function () {
  this.timeout(5 * 60 * 1000);

  it("no call — extreme integers, wrong types, short buffers, any arity — ends the process by a signal", () => {
    const runs = 1500;
    const r = spawnSync(process.execPath, ["-e", CHILD, String(runs)], { encoding: "utf8" });
    expect(r.signal, r.stderr).to.equal(null);
    expect(r.status, r.stderr).to.equal(0);
    const { calls, threw } = JSON.parse(r.stdout.trim().split("\n").pop()!);
    expect(calls).to.equal(11 * runs); // every entry point (the child refuses an addon with others)
    // Most such calls are refused with an error, and some are valid and run: both paths were taken.
    expect(threw).to.be.above(calls / 2);
    expect(threw).to.be.below(calls);
  });
});
