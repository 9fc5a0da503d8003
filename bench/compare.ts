/**
 * `npm run bench [-- --quick] [-- --out FILE]`: gatescope against its peers on the same
 * workload in one run — PyTorch (Debian python3-torch, 1 and 2 threads), tfjs-node's cpu and
 * wasm backends. One training step = forward + BPTT + every gradient of an RNN/LSTM/GRU
 * (batch-first, N=32, T=100, D=2) with a Linear(H, 1) readout on the last step and MSE.
 * Prints a table and writes a JSON file of ms per step and ratios. Every gatescope
 * configuration also checks its float32 gradients against the float64 reference path.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { performance } from "perf_hooks";
import { kernelsByName, backendInfo } from "../src/backend";
import { Rng } from "../src/math/rng";
import { RecurrentNet } from "../src/model/recurrent";
import { Linear, lastStep } from "../src/model/readout";
import { mse } from "../src/model/losses";
import type { Kind } from "../src/model/config";
import { alloc, type DType, type Tensor } from "../src/math/tensor";
import { scaleNormalisedError } from "../src/io/reference";
import { writeFileAtomic } from "../src/io/atomic";

interface Workload { kind: Kind; N: number; T: number; D: number; H: number; warmup: number; repeats: number }
type Timing = { step_ms: number; forward_ms: number } | null;

const quick = process.argv.includes("--quick");
const outIdx = process.argv.indexOf("--out");
const outFile = outIdx > 0 ? process.argv[outIdx + 1] : path.join("bench", "out", quick ? "compare-quick.json" : "compare.json");
const kinds: Kind[] = quick ? ["lstm", "gru"] : ["lstm", "gru", "rnn_tanh"];
const sizes = quick ? [32, 128] : [32, 128, 512];
const workloads: Workload[] = [];
for (const kind of kinds) for (const H of sizes) {
  workloads.push({ kind, N: 32, T: 100, D: 2, H, warmup: quick ? 1 : 3, repeats: quick ? 3 : H >= 512 ? 5 : 10 });
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(fn: () => void, w: Workload): number {
  for (let i = 0; i < w.warmup; i++) fn();
  const ts: number[] = [];
  for (let i = 0; i < w.repeats; i++) {
    const t0 = performance.now();
    fn();
    ts.push(performance.now() - t0);
  }
  return median(ts);
}

function data(w: Workload, dtype: DType): { x: Tensor; y: Tensor } {
  const rng = new Rng(1);
  return {
    x: { shape: [w.N, w.T, w.D], data: alloc(dtype, w.N * w.T * w.D).map(() => rng.uniform()) },
    y: { shape: [w.N, 1], data: alloc(dtype, w.N).map(() => rng.uniform()) },
  };
}

/** Builds the gatescope model and returns its training step (which returns the gradients). */
function gatescopeStep(w: Workload, dtype: DType, backend: "js" | "wasm", params?: Record<string, Tensor>) {
  const K = kernelsByName(backend);
  const rng = new Rng(0);
  const net = params
    ? RecurrentNet.fromParams({ kind: w.kind, inputSize: w.D, hiddenSize: w.H, dtype }, params, K)
    : new RecurrentNet({ kind: w.kind, inputSize: w.D, hiddenSize: w.H, dtype }, rng, K);
  const head = new Linear({ inputSize: w.H, outputSize: 1, dtype }, new Rng(2), K);
  const { x, y } = data(w, dtype);
  return {
    net,
    step: () => {
      const fwd = net.forward(x);
      const last = lastStep(fwd.output);
      const loss = mse(head.forward(last), y);
      return net.backward(fwd, { dOutput: head.backward(last, loss.grad).dInput }).grads;
    },
    forward: () => void net.forward(x),
  };
}

function checkGradients(w: Workload): number {
  const fast = gatescopeStep(w, "float32", "wasm");
  const exact = gatescopeStep(w, "float64", "js", fast.net.params);
  const g32 = fast.step(), g64 = exact.step();
  return Math.max(...Object.keys(g64).map((k) => scaleNormalisedError(g32[k].data, g64[k].data)));
}

async function tfjsTimings(backend: "cpu" | "wasm"): Promise<Timing[]> {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const tf = require("@tensorflow/tfjs");
  if (backend === "wasm") require("@tensorflow/tfjs-backend-wasm");
  await tf.setBackend(backend);
  await tf.ready();
  const out: Timing[] = [];
  for (const w of workloads) {
    if (backend === "cpu" && w.H > 128) { out.push(null); continue; } // minutes per step: not run
    const layer = ({ lstm: tf.layers.lstm, gru: tf.layers.gru, rnn_tanh: tf.layers.simpleRNN } as Record<string, (c: object) => unknown>)[w.kind];
    const model = tf.sequential({ layers: [layer({ units: w.H, inputShape: [w.T, w.D] }), tf.layers.dense({ units: 1 })] });
    const { x, y } = data(w, "float32");
    const xt = tf.tensor3d(x.data, [w.N, w.T, w.D]);
    const yt = tf.tensor2d(y.data, [w.N, 1]);
    const step = () => tf.tidy(() => {
      const { grads } = tf.variableGrads(() => tf.losses.meanSquaredError(yt, model.apply(xt)));
      for (const g of Object.values(grads) as Array<{ dataSync(): unknown }>) g.dataSync();
    });
    const forward = () => tf.tidy(() => (model.apply(xt) as { dataSync(): unknown }).dataSync());
    const tw = { ...w, warmup: 1, repeats: quick ? 2 : 3 };
    out.push({ step_ms: time(step, tw), forward_ms: time(forward, tw) });
    model.dispose();
    xt.dispose();
    yt.dispose();
  }
  return out;
}

