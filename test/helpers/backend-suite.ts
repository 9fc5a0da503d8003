/**
 * What every fast backend must show, run for each (wasm builds, native builds): its float32
 * products against the reference in every routing, float64 finite-difference checks through it,
 * float32 outputs, states and gradients within float32 error of the float64 reference for every
 * cell, variant, layer count and truncation, and two threads identical to one, bit for bit.
 */
import { expect } from "chai";
import { jsKernels } from "../../src/backend/js";
import type { Kernels } from "../../src/math/kernels";
import { RecurrentNet } from "../../src/model/recurrent";
import type { RecurrentConfig } from "../../src/model/config";
import { Rng } from "../../src/math/rng";
import { FACTORS_MIN_H } from "../../src/cells/urnn";
import { numericGrad, randomTensor, scaledError, dot } from "./numeric";

type Case = Pick<RecurrentConfig, "kind"> & Partial<RecurrentConfig>;
export const CASES: Case[] = [
  { kind: "rnn_tanh" },
  { kind: "rnn_relu" },
  { kind: "lstm" },
  { kind: "gru", gruVariant: "reset_after" },
  { kind: "gru", gruVariant: "reset_before" },
];
/** Cells with no step-op twin in a fast backend: their own ops run over its products. */
export const OTHER_CASES: Case[] = [
  { kind: "lstm", peepholes: true },
  { kind: "lstm", variant: "CIFG" },
  { kind: "lstm", variant: "FGR" },
  { kind: "mgu" },
  { kind: "indrnn" },
  { kind: "urnn" },
];
export const label = (c: Case) =>
  Object.entries(c)
    .map(([k, v]) => (k === "kind" ? String(v) : typeof v === "boolean" ? k : String(v)))
    .join(" ");

