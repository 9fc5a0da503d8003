/**
 * The native backend (C++, Node-API): chosen by default where it loads, WebAssembly with the
 * reason where it does not; every ISA build this CPU runs passes the fast-backend suite (products,
 * float64 finite differences, float32 against float64, two threads bit-identical to one); a call
 * with arrays or shapes that do not fit is a GatescopeError, and the process lives on.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { backendInfo, chooseNative, defaultKernels, kernelsByName } from "../../src/backend";
import { createNativeKernels, loadNative, type NativeIsa } from "../../src/backend/native";
import { STEP_KERNEL_ORDER, STEP_KERNELS } from "../../src/backend/step-ops";
import type { Chain } from "../../src/cells/urnn";
import { GatescopeError } from "../../src/errors";
import { jsKernels } from "../../src/backend/js";
import { RecurrentNet } from "../../src/model/recurrent";
import { Rng } from "../../src/math/rng";
import { backendSuite } from "../helpers/backend-suite";
import { randomTensor } from "../helpers/numeric";
import { REPO, WITHOUT_NATIVE } from "../helpers/paths";
import { tmpDir } from "../helpers/tmp";

const addon = loadNative();
const ISAS = addon.info().available;
const DIST = JSON.stringify(path.join(REPO, "dist-test", "src"));
const BEST = ISAS.includes("avx512") ? "avx512" : "avx2";
const TITLE = BEST === "avx512" ? "AVX-512" : "AVX2 + FMA";

/** `script` in a fresh Node with GATESCOPE_BACKEND unset or as given; its stdout. */
function node(script: string, backend?: string): { out: string; err: string; status: number | null } {
  const env = { ...process.env };
  delete env.GATESCOPE_BACKEND;
  if (backend) env.GATESCOPE_BACKEND = backend;
  const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", env });
  return { out: r.stdout.trim(), err: r.stderr, status: r.status };
}

describe("native backend selection", () => {
  it("is the default here (AVX-512 where the CPU has it, else AVX2 + FMA) and says so; 'native' names it", () => {
    expect(ISAS, "an x86-64 CPU with AVX2 and FMA").to.include.members(["avx2", "base"]);
    expect(defaultKernels().name).to.equal(`native-${BEST}`);
    expect(kernelsByName("native")).to.equal(kernelsByName(`native-${BEST}`));
    expect(kernelsByName("native")).to.equal(defaultKernels());
    const info = node(`console.log(JSON.stringify(require(${DIST}).backendInfo()))`);
    expect(JSON.parse(info.out)).to.deep.equal({
      name: `native-${BEST}`,
      reason: `native addon loaded (${TITLE}): float32 runs in C++, float64 in exact TypeScript`,
    });
  });

  it("where the addon does not load: WebAssembly, with the reason; forcing native is a clear error", () => {
    const wasm = { kernels: jsKernels, reason: "the wasm choice" };
    const c = chooseNative(() => {
      throw new Error("no addon");
    }, () => wasm);
    expect(c).to.deep.equal({ kernels: jsKernels, reason: "native addon unavailable (no addon); the wasm choice" });
    const info = JSON.parse(node(`${WITHOUT_NATIVE}\nconsole.log(JSON.stringify(require(${DIST}).backendInfo()))`).out);
    expect(info.name).to.equal("wasm-relaxed-simd");
    expect(info.reason).to.equal(
      "native addon unavailable (native addon: expected a build for linux-x64, got: No native build was found for " +
        "platform=linux arch=x64 (not built here)); WebAssembly relaxed SIMD available (fused multiply-add): " +
        "float32 runs in wasm, float64 in exact TypeScript",
    );
    const script = `try { require(${DIST}).defaultKernels(); } catch (e) { console.log(e.name + ": " + e.message); }`;
    const forced = node(`${WITHOUT_NATIVE}\n${script}`, "native");
    expect(forced.out).to.equal(
      "GatescopeError: native addon: expected a build for linux-x64, got: No native build was found for " +
        "platform=linux arch=x64 (not built here)",
    );
  });

  it("the builds are really different code: base rounds twice, AVX2 and AVX-512 fuse multiply-adds", () => {
    // Σ_k a_k·b_k with a_0·b_0 = −(1 + 2⁻¹¹) and a_1·b_1 = (1 + 2⁻¹²)² = 1 + 2⁻¹¹ + 2⁻²⁴, which
    // float32 rounds to 1 + 2⁻¹¹: fused (one rounding) the sum is 2⁻²⁴, unfused it is 0.
    const e = 1 + 2 ** -12;
    const sums = ISAS.map((isa) => {
      const k = kernelsByName(`native-${isa}`);
      const C = new Float32Array(16);
      const B = new Float32Array([...Array(16).fill(1), ...Array(16).fill(e)]);
      k.gemm(false, false, 1, 16, 2, new Float32Array([-(1 + 2 ** -11), e]), 0, 2, B, 0, 16, 0, C, 0, 16);
      return [isa, C[0]];
    });
    expect(Object.fromEntries(sums)).to.deep.equal(
      Object.fromEntries(ISAS.map((isa) => [isa, isa === "base" ? 0 : 2 ** -24])),
    );
  });

  it("a build the CPU lacks or an unknown one is refused by name; threads are 1 or 2", () => {
    expect(() => createNativeKernels(addon, "sse9" as NativeIsa)).to.throw(
      GatescopeError,
      'native build: expected "base", "avx2" or "avx512", got "sse9"',
    );
    expect(() => addon.setThreads(3)).to.throw("threads: expected 1 or 2, got 3");
  });
});