function torchTimings(threads: number): { timings: Timing[]; note: string } {
  const python = "/usr/bin/python3";
  const probe = spawnSync(python, ["-c", "import torch"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) {
    return { timings: workloads.map(() => null), note: "PyTorch absent (apt-get install python3-torch libopenblas0-pthread): column skipped" };
  }
  const r = spawnSync(python, [path.join(__dirname, "../../bench/torch_step.py")], {
    input: JSON.stringify({ threads, workloads }),
    encoding: "utf8",
    env: { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: "1" },
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) return { timings: workloads.map(() => null), note: `PyTorch failed: ${r.stderr.slice(-300)}` };
  const parsed = JSON.parse(r.stdout);
  return { timings: parsed.results, note: `PyTorch ${parsed.torch_version} with OpenBLAS on ${parsed.threads} thread(s), torch intra-op 1` };
}

async function main(): Promise<void> {
  const t0 = performance.now();
  console.log(`gatescope backend: ${backendInfo().name} (${backendInfo().reason})`);
  const ours: Array<{ step_ms: number; forward_ms: number; grad_error: number }> = [];
  for (const w of workloads) {
    const g = gatescopeStep(w, "float32", "wasm");
    ours.push({ step_ms: time(g.step, w), forward_ms: time(g.forward, w), grad_error: checkGradients(w) });
  }
  const rssAfterOurs = process.resourceUsage().maxRSS / 1024;
  const torch1 = torchTimings(1);
  const torch2 = torchTimings(2);
  const tfWasm = await tfjsTimings("wasm");
  const tfCpu = await tfjsTimings("cpu");

  const ratio = (a: number | undefined, b: number | undefined) => (a && b ? a / b : null);
  const rows = workloads.map((w, i) => ({
    workload: w,
    gatescope: ours[i],
    torch_1t: torch1.timings[i],
    torch_2t: torch2.timings[i],
    tfjs_wasm: tfWasm[i],
    tfjs_cpu: tfCpu[i],
    ratios: {
      step_vs_torch_1t: ratio(ours[i].step_ms, torch1.timings[i]?.step_ms),
      step_vs_torch_2t: ratio(ours[i].step_ms, torch2.timings[i]?.step_ms),
      forward_vs_torch_1t: ratio(ours[i].forward_ms, torch1.timings[i]?.forward_ms),
      tfjs_wasm_speedup: ratio(tfWasm[i]?.step_ms, ours[i].step_ms),
      tfjs_cpu_speedup: ratio(tfCpu[i]?.step_ms, ours[i].step_ms),
    },
  }));

  const f = (v: number | null | undefined, d = 1) => (v === null || v === undefined ? "—" : v.toFixed(d));
  console.log(`\nms per training step (forward + BPTT + all gradients), N=32 T=100 D=2, float32; ratio = gatescope ÷ peer`);
  console.log(["cell", "H", "gatescope", "grad err", "fwd", "torch 1t", "ratio", "torch fwd", "fwd ratio", "torch 2t", "ratio", "tfjs-wasm", "× faster", "tfjs-cpu", "× faster"].join(" | "));
  for (const r of rows) {
    console.log([
      r.workload.kind, r.workload.H, f(r.gatescope.step_ms), r.gatescope.grad_error.toExponential(1), f(r.gatescope.forward_ms),
      f(r.torch_1t?.step_ms), f(r.ratios.step_vs_torch_1t, 2), f(r.torch_1t?.forward_ms), f(r.ratios.forward_vs_torch_1t, 2),
      f(r.torch_2t?.step_ms), f(r.ratios.step_vs_torch_2t, 2),
      f(r.tfjs_wasm?.step_ms), f(r.ratios.tfjs_wasm_speedup), f(r.tfjs_cpu?.step_ms), f(r.ratios.tfjs_cpu_speedup),
    ].join(" | "));
  }
  console.log(`\n${torch1.note}; ${torch2.note}. tfjs-cpu is not run at H > 128.`);
  console.log(`peak RSS after the gatescope runs: ${rssAfterOurs.toFixed(0)} MiB; whole benchmark: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
  const worst = Math.max(...ours.map((o) => o.grad_error));
  console.log(`gradient check (float32 wasm vs float64 reference, scale-normalised): worst ${worst.toExponential(2)}`);
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  writeFileAtomic(outFile, JSON.stringify({
    quick, node: process.version, backend: backendInfo(), torch: [torch1.note, torch2.note],
    peak_rss_mib: { gatescope: rssAfterOurs, total: process.resourceUsage().maxRSS / 1024 }, rows,
    wall_s: (performance.now() - t0) / 1000,
  }, null, 2));
  console.log(`wrote ${outFile} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  if (worst > 1e-3) {
    console.error(`gradient check failed: float32 gradients differ from the float64 reference by ${worst}`);
    process.exitCode = 1;
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
