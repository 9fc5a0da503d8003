/**
 * The WebAssembly SIMD backend must give the reference path's answers: the same finite-
 * difference gradient checks in float64 (where it routes to the exact kernels), float32
 * gradients within float32 error of the float64 reference for every cell, variant, layer
 * count and truncation, its kernels against the reference kernels, and a visible choice.
 */
import { expect } from "chai";
import { chooseBackend, defaultKernels, kernelsByName, backendInfo, releaseMemory } from "../../src/backend";
import { jsKernels } from "../../src/backend/js";
import { createWasmKernels } from "../../src/backend/wasm";
import { RecurrentNet } from "../../src/model/recurrent";
import type { RecurrentConfig } from "../../src/model/config";
import { Rng } from "../../src/math/rng";
import { numericGrad, randomTensor, scaledError, dot } from "../helpers/numeric";

const wasm = kernelsByName("wasm");

const CASES: Array<Pick<RecurrentConfig, "kind" | "gruVariant">> = [
  { kind: "rnn_tanh" },
  { kind: "rnn_relu" },
  { kind: "lstm" },
  { kind: "gru", gruVariant: "reset_after" },
  { kind: "gru", gruVariant: "reset_before" },
];
const label = (c: Pick<RecurrentConfig, "kind" | "gruVariant">) => `${c.kind}${c.gruVariant ? ` ${c.gruVariant}` : ""}`;

describe("wasm backend", () => {
  it("is selected by default here, and says so", () => {
    expect(defaultKernels().name).to.equal("wasm-simd");
    expect(backendInfo().reason).to.match(/WebAssembly SIMD available/);
  });

  it("falls back to the TypeScript kernels, with the reason, when wasm cannot load", () => {
    const c = chooseBackend(() => {
      throw new Error("no SIMD here");
    });
    expect(c.kernels).to.equal(jsKernels);
    expect(c.reason).to.match(/unavailable \(no SIMD here\)/);
    expect(() => createWasmKernels(new Uint8Array([0, 97, 115, 109, 9, 9, 9, 9]))).to.throw();
    expect(() => kernelsByName("gpu" as never)).to.throw(/backend: expected "js" or "wasm", got "gpu"/);
  });

  it("float32 gemm in every routing (nn, nt, tn, narrow nn) matches the reference", () => {
    const rng = new Rng(2);
    // K above 256 crosses the kernels' K-blocking: a block offset forgotten there shows only at such sizes.
    for (const [M, N, K] of [
      [32, 512, 128],
      [7, 9, 5],
      [33, 2, 70],
      [512, 3, 101],
      [5, 17, 1],
      [9, 20, 600],
      [16, 64, 257],
      [3, 5, 1030],
    ]) {
      for (const [tA, tB] of [
        [false, false],
        [false, true],
        [true, false],
      ] as const) {
        wasm.workspace.begin();
        const lda = tA ? M : K,
          ldb = tB ? K : N;
        const A = wasm.workspace.stage(Float32Array.from({ length: (tA ? K : M) * lda }, () => rng.range(-1, 1)));
        const B = wasm.workspace.stage(Float32Array.from({ length: (tB ? N : K) * ldb }, () => rng.range(-1, 1)));
        const C = wasm.workspace.alloc("float32", M * N).map(() => rng.range(-1, 1));
        const Cw = wasm.workspace.stage(C);
        const ref = Float64Array.from(C);
        jsKernels.gemm(tA, tB, M, N, K, Float64Array.from(A), 0, lda, Float64Array.from(B), 0, ldb, 1, ref, 0, N);
        wasm.gemm(tA, tB, M, N, K, A, 0, lda, B, 0, ldb, 1, Cw, 0, N);
        expect(scaledError(Cw, ref), `M${M} N${N} K${K} tA${tA} tB${tB}`).to.be.below(1e-5);
      }
    }
  });

  it("exp on four lanes is accurate to a few float32 ulp", () => {
    const k = createWasmKernels();
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

  for (const c of CASES) {
    it(`${label(c)}: float64 finite-difference check passes through the wasm backend`, () => {
      const rng = new Rng(5);
      const net = new RecurrentNet({ ...c, inputSize: 3, hiddenSize: 8, numLayers: 2, dtype: "float64" }, rng, wasm);
      const x = randomTensor(rng, [2, 5, 3]);
      const wY = randomTensor(rng, [2, 5, 8]);
      const loss = () => dot(net.forward(x).output.data, wY.data);
      const bwd = net.backward(net.forward(x), { dOutput: wY });
      for (const [name, p] of Object.entries(net.params))
        expect(scaledError(bwd.grads[name].data, numericGrad(loss, p.data)), name).to.be.below(1e-6);
    });

    for (const H of [8, 12, 6]) {
      it(
        `${label(c)}, H=${H}: float32 wasm outputs, states and gradients match the float64 reference (1 and 2 ` +
          `layers, full and truncated)`,
        () => {
          for (const L of [1, 2])
            for (const truncate of [0, 4]) {
              const rng = new Rng(10 * H + L);
              const exact = new RecurrentNet(
                { ...c, inputSize: 3, hiddenSize: H, numLayers: L, dtype: "float64" },
                rng,
                jsKernels,
              );
              const fast = RecurrentNet.fromParams(
                { ...c, inputSize: 3, hiddenSize: H, numLayers: L, dtype: "float32" },
                exact.params,
                wasm,
              );
              const x = randomTensor(rng, [3, 9, 3]);
              const h0 = randomTensor(rng, [L, 3, H], 0.5);
              const c0 = c.kind === "lstm" ? randomTensor(rng, [L, 3, H], 0.5) : undefined;
              const dOutput = randomTensor(rng, [3, 9, H]);
              const dHn = randomTensor(rng, [L, 3, H]);
              const dCn = c0 ? randomTensor(rng, [L, 3, H]) : undefined;
              const f64 = exact.forward(x, { h0, c0 }),
                f32 = fast.forward(x, { h0, c0 });
              const b64 = exact.backward(f64, { dOutput, dHn, dCn }, { truncate }),
                b32 = fast.backward(f32, { dOutput, dHn, dCn }, { truncate });
              const what = `L=${L} truncate=${truncate}`;
              expect(scaledError(f32.output.data, f64.output.data), `${what} output`).to.be.below(1e-5);
              for (const name of f64.trace.names)
                expect(
                  scaledError(f32.trace.get(name, 0).data, f64.trace.get(name, 0).data),
                  `${what} trace ${name}`,
                ).to.be.below(1e-5);
              for (const name of Object.keys(b64.grads))
                expect(scaledError(b32.grads[name].data, b64.grads[name].data), `${what} ${name}`).to.be.below(1e-4);
              expect(scaledError(b32.dX.data, b64.dX.data), `${what} dX`).to.be.below(1e-4);
              expect(scaledError(b32.dH0.data, b64.dH0.data), `${what} dH0`).to.be.below(1e-4);
              expect(scaledError(b32.dh.data, b64.dh.data), `${what} dh`).to.be.below(1e-4);
              if (b64.dC0 && b32.dC0) expect(scaledError(b32.dC0.data, b64.dC0.data), `${what} dC0`).to.be.below(1e-4);
            }
        },
      );
    }
  }

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
    const k = createWasmKernels(); // its own instance, so the other tests' memory is left alone
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