describe("native backend: calls that do not fit are errors, never a crash", () => {
  const k = kernelsByName("native");
  const f32 = (n: number) => new Float32Array(n);
  it("a product whose arrays are too short, or whose leading dimension is too small, names what it needed", () => {
    expect(() => k.gemm(false, false, 3, 3, 3, f32(8), 0, 3, f32(9), 0, 3, 0, f32(9), 0, 3)).to.throw(
      GatescopeError,
      "native gemm A: expected at least 9 elements (3×3 from 0, 3 apart), got 8",
    );
    expect(() => k.gemm(false, true, 2, 4, 3, f32(6), 0, 3, f32(12), 1, 3, 0, f32(8), 0, 4)).to.throw(
      "native gemm B: expected at least 13 elements (4×3 from 1, 3 apart), got 12",
    );
    expect(() => k.gemm(true, false, 2, 2, 3, f32(6), 0, 2, f32(6), 0, 2, 1, f32(4), 0, 1)).to.throw(
      "native gemm C: expected a leading dimension ≥ 2, got 1",
    );
    expect(() => k.gemm(false, false, -1, 2, 2, f32(4), 0, 2, f32(4), 0, 2, 0, f32(4), 0, 2)).to.throw(
      "native gemm M: expected an integer ≥ 0, got -1",
    );
    expect(() => k.gemm(false, false, 2, 2, 2, f32(4), 0.5, 2, f32(4), 0, 2, 0, f32(4), 0, 2)).to.throw(
      "native gemm aOff: expected an integer ≥ 0, got 0.5",
    );
    expect(() => k.addRowBias(2, 4, f32(3), 0, f32(8), 0, 4)).to.throw(
      "native addRowBias b: expected at least 4 elements (1×4 from 0, 4 apart), got 3",
    );
    expect(() => k.sumRows(3, 4, f32(8), 0, 4, f32(4), 0)).to.throw(
      "native sumRows C: expected at least 12 elements (3×4 from 0, 4 apart), got 8",
    );
  });

  it("extents whose products would wrap 64-bit integers are refused, not turned into small ones", () => {
    // (M − 1)·ldc = 2^33 · 2^31 = 2^64 wraps to 0 in int64: before the checked arithmetic this passed the check.
    const [M, ld] = [2 ** 33 + 1, 2 ** 31];
    const past = "expected a size below 2^53 elements, got a product past it";
    expect(() => k.gemm(false, false, M, 1, 0, f32(4), 0, 1, f32(4), 0, 1, 0, f32(4), 0, ld)).to.throw(
      GatescopeError,
      `native gemm C: ${past}`,
    );
    expect(() => k.addRowBias(M, 1, f32(4), 0, f32(4), 0, ld)).to.throw(`native addRowBias C: ${past}`);
    expect(() => k.sumRows(M, 1, f32(4), 0, ld, f32(4), 0)).to.throw(`native sumRows C: ${past}`);
    expect(() => k.ops.lstmForward(2 ** 30, 2 ** 30, f32(4), 0, f32(4), f32(4), 0)).to.throw(
      `native lstmForward buffer 0: ${past}`,
    );
    const none = [f32(4), 0, f32(4), 0, f32(4), 0, f32(4), 0, f32(4), 0] as const;
    expect(() => addon.unitary(false, 2 ** 40, 2 ** 20, ...none)).to.throw(`unitary N·H: ${past}`);
  });

  // A user may hold no more threads (a process limit): the product runs on one thread, with the same bits. The
  // limit binds users other than root: the test runs as nobody, on a copy of the addon in a directory it can read.
  const nobody = ["--reuid=65534", "--regid=65534", "--clear-groups"];
  const root = process.getuid?.() === 0 && spawnSync("setpriv", ["--version"]).status === 0;
  (root ? it : it.skip)("a second thread that cannot start leaves one doing the work, not a dead process", () => {
    const product =
      "addon.setThreads(2); addon.gemm(false, false, n, n, n, f(n * n), 0, n, f(n * n), 0, n, 0, C, 0, n);" +
      "console.log(JSON.stringify({ c: [C[0], C[n * n - 1]], error: addon.info().threadError }));";
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gatescope-threads-"));
    fs.chmodSync(dir, 0o755);
    const copy = path.join(dir, "gatescope.node");
    fs.copyFileSync((require("node-gyp-build") as { path(dir: string): string }).path(REPO), copy);
    fs.chmodSync(copy, 0o644);
    const script = (count: boolean) =>
      `const addon = require(${JSON.stringify(copy)});` +
      "const n = 256, f = (m) => new Float32Array(m).fill(1), C = f(n * n);" +
      (count ? "console.log(require('fs').readdirSync('/proc/self/task').length);" : product);
    // As nobody (root is exempt from the limit), with exactly as many threads as Node starts with.
    const count = spawnSync("setpriv", [...nobody, process.execPath, "-e", script(true)], { encoding: "utf8" });
    const started = Number(count.stdout);
    expect(started, count.stderr).to.be.above(0);
    const limited = spawnSync(
      "setpriv",
      [...nobody, "prlimit", `--nproc=${started}:${started}`, process.execPath, "-e", script(false)],
      { encoding: "utf8", timeout: 20000 },
    );
    expect(limited.status, limited.stderr).to.equal(0);
    const r = JSON.parse(limited.stdout);
    expect(r.c).to.deep.equal([256, 256]);
    expect(r.error).to.match(/Resource temporarily unavailable/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("a step op given buffers too short for N×H names the op and the buffer", () => {
    const N = 2, H = 8;
    expect(() => k.ops.lstmForward(N, H, f32(4 * N * H), 0, f32(2 * N * H), f32(2 * N * H - 1), 0)).to.throw(
      GatescopeError,
      "native lstmForward buffer 3: expected at least 32 elements (1×16 from 16, 16 apart), got 31",
    );
    expect(() => k.ops.rnnBackward(N * H, f32(N * H), 0, f32(2 * N * H), f32(N * H), f32(N * H - 1), false)).to.throw(
      "native rnnBackward buffer 3: expected at least 16 elements (1×16 from 0, 16 apart), got 15",
    );
    expect(() => k.ops.gruBackwardReset(N, H, f32(3 * N * H), 0, f32(N * H), f32(N * H), 0, f32(N * H),
      f32(3 * N * H), f32(3 * N * H - 8), f32(N * H), true)).to.throw(
      "native gruBackwardReset buffer 5: expected at least 48 elements (1×48 from 0, 48 apart), got 40",
    );
  });

  it("step-widths.ts is what kernels.h's STEP_SHAPES gives (scripts/step-widths.js --check), and can differ", () => {
    const script = path.join(REPO, "scripts/step-widths.js");
    const ok = spawnSync(process.execPath, [script, "--check"], { encoding: "utf8" });
    expect(ok.status, ok.stderr).to.equal(0);
    // A copy of the three files where the generated table was edited by hand: the check must refuse it.
    const copy = tmpDir("step-widths");
    for (const f of ["scripts/step-widths.js", "native/src/kernels.h", "src/backend/step-widths.ts"]) {
      fs.mkdirSync(path.dirname(path.join(copy, f)), { recursive: true });
      fs.copyFileSync(path.join(REPO, f), path.join(copy, f));
    }
    const edited = path.join(copy, "src/backend/step-widths.ts");
    fs.writeFileSync(edited, fs.readFileSync(edited, "utf8").replace("[4, 1, 1, 1]", "[4, 1, 1, 2]"));
    const bad = spawnSync(process.execPath, [path.join(copy, "scripts/step-widths.js"), "--check"], {
      encoding: "utf8",
    });
    expect(bad.status).to.equal(1);
    expect(bad.stderr).to.include("expected what kernels.h gives, got another table");
  });

  it("the addon checks every step call against the table (step-ops.ts): number, buffer count, row widths", () => {
    const N = 2, H = 8;
    const NAMES = ["lstmForward", "lstmBackward", "gruForwardGates", "gruForwardState", "gruBackwardState",
      "gruBackwardReset", "rnnForward", "rnnBackward"];
    STEP_KERNEL_ORDER.forEach((kernel, code) => {
      const widths: readonly number[] = STEP_KERNELS[kernel];
      const args = (short = -1) => widths.flatMap((w, b) => [f32(N * H * w - (b === short ? 1 : 0)), 0]);
      addon.step(code, N, H, false, ...args()); // exactly the table's sizes: accepted
      const arity = 4 + 2 * widths.length;
      expect(() => addon.step(code, N, H, false, ...args().slice(2)), kernel).to.throw(
        `${NAMES[code]}: expected ${arity} arguments, got ${arity - 2}`,
      );
      widths.forEach((_, b) =>
        expect(() => addon.step(code, N, H, false, ...args(b)), `${kernel} buffer ${b}`).to.throw(
          `${NAMES[code]} buffer ${b}: expected at least ${N * H * widths[b]} elements`,
        ),
      );
    });
    expect(() => addon.step(STEP_KERNEL_ORDER.length, N, H, false)).to.throw(
      `step op: expected 0–${STEP_KERNEL_ORDER.length - 1}`,
    );
  });

  it("the uRNN's step by its factors refuses a K that is not a power of two and buffers too short", () => {
    const chain = (K: number, n = 14 * K) => ({ packed: f32(n) }) as Chain;
    expect(() => k.ops.urnnForward(2, 12, chain(6), f32(6), 0, f32(24), f32(48))).to.throw(
      GatescopeError,
      "native unitary K: expected a power of two up to 2^40, got 6",
    );
    expect(() => k.ops.urnnForward(2, 8, chain(4, 55), f32(4), 0, f32(16), f32(32))).to.throw(
      "native unitary consts: expected at least 56 elements (1×56 from 0, 56 apart), got 55",
    );
    expect(() => k.ops.urnnForward(2, 8, chain(4), f32(4), 0, f32(16), f32(31))).to.throw(
      "native unitary h: expected at least 32 elements (1×16 from 16, 16 apart), got 31",
    );
    const back = (row: number, dZ: number, dv: number) => () =>
      k.ops.urnnBackward(2, 8, chain(4), f32(4), row, f32(32), f32(48), f32(32), f32(dZ), f32(16), f32(12), f32(dv),
        f32(4));
    expect(back(16, 16, 16)).to.throw(
      "native unitary gz: expected at least 32 elements (1×16 from 16, 16 apart), got 16",
    );
    expect(back(0, 16, 15)).to.throw(
      "native unitary dv: expected at least 16 elements (1×16 from 0, 16 apart), got 15",
    );
    expect(back(0, 16, 16)).not.to.throw();
  });

  it("float64 arrays go to the reference kernels (the exact path), not to the addon", () => {
    const C = new Float64Array(4);
    k.gemm(false, false, 2, 2, 1, new Float64Array([1, 2]), 0, 1, new Float64Array([3, 4]), 0, 2, 0, C, 0, 2);
    expect(Array.from(C)).to.deep.equal([3, 4, 6, 8]);
    expect(k.ops.rnnForward(2, new Float64Array(2), 0, new Float64Array(4), false)).to.equal(false);
  });

  it("after refused calls the process still trains: a float32 LSTM step runs and gives finite gradients", () => {
    const rng = new Rng(4);
    const net = new RecurrentNet({ kind: "lstm", inputSize: 2, hiddenSize: 8, dtype: "float32" }, rng, k);
    const f = net.forward(randomTensor(rng, [3, 5, 2], 1, "float32"));
    const g = net.backward(f, { dOutput: randomTensor(rng, [3, 5, 8], 1, "float32") }).grads;
    expect(Object.values(g).every((t) => t.data.every(Number.isFinite))).to.equal(true);
  });
});

for (const isa of ISAS)
  describe(`native backend, ${isa} build`, () => {
    backendSuite(`native-${isa}`, () => kernelsByName(`native-${isa}`), () => createNativeKernels(addon, isa));
  });

describe("native uRNN step: rows run a group at a time, one per lane", () => {
  // Each lane does its own row's arithmetic, so any group of rows (a padded last group, two threads' chunks) gives
  // each row the bits it gets alone; scripts/lineage.js holds those bits to the row-at-a-time code's.
  const K = 64, H = 2 * K, N = 13;
  const rng = new Rng(9);
  const rand = (n: number) => Float32Array.from({ length: n }, () => rng.range(-1, 1));
  const packed = rand(14 * K);
  const bits = Math.log2(K);
  for (let k = 0; k < K; k++) {
    packed[12 * K + k] = (k * 37 + 5) % K; // a permutation (37 is odd)
    packed[13 * K + k] = parseInt(k.toString(2).padStart(bits, "0").split("").reverse().join(""), 2);
  }
  const c = { packed } as Chain;
  const b = rand(K), x = rand(N * H), z0 = rand(N * H), dH = rand(N * H);
  const hex = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("hex");

  for (const isa of ISAS)
    for (const threads of [1, 2] as const)
      it(`${isa}, ${threads} thread(s): ${N} rows at once give each row's bits alone, forward and backward`, () => {
        const k = createNativeKernels(addon, isa);
        k.setThreads?.(threads);
        /** The outputs of forward then backward over rows [n, n + count) of each group, groups in order. */
        const run = (groups: Array<[number, number]>) => {
          const z = z0.slice(), h = new Float32Array(N * H), gz = new Float32Array(N * H), dx = new Float32Array(N * H);
          const dth = new Float32Array(3 * K), dv = new Float32Array(2 * H), db = new Float32Array(K);
          for (const [n, count] of groups) {
            const rows = (a: Float32Array) => a.subarray(n * H, (n + count) * H);
            const hs = new Float32Array(2 * count * H), zs = rows(z).slice(), gzs = new Float32Array(count * H);
            const dxs = new Float32Array(count * H);
            hs.set(rows(x));
            expect(k.ops.urnnForward?.(count, H, c, b, 0, zs, hs)).to.equal(true);
            expect(k.ops.urnnBackward?.(count, H, c, b, 0, zs, hs, rows(dH), gzs, dxs, dth, dv, db)).to.equal(true);
            z.set(zs, n * H), h.set(hs.subarray(count * H), n * H), gz.set(gzs, n * H), dx.set(dxs, n * H);
          }
          return [z, h, gz, dx, dth, dv, db].map(hex);
        };
        const whole = run([[0, N]]);
        expect(whole[1]).to.not.equal(hex(new Float32Array(N * H))); // h was written
        expect(run(Array.from({ length: N }, (_, n): [number, number] => [n, 1]))).to.deep.equal(whole);
        expect(run([[0, 5], [5, N - 5]])).to.deep.equal(whole);
      });
});
