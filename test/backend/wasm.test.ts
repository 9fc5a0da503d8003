/**
 * The WebAssembly SIMD backend must give the reference path's answers: the same finite-
 * difference gradient checks in float64 (where it routes to the exact kernels), float32
 * gradients within float32 error of the float64 reference for every cell, variant, layer
 * count and truncation, its kernels against the reference kernels, and a visible choice.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  backendInfo,
  chooseBackend,
  chooseWasm,
  defaultKernels,
  kernelsByName,
  releaseMemory,
  setThreads,
} from "../../src/backend";
import { jsKernels } from "../../src/backend/js";
import { createWasmKernels, relaxedSimdSupported, wasmPath, WASM_BUILDS, type WasmBuild } from "../../src/backend/wasm";
import { Pool } from "../../src/backend/pool";
import { REPO } from "../helpers/paths";
import type { Kernels } from "../../src/math/kernels";
import { RecurrentNet } from "../../src/model/recurrent";
import { SequenceModel } from "../../src/model/sequence-model";
import type { RecurrentConfig } from "../../src/model/config";
import { Rng } from "../../src/math/rng";
import { randomTensor } from "../helpers/numeric";
import { backendSuite } from "../helpers/backend-suite";
import { WITHOUT_NATIVE } from "../helpers/paths";

describe("wasm backend selection", () => {
  it("where the native addon is not: the relaxed-SIMD build where the runtime runs it, and says so", () => {
    const relaxed = relaxedSimdSupported();
    expect(relaxed, "Node 20 with its V8 flag, or Node 22+").to.equal(true);
    expect(chooseWasm(() => relaxed, createWasmKernels).reason).to.match(
      /WebAssembly relaxed SIMD available \(fused multiply-add\)/,
    );
    expect(kernelsByName("wasm")).to.equal(kernelsByName("wasm-relaxed-simd"));
    expect(kernelsByName("wasm-simd").name).to.equal("wasm-simd");
  });

  it("without relaxed SIMD: the plain build, and the reason; without SIMD: TypeScript, and the reason", () => {
    const loads: string[] = [];
    const load = (build: WasmBuild) => {
      loads.push(build);
      return createWasmKernels(build);
    };
    const plain = chooseWasm(() => false, load);
    expect(plain.kernels.name).to.equal("wasm-simd");
    expect(plain.reason).to.match(/WebAssembly SIMD available \(relaxed SIMD is not: no fused multiply-add\)/);
    const unknown = chooseWasm(() => {
      throw new Error("ENOENT kernels-relaxed.wasm");
    }, load);
    expect(unknown.kernels.name).to.equal("wasm-simd");
    expect(loads).to.deep.equal(["simd", "simd"]);
    const none = chooseWasm(
      () => false,
      () => {
        throw new Error("no SIMD here");
      },
    );
    expect(none.kernels).to.equal(jsKernels);
    expect(none.reason).to.match(/WebAssembly SIMD unavailable \(no SIMD here\): using the TypeScript kernels/);
    expect(chooseBackend(() => jsKernels).reason).to.match(/^WebAssembly SIMD available: float32 runs in wasm/);
    expect(() => createWasmKernels("simd", new Uint8Array([0, 97, 115, 109, 9, 9, 9, 9]))).to.throw();
    expect(() => kernelsByName("gpu" as never)).to.throw(
      'backend: expected one of "js", "native", "native-base", "native-avx2", "native-avx512", "wasm", ' +
        '"wasm-simd", "wasm-relaxed-simd", got "gpu"',
    );
  });

  it("threads: 1, 2 or auto, from setThreads or GATESCOPE_THREADS; anything else is refused", () => {
    const k = createWasmKernels("simd");
    expect(k.threads).to.equal(1);
    expect(setThreads(2, k)).to.equal(2);
    expect(setThreads(1, k)).to.equal(1);
    expect(setThreads("auto", k)).to.equal(os.availableParallelism() >= 2 ? 2 : 1);
    expect(() => setThreads(3 as never, k)).to.throw(/threads: expected 1, 2 or "auto", got 3/);
    expect(setThreads(2, jsKernels), "the TypeScript kernels run on one").to.equal(1);
    const threadsWith = (value: string) => {
      const script = `const g = require(${JSON.stringify(path.join(REPO, "dist-test", "src"))});
        try { console.log(g.defaultKernels().threads); } catch (e) { console.log(e.message); }`;
      const r = spawnSync(process.execPath, ["-e", script], {
        encoding: "utf8",
        env: { ...process.env, GATESCOPE_BACKEND: "", GATESCOPE_THREADS: value },
      });
      return r.stdout.trim();
    };
    expect(threadsWith("1")).to.equal("1");
    expect(threadsWith("2")).to.equal("2");
    expect(threadsWith("auto")).to.equal(String(os.availableParallelism() >= 2 ? 2 : 1));
    expect(threadsWith("two")).to.equal('GATESCOPE_THREADS: expected 1, 2 or "auto", got "two"');
  });

  it("a second thread that cannot start is refused at once, with the reason (the caller stays on one)", () => {
    const memory = new (
      globalThis as unknown as { WebAssembly: { Memory: new (d: object) => object } }
    ).WebAssembly.Memory({ initial: 1, maximum: 2, shared: true });
    // The worker's own answer, not the start timeout ("no answer in 10 s"): the refusal came at once,
    // which the message proves without timing anything.
    expect(() => new Pool({}, memory, 0, {} as never)).to.throw(
      /wasm worker: expected it to start, got a failure to instantiate the kernels; using one thread/,
    );
  });

  it("a real runtime where the V8 flag cannot be set runs the plain build (Node 20) and says why", () => {
    const script = `
      require("v8").setFlagsFromString = () => {}; // a runtime that refuses V8 flags
      ${WITHOUT_NATIVE}
      const bytes = require("fs").readFileSync(${JSON.stringify(wasmPath("relaxed-simd"))});
      const native = WebAssembly.validate(bytes);
      const g = require(${JSON.stringify(path.join(REPO, "dist-test", "src"))});
      console.log(JSON.stringify({ native, info: g.backendInfo() }));`;
    const env = { ...process.env };
    delete env.GATESCOPE_BACKEND;
    const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", env });
    expect(r.status, r.stderr).to.equal(0);
    const { native, info } = JSON.parse(r.stdout);
    if (native) expect(info.name, "Node 22+: relaxed SIMD without any flag").to.equal("wasm-relaxed-simd");
    else {
      expect(info.name).to.equal("wasm-simd");
      expect(info.reason).to.match(/relaxed SIMD is not: no fused multiply-add/);
    }
  });

  it("the two builds are really different code: the relaxed one fuses multiply-adds where the CPU has FMA", () => {
    // Σ_k a_k·b_k with a_0·b_0 = −(1 + 2⁻¹¹) and a_1·b_1 = (1 + 2⁻¹²)² = 1 + 2⁻¹¹ + 2⁻²⁴, which
    // float32 rounds to 1 + 2⁻¹¹: fused (one rounding) the sum is 2⁻²⁴, unfused it is 0.
    const results = WASM_BUILDS.map((build) => {
      const k = kernelsByName(`wasm-${build}`);
      k.workspace.begin();
      const e = 1 + 2 ** -12;
      const A = k.workspace.stage(new Float32Array([-(1 + 2 ** -11), e]));
      const B = k.workspace.stage(new Float32Array([...Array(16).fill(1), ...Array(16).fill(e)]));
      const C = k.workspace.alloc("float32", 16);
      k.gemm(false, false, 1, 16, 2, A, 0, 2, B, 0, 16, 0, C, 0, 16);
      return Array.from(C);
    });
    const fma = /\bfma\b/.test(fs.readFileSync("/proc/cpuinfo", "utf8"));
    expect(results[0], "relaxed").to.deep.equal(Array(16).fill(fma ? 2 ** -24 : 0));
    expect(results[1], "plain").to.deep.equal(Array(16).fill(0));
  });
});

for (const build of WASM_BUILDS)
  describe(`wasm backend, ${build} build`, () => {
    const wasm = kernelsByName(`wasm-${build}`);
    backendSuite(`wasm-${build}`, () => wasm, () => createWasmKernels(build));

    it("exp on four lanes is accurate to a few float32 ulp", () => {
      const k = createWasmKernels(build);
      k.workspace.begin();
      const src = k.workspace.alloc("float32", 4) as Float32Array,
        dst = k.workspace.alloc("float32", 4) as Float32Array;
      let worst = 0;
      for (let x = -80; x <= 80; x += 0.0137) {
        src.set([x, -x / 3, x / 7, 1e-3 * x]);
        k.exports.exp_f32x4(src.byteOffset, dst.byteOffset);
        for (let l = 0; l < 4; l++) worst = Math.max(worst, Math.abs(dst[l] - Math.exp(src[l])) / Math.exp(src[l]));
      }
      expect(worst).to.be.below(5e-7);
    });

    it("a forward's caches stay in wasm memory for its backward, copied out only if another call comes first", () => {
      const k = createWasmKernels(build);
      const rng = new Rng(1);
      const net = new RecurrentNet({ kind: "lstm", inputSize: 2, hiddenSize: 8, numLayers: 2 }, rng, k);
      const x = randomTensor(rng, [2, 6, 2], 1, "float32");
      const dOutput = randomTensor(rng, [2, 6, 8], 1, "float32");
      const f1 = net.forward(x);
      const [l0, l1] = f1.trace.layers;
      const cached = [l0.gates, l0.cs, l0.hs, l1.x, l1.gates];
      expect(
        cached.every((a) => k.arena.has(a)),
        "forward leaves its caches in the arena",
      ).to.equal(true);
      const g1 = net.backward(f1, { dOutput }).grads;
      expect([l0.gates, l0.cs, l0.hs, l1.x, l1.gates], "read in place, not staged again").to.deep.equal(cached);
      expect(
        Object.values(g1).some((g) => k.arena.has(g.data)),
        "gradients are the caller's",
      ).to.equal(false);
      const values = cached.map((a) => Array.from(a));
      net.forward(x); // another call: f1's caches are copied out first
      const moved = [l0.gates, l0.cs, l0.hs, l1.x, l1.gates];
      expect(moved.some((a) => k.arena.has(a))).to.equal(false);
      expect(moved.map((a) => Array.from(a))).to.deep.equal(values);
      expect(net.backward(f1, { dOutput }).grads).to.deep.equal(g1);

      // A training step keeps no trace: the next call reuses the memory as it is.
      const rnn = { kind: "lstm", inputSize: 2, hiddenSize: 8, numLayers: 2 } as const;
      const model = new SequenceModel({ rnn, outputSize: 1, readout: "last" }, rng, k);
      const batch = { y: randomTensor(rng, [2, 1], 1, "float32"), classes: null, mask: null };
      const dropped: object[] = [];
      const drop = k.arena.drop.bind(k.arena);
      k.arena.drop = (owner) => dropped.push(owner) && drop(owner);
      const before = model.lossAndGrads(x, batch, "mse").grads;
      expect(dropped).to.have.length(2); // one cache per layer
      expect(model.lossAndGrads(x, batch, "mse").grads).to.deep.equal(before);
      model.predict(x);
      expect(dropped).to.have.length(6);
    });

    it("results do not alias the workspace: a later call leaves an earlier result intact", () => {
      const rng = new Rng(1);
      const net = new RecurrentNet({ kind: "lstm", inputSize: 2, hiddenSize: 8 }, rng, wasm);
      const x1 = randomTensor(rng, [2, 6, 2], 1, "float32"),
        x2 = randomTensor(rng, [2, 6, 2], 1, "float32");
      const f1 = net.forward(x1);
      const snapshot = Array.from(f1.trace.get("f").data);
      const g1 = Array.from(
        net.backward(f1, { dOutput: randomTensor(new Rng(3), [2, 6, 8], 1, "float32") }).grads.weight_hh_l0.data,
      );
      net.forward(x2);
      expect(Array.from(f1.trace.get("f").data)).to.deep.equal(snapshot);
      const again = net.backward(f1, { dOutput: randomTensor(new Rng(3), [2, 6, 8], 1, "float32") }).grads.weight_hh_l0
        .data;
      expect(Array.from(again)).to.deep.equal(g1);
    });

    it("releaseMemory gives back what a large forward grew; results and later calls are unchanged", () => {
      const k = createWasmKernels(build); // its own instance, so the other tests' memory is left alone
      const net = new RecurrentNet({ kind: "lstm", inputSize: 4, hiddenSize: 128 }, new Rng(1), k);
      const x = randomTensor(new Rng(2), [64, 200, 4], 1, "float32");
      const start = k.memoryBytes!();
      const f = net.forward(x);
      expect(k.memoryBytes!()).to.be.above(start + 32 * 2 ** 20);
      const out = Array.from(f.output.data);
      const dOutput = randomTensor(new Rng(3), [64, 200, 128], 1, "float32");
      const grads = Array.from(net.backward(f, { dOutput }).grads.weight_hh_l0.data);
      releaseMemory(k);
      expect(k.memoryBytes!()).to.equal(16 * 65536);
      expect(Array.from(f.output.data), "results held before the release").to.deep.equal(out);
      expect(Array.from(net.backward(f, { dOutput }).grads.weight_hh_l0.data)).to.deep.equal(grads);
      expect(Array.from(net.forward(x).output.data)).to.deep.equal(out);
    });
  });
