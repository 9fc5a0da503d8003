/**
 * The arithmetic battery: what a build computes, as bits — every product route, the bias and row-sum ops, and a
 * seeded training run of every built-in cell (every step op). Builds of one class must give equal batteries
 * (test/backend/arithmetic.test.ts), and a kernel source change may keep its older kernel build id only where
 * the battery's fingerprint under the new sources equals the one recorded under the old (scripts/lineage.js).
 */
import { createHash } from "crypto";
import type { Kernels } from "../../src/math/kernels";
import { Rng } from "../../src/math/rng";
import { SequenceModel } from "../../src/model/sequence-model";
import type { RecurrentConfig } from "../../src/model/config";
import { makeTask } from "../../src/tasks";
import { train } from "../../src/train/train";

/** Seeded float32 values in [−1, 1). */
function values(n: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => rng.range(-1, 1));
}

/**
 * Products of every route the native backend takes (scripts and route.h): short dot products turned into NN
 * products (K < 16), narrow outputs computed transposed (N < 16), batches against weights (M ≤ 64), the direct
 * route — each shape on both sides of the widths where an 8-lane and a 16-lane build used to part.
 */
export const SHAPES: Array<[boolean, boolean, number, number, number]> = [];
for (const [tA, tB] of [[false, false], [false, true], [true, false]] as const)
  for (const M of [1, 20, 64, 65, 200])
    for (const N of [5, 10, 16, 37, 160]) for (const K of [3, 10, 16, 40]) SHAPES.push([tA, tB, M, N, K]);

/** Every product's C and the gate ops' outputs of one build, as bits. */
export function opBits(k: Kernels): string[] {
  const out: string[] = [];
  SHAPES.forEach(([tA, tB, M, N, K], i) => {
    const A = values(M * K, i), B = values(K * N, 1000 + i), C = values(M * N, 2000 + i);
    k.gemm(tA, tB, M, N, K, A, 0, tA ? M : K, B, 0, tB ? K : N, 1, C, 0, N);
    out.push(Buffer.from(C.buffer).toString("base64"));
  });
  const C = values(7 * 37, 1), b = values(37, 2), sums = values(37, 3);
  k.addRowBias(7, 37, b, 0, C, 0, 37);
  k.sumRows(7, 37, C, 0, 37, sums, 0);
  out.push(Buffer.from(C.buffer).toString("base64"), Buffer.from(sums.buffer).toString("base64"));
  return out;
}

/**
 * A seeded run's losses and final weights, as bits: every built-in cell's step ops (both GRU variants, the
 * uRNN's factors) and two layers, on copy (one-hot D = 10, the inputs that hid the 8-versus-16 difference).
 */
export async function trainingBits(k: Kernels): Promise<string> {
  const cells: Array<Partial<RecurrentConfig>> = [
    { kind: "lstm", numLayers: 2, hiddenSize: 24 },
    { kind: "gru", gruVariant: "reset_before", hiddenSize: 20 },
    { kind: "gru", gruVariant: "reset_after", hiddenSize: 20 },
    { kind: "rnn_tanh", hiddenSize: 40 },
    { kind: "urnn", hiddenSize: 32 },
  ];
  const bits: string[] = [];
  for (const rnn of cells) {
    const task = makeTask({ name: "copy", T: 12 });
    const rng = new Rng(7);
    const config = { rnn: { dtype: "float32", ...rnn, inputSize: task.inputSize } as RecurrentConfig };
    const model = new SequenceModel({ ...config, outputSize: task.outputSize, readout: task.readout }, rng, k);
    const r = await train(model, task, {
      steps: 30,
      batchSize: 16,
      optimizer: { kind: "rmsprop", lr: 1e-3, alpha: 0.9 },
      clip: { kind: "value", max: 1 },
      evalEvery: 10,
      validationSize: 64,
      testSize: 64,
    }, rng);
    bits.push(JSON.stringify([r.history.steps.map((s) => s.loss), r.history.evals.map((e) => e.metric)]));
    for (const t of Object.values(model.params())) bits.push(Buffer.from(t.data.buffer).toString("base64"));
  }
  return bits.join("\n");
}

/** A build's battery: its ops' bits and its training run's. */
export interface Battery {
  ops: string[];
  training: string;
}

export async function battery(k: Kernels): Promise<Battery> {
  return { ops: opBits(k), training: await trainingBits(k) };
}

/** 16 hex digits of sha256 over a build's whole battery: what scripts/kernel-lineage.json records. */
export const fingerprint = (b: Battery): string =>
  createHash("sha256").update(b.ops.join("\n")).update(b.training).digest("hex").slice(0, 16);