/** The shared tests, inside the caller's describe: `kernels()` the shared instance, `make()` a fresh one. */
export function backendSuite(name: string, kernels: () => Kernels, make: () => Kernels): void {
  const kern = kernels();
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
          kern.workspace.begin();
          const lda = tA ? M : K,
            ldb = tB ? K : N;
          const A = kern.workspace.stage(Float32Array.from({ length: (tA ? K : M) * lda }, () => rng.range(-1, 1)));
          const B = kern.workspace.stage(Float32Array.from({ length: (tB ? N : K) * ldb }, () => rng.range(-1, 1)));
          const C = kern.workspace.alloc("float32", M * N).map(() => rng.range(-1, 1));
          const Cw = kern.workspace.stage(C);
          const ref = Float64Array.from(C);
          jsKernels.gemm(tA, tB, M, N, K, Float64Array.from(A), 0, lda, Float64Array.from(B), 0, ldb, 1, ref, 0, N);
          kern.gemm(tA, tB, M, N, K, A, 0, lda, B, 0, ldb, 1, Cw, 0, N);
          expect(scaledError(Cw, ref), `M${M} N${N} K${K} tA${tA} tB${tB}`).to.be.below(1e-5);
          // beta = 0 overwrites: whatever C held (here NaN) is gone, not added to.
          const fresh = Float64Array.from(C).fill(0);
          jsKernels.gemm(tA, tB, M, N, K, Float64Array.from(A), 0, lda, Float64Array.from(B), 0, ldb, 0, fresh, 0, N);
          Cw.fill(NaN);
          kern.gemm(tA, tB, M, N, K, A, 0, lda, B, 0, ldb, 0, Cw, 0, N);
          expect(scaledError(Cw, fresh), `beta 0: M${M} N${N} K${K} tA${tA} tB${tB}`).to.be.below(1e-5);
        }
      }
    });

    for (const c of [...CASES, ...OTHER_CASES]) {
      const other = OTHER_CASES.includes(c);
      it(`${label(c)}: float64 finite-difference check passes through this backend`, () => {
        const rng = new Rng(5);
        const net = new RecurrentNet({ ...c, inputSize: 3, hiddenSize: 8, numLayers: 2, dtype: "float64" }, rng, kern);
        const x = randomTensor(rng, [2, 5, 3]);
        const wY = randomTensor(rng, [2, 5, 8]);
        const loss = () => dot(net.forward(x).output.data, wY.data);
        const bwd = net.backward(net.forward(x), { dOutput: wY });
        for (const [name, p] of Object.entries(net.params))
          expect(scaledError(bwd.grads[name].data, numericGrad(loss, p.data)), name).to.be.below(1e-6);
      });

      // N = 12, H = 3: N/H is a multiple of 4 too, so a step op given N/H elements instead of N·H would run
      // (and be caught) rather than fall back to the reference path. The uRNN's reference multiplies by
      // its factors from FACTORS_MIN_H on, by W below; a backend's twin of the factors runs at every H.
      for (const [H, N] of other
        ? c.kind === "urnn"
          ? [
              [8, 3],
              [FACTORS_MIN_H, 3],
            ]
          : [[8, 3]]
        : [
            [8, 3],
            [12, 3],
            [6, 3],
            [3, 12],
          ]) {
        it(
          `${label(c)}, N=${N}, H=${H}: float32 outputs, states and gradients match the float64 reference ` +
            `(1 and 2 layers, full and truncated)`,
          () => {
            for (const L of [1, 2])
              for (const truncate of other ? [0] : [0, 4]) {
                const rng = new Rng(10 * H + L);
                const exact = new RecurrentNet(
                  { ...c, inputSize: 3, hiddenSize: H, numLayers: L, dtype: "float64" },
                  rng,
                  jsKernels,
                );
                const fast = RecurrentNet.fromParams(
                  { ...c, inputSize: 3, hiddenSize: H, numLayers: L, dtype: "float32" },
                  exact.params,
                  kern,
                );
                const x = randomTensor(rng, [N, 9, 3]);
                const h0 = randomTensor(rng, [L, N, H], 0.5);
                const c0 = c.kind === "lstm" ? randomTensor(rng, [L, N, H], 0.5) : undefined;
                const dOutput = randomTensor(rng, [N, 9, H]);
                const dHn = randomTensor(rng, [L, N, H]);
                const dCn = c0 ? randomTensor(rng, [L, N, H]) : undefined;
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
                if (b64.dC0 && b32.dC0)
                  expect(scaledError(b32.dC0.data, b64.dC0.data), `${what} dC0`).to.be.below(1e-4);
              }
          },
        );
      }
    }

    it("two threads give results identical to one, bit for bit, for every cell, at even and odd sizes", () => {
      const one = make();
      const two = make();
      two.setThreads!(2);
      const run = (K: Kernels, c: (typeof CASES)[number], N: number, H: number) => {
        const rng = new Rng(H);
        const net = new RecurrentNet({ ...c, inputSize: 3, hiddenSize: H, numLayers: 2, dtype: "float32" }, rng, kern);
        const x = randomTensor(rng, [N, 9, 3], 1, "float32");
        const f = net.forward(x);
        const b = net.backward(f, { dOutput: randomTensor(rng, [N, 9, H], 1, "float32") });
        return {
          output: f.output,
          trace: f.trace.names.map((n) => f.trace.get(n, 0)),
          grads: b.grads,
          dX: b.dX,
          dh: b.dh,
        };
      };
      // N·H ≥ 2048 and products ≥ 2^18 multiply-adds: both the gate math and the products are split;
      // T·N > 256 crosses the K-blocking of the weight-gradient products, where a split off the
      // 16-column grid would change some columns' summation order.
      for (const c of [...CASES, ...OTHER_CASES])
        for (const [N, H] of [
          [32, 128],
          [33, 132],
        ])
          expect(run(two, c, N, H), `${label(c)} N=${N} H=${H}`).to.deep.equal(run(one, c, N, H));
      expect(two.threads).to.equal(2);
          });

}
