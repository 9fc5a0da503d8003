/**
 * Provenance by arithmetic: every build states its rounding rules and sources, builds of one class (equal
 * kernel build id) give equal bits on every op and on a seeded training run, builds of another class do not,
 * and the committed headline runs — made on an AVX-512 CPU — regenerate in every build of their class this
 * CPU runs, so a machine with AVX2 only still checks the equality against bits it could not have made.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { backendArithmetic, kernelsByName } from "../../src/backend";
import { kernelBuildId } from "../../src/backend/arithmetic";
import { loadNative } from "../../src/backend/native";
import { wasmArithmetic } from "../../src/backend/wasm";
import type { Kernels } from "../../src/math/kernels";
import { Rng } from "../../src/math/rng";
import { SequenceModel } from "../../src/model/sequence-model";
import type { RecurrentConfig } from "../../src/model/config";
import { makeTask } from "../../src/tasks";
import { train } from "../../src/train/train";
import { REPO } from "../helpers/paths";

const addon = loadNative();
const builds = addon.info().builds;
const RUNNABLE = addon.info().available.map((isa) => `native-${isa}` as const);
const HEADLINE = path.join(REPO, "results/headline");

/** Every runnable build here whose class has another runnable member, by kernel build id. */
function classesHere(): string[][] {
  const byId = new Map<string, string[]>();
  for (const name of RUNNABLE) {
    const id = backendArithmetic(kernelsByName(name)).id;
    byId.set(id, [...(byId.get(id) ?? []), name]);
  }
  return [...byId.values()];
}

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
const SHAPES: Array<[boolean, boolean, number, number, number]> = [];
for (const [tA, tB] of [[false, false], [false, true], [true, false]] as const)
  for (const M of [1, 20, 64, 65, 200])
    for (const N of [5, 10, 16, 37, 160]) for (const K of [3, 10, 16, 40]) SHAPES.push([tA, tB, M, N, K]);

/** Every product's C and the gate ops' outputs of one build, as bits. */
function opBits(k: Kernels): string[] {
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
async function trainingBits(k: Kernels): Promise<string> {
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

describe("arithmetic classes", function () {
  this.timeout(10 * 60 * 1000);

  it("every build states its rules; AVX2 and AVX-512 share one kernel build id, base and wasm have their own", () => {
    const id = (isa: "base" | "avx2" | "avx512") => kernelBuildId(builds[isa]);
    expect(id("avx2")).to.equal(id("avx512"));
    expect(id("base")).to.not.equal(id("avx2"));
    expect(builds.avx2.rules).to.match(/^a·b \+ c fused, dot products on 8 lanes/);
    expect(builds.base.rules).to.match(/^a·b \+ c rounded twice, dot products on 4 lanes/);
    const a = backendArithmetic(kernelsByName("native-avx2"));
    expect(a.backends).to.include.members(["native-avx2", "native-avx512"]);
    expect(a.backends).to.not.include("native-base");
    expect(backendArithmetic(kernelsByName("wasm-simd")).id).to.equal(kernelBuildId(wasmArithmetic("simd")!));
    expect(backendArithmetic(kernelsByName("js")).backends).to.deep.equal(["js"]);
  });

  it("V8 fuses relaxed multiply-add on this CPU (it has FMA), and the relaxed build says so", () => {
    expect(wasmArithmetic("relaxed-simd")?.rules).to.equal("WebAssembly relaxed SIMD: a·b + c fused (this engine's)");
  });

  it("every op, over every product route, gives equal bits in every build of a class this CPU runs", () => {
    const classes = classesHere().filter((c) => c.length > 1);
    if (RUNNABLE.includes("native-avx512")) expect(classes).to.deep.include(["native-avx512", "native-avx2"]);
    for (const names of classes) {
      const [first, ...rest] = names.map((n) => opBits(kernelsByName(n as "native")));
      for (const [i, other] of rest.entries()) expect(other, `${names[i + 1]} vs ${names[0]}`).to.deep.equal(first);
    }
  });

  it("the comparison can fail: a build of another class (base, rounded twice) differs on these ops", () => {
    const base = opBits(kernelsByName("native-base"));
    const avx2 = opBits(kernelsByName("native-avx2"));
    expect(base.filter((b, i) => b !== avx2[i]).length).to.be.above(SHAPES.length / 2);
  });

  it("a seeded training run of every cell: equal bits in every build of a class here, not in another", async () => {
    const bits = new Map<string, string>();
    for (const name of RUNNABLE) bits.set(name, await trainingBits(kernelsByName(name)));
    for (const [first, ...rest] of classesHere())
      for (const name of rest) expect(bits.get(name) === bits.get(first), `${name} vs ${first}`).to.be.true;
    expect(bits.get("native-base") === bits.get("native-avx2"), "base rounds twice").to.be.false;
  });

  it("committed headline runs (made on an AVX-512 CPU) regenerate in every build of their class here", () => {
    // Runs of the copy rows (one-hot inputs of D = 10 take every product route) and of adding at both lengths,
    // for their first 250 steps: the validation metric there depends on every one of them. The uRNN's copy row
    // has its factors. Each build in a fresh process, as run-one would be.
    const ids = ["copy-T100-lstm-chosen-s2", "copy-T100-gru-chosen-s2", "copy-T100-urnn-lr0.001-s0",
      "adding-T100-lstm-chosen-s2", "adding-T200-rnn_tanh-chosen-s2"];
    const committed = ids.map((id) => JSON.parse(fs.readFileSync(path.join(HEADLINE, "runs", `${id}.json`), "utf8")));
    const own = backendArithmetic(kernelsByName("native"));
    const names = RUNNABLE.filter((n) => backendArithmetic(kernelsByName(n)).id === own.id);
    for (const run of committed) expect(run.made.arithmetic, run.spec.id).to.equal(own.id);
    const script = `
      const { runOne } = require(${JSON.stringify(path.join(REPO, "dist/src/experiment/run.js"))});
      const specs = JSON.parse(process.argv[1]);
      (async () => {
        for (const s of specs) {
          const r = await runOne({ ...s, train: { ...s.train, steps: 250, gradFlowAt: [] } });
          console.log(JSON.stringify(r.evals));
        }
      })();`;
    for (const name of names) {
      const r = spawnSync(process.execPath, ["-e", script, JSON.stringify(committed.map((c) => c.spec))], {
        encoding: "utf8",
        env: { ...process.env, GATESCOPE_BACKEND: name, GATESCOPE_THREADS: "1" },
      });
      expect(r.status, r.stderr).to.equal(0);
      const got = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
      committed.forEach((c, i) => {
        const want = c.result.evals.filter((e: { step: number }) => e.step <= 250);
        expect(got[i], `${c.spec.id} on ${name}`).to.deep.equal(want);
      });
    }
  });
});
