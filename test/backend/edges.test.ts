/**
 * The wasm backend's edges, which the backend/probe mutation run found unpinned: which file each
 * build is, a build the runtime cannot run, the workspace's size limit and growth, products with
 * K = 0, operands outside wasm memory, the threads a shared instance keeps; and the probes'
 * boundaries (a gate at exactly 0.1 or 0.9, a zero gradient norm).
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { chooseWasm, kernelsByName, setThreads } from "../../src/backend";
import { jsKernels } from "../../src/backend/js";
import { Pool } from "../../src/backend/pool";
import type { Op } from "../../src/backend/protocol";
import { createWasmKernels, wasmPath, type WasmBuild } from "../../src/backend/wasm";
import { GatescopeError } from "../../src/errors";
import type { Trace } from "../../src/model/trace";
import { gateStats } from "../../src/probe/gates";
import { stepGains } from "../../src/probe/gradient-flow";

const PAGE = 65536; // a WebAssembly memory grows in pages of 64 KiB

/** What this test uses of the WebAssembly global (the compiler's ES2022 library has no types for it). */
interface Wasm {
  Module: new (bytes: Uint8Array) => object;
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
interface WasmExports {
  heap_base(): number;
  PACK_BYTES: { value: number };
}

describe("wasm backend edges", () => {
  it("each build is its own file; a build the runtime cannot compile is refused, naming the runtime", () => {
    expect([path.basename(wasmPath("simd")), path.basename(wasmPath("relaxed-simd"))]).to.deep.equal([
      "kernels.wasm",
      "kernels-relaxed.wasm",
    ]);
    const notWasm = new Uint8Array([1, 2, 3]);
    expect(() => createWasmKernels("relaxed-simd", notWasm)).to.throw(
      GatescopeError,
      `wasm build "relaxed-simd": expected a runtime with WebAssembly relaxed SIMD (Node 22+, or Node 20 with its ` +
        `V8 flag), got Node ${process.version} without it`,
    );
    // The plain build asks nothing of relaxed SIMD: its bytes go straight to the compiler.
    expect(() => createWasmKernels("simd", notWasm)).to.throw(/^WebAssembly\.Module\(\): /);
  });

  it("where the runtime runs relaxed SIMD, that build is chosen and the reason says so", () => {
    const loads: WasmBuild[] = [];
    const choice = chooseWasm(
      () => true,
      (build) => {
        loads.push(build);
        return jsKernels;
      },
    );
    expect(loads).to.deep.equal(["relaxed-simd"]);
    expect(choice.reason).to.equal(
      "WebAssembly relaxed SIMD available (fused multiply-add): float32 runs in wasm, float64 in exact TypeScript",
    );
  });

  it("the workspace refuses one operation over 2 GiB before growing, and grows by the pages it needs", () => {
    const k = createWasmKernels("simd");
    k.workspace.begin();
    const before = k.memoryBytes!();
    expect(() => k.workspace.alloc("float32", 2 ** 29)).to.throw(
      GatescopeError,
      "wasm workspace: expected one operation to need at most 2 GiB, got 2.0 GiB (N×T×H too large for one pass: " +
        "use smaller batches)",
    );
    expect(k.memoryBytes!()).to.equal(before);
    const bytes = 64 * 2 ** 20;
    k.workspace.alloc("float32", bytes / 4);
    // It ends where the new array ends, rounded up to a page: at least the array, under the old size + a page more.
    expect(k.memoryBytes!())
      .to.be.at.least(bytes)
      .and.below(before + bytes + PAGE);
  });

  it("a product with K = 0 is zero where beta is 0 and C itself where beta is 1; other columns are untouched", () => {
    const k = kernelsByName("wasm-simd");
    k.workspace.begin();
    const [M, N, ldc] = [3, 20, 24];
    const A = k.workspace.alloc("float32", 1),
      B = k.workspace.alloc("float32", 1);
    // In wasm memory, with one row more than the product's: nothing past its M rows may change either.
    const C = k.workspace.stage(Float32Array.from({ length: (M + 1) * ldc }, (_, i) => i + 1));
    const held = Array.from(C);
    k.gemm(false, false, M, N, 0, A, 0, 1, B, 0, N, 1, C, 0, ldc);
    expect(Array.from(C)).to.deep.equal(held);
    k.gemm(false, false, M, N, 0, A, 0, 1, B, 0, N, 0, C, 0, ldc);
    expect(Array.from(C)).to.deep.equal(held.map((v, i) => (i < M * ldc && i % ldc < N ? 0 : v)));
  });

  it("an operand outside wasm memory goes the reference way, with the reference's answer", () => {
    const k = kernelsByName("wasm-simd");
    k.workspace.begin();
    const [M, N] = [4, 16];
    const C = k.workspace.stage(Float32Array.from({ length: M * N }, (_, i) => (i % 7) - 3));
    const bias = Float32Array.from({ length: N }, (_, j) => j / 4);
    for (const [inWasm, plain] of [
      [k.workspace.alloc("float32", N), new Float32Array(N)],
      [new Float32Array(N), new Float32Array(N)],
    ]) {
      k.sumRows(M, N, C, 0, N, inWasm, 0);
      jsKernels.sumRows(M, N, C, 0, N, plain, 0);
      expect(Array.from(inWasm)).to.deep.equal(Array.from(plain));
    }
    const withBias = Float32Array.from(C);
    k.addRowBias(M, N, bias, 0, C, 0, N);
    jsKernels.addRowBias(M, N, bias, 0, withBias, 0, N);
    expect(Array.from(C)).to.deep.equal(Array.from(withBias));
  });

  it("a product that fails on the second thread is an error on the first, not a silent half", () => {
    const WA = (globalThis as unknown as { WebAssembly: Wasm }).WebAssembly;
    const module = new WA.Module(fs.readFileSync(wasmPath("simd")));
    const memory = new WA.Memory({ initial: 16, maximum: 32, shared: true });
    const abort = () => {
      throw new Error("wasm abort");
    };
    const x = new WA.Instance(module, { env: { memory, abort } }).exports as Record<string, never> & WasmExports;
    // The caller's own copy of the op only records that it ran: if the caller takes a job back
    // (the worker not yet awake), nothing fails and the job is posted again after a longer pause.
    let ranHere = 0;
    const local = { gemm_nn: () => ranHere++ } as unknown as Record<Op, () => void>;
    const pool = new Pool(module, memory, x.heap_base() + x.PACK_BYTES.value, local);
    let thrown: unknown = null;
    try {
      for (let attempt = 0; attempt < 5 && thrown === null; attempt++) {
        // C far past the memory's 1 MiB: the worker's kernel traps.
        pool.post("gemm_nn", 2, 16, 1, 0, 1, 1, 0, 16, 64 * 2 ** 20, 16, 0);
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200 * 2 ** attempt);
        try {
          pool.join();
        } catch (err) {
          thrown = err;
        }
      }
      expect(thrown, `no failure seen; the caller ran the job ${ranHere} time(s)`).to.be.instanceOf(GatescopeError);
      expect((thrown as Error).message).to.equal(
        "wasm worker: expected its half of a product, got a failure (see above); please report",
      );
    } finally {
      pool.close();
    }
  });

  it("a shared instance takes the default threads once: a later lookup keeps what the user set", () => {
    const k = kernelsByName("wasm-simd");
    const was = k.threads!;
    try {
      setThreads(1, k);
      expect(kernelsByName("wasm-simd").threads).to.equal(1);
      setThreads(2, k);
      expect(kernelsByName("wasm-simd").threads).to.equal(2);
    } finally {
      setThreads(was, k);
    }
  });
});

describe("probe boundaries", () => {
  it("a gate at exactly 0.1 or 0.9 is not saturated; just past either is", () => {
    const data = Float64Array.from([0.1, 0.9, 0.0999, 0.9001]);
    const trace = {
      get: () => ({ shape: [1, 1, 4], data }),
      describe: () => ({ label: "gate" }),
    } as unknown as Trace;
    const s = gateStats(trace, "gate");
    expect([s.fractionLow, s.fractionHigh]).to.deep.equal([[0.25], [0.25]]);
  });

  it("step gains are ratios of successive norms; a zero norm gives NaN, not Infinity", () => {
    expect(stepGains([1, 0.5, 0.25])).to.deep.equal([2, 2]);
    expect(stepGains([1, 0, 2])).to.deep.equal([NaN, 0]);
    expect(stepGains([3])).to.deep.equal([]);
  });
});
