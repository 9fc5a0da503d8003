/**
 * `npm run bench [-- --quick] [-- --out FILE]`: gatescope against its peers on the same
 * workload in one run — PyTorch (Debian python3-torch, 1 and 2 threads), tfjs-node's cpu and
 * wasm backends. One training step = forward + BPTT + every gradient of an RNN/LSTM/GRU
 * (batch-first, N=32, T=100, D=2) with a Linear(H, 1) readout on the last step and MSE.
 * gatescope and PyTorch each run on 1 and 2 threads, their repeats interleaved; tfjs runs after.
 * Prints a table and writes a JSON file of ms per step (median and every repeat) and ratios. Every gatescope
 * configuration also checks its float32 gradients against the float64 reference path.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { performance } from "perf_hooks";
import { createInterface } from "readline";
import { backendInfo, defaultKernels, kernelsByName } from "../src/backend";
import { createWasmKernels, type WasmBuild } from "../src/backend/wasm";
import type { Kernels } from "../src/math/kernels";
import { Rng } from "../src/math/rng";
import { RecurrentNet } from "../src/model/recurrent";
import { Linear, lastStep } from "../src/model/readout";
import { mse } from "../src/model/losses";
import { SequenceModel } from "../src/model/sequence-model";
import type { Kind } from "../src/model/config";
import { alloc, type DType, type Tensor } from "../src/math/tensor";
import { scaleNormalisedError } from "../src/io/reference";
import { writeFileAtomic } from "../src/io/atomic";

interface Workload {
  kind: Kind;
  N: number;
  T: number;
  D: number;
  H: number;
  warmup: number;
  repeats: number;
}
/** Median ms and the spread of the repeats it summarises. */
interface Stat {
  ms: number;
  min: number;
  max: number;
  samples: number[];
}
type Timing = { step_ms: number; forward_ms: number } | null;
type Measured = { step_ms: number; forward_ms: number; step: Stat; forward: Stat };

const quick = process.argv.includes("--quick");
const outIdx = process.argv.indexOf("--out");
const outFile =
  outIdx > 0 ? process.argv[outIdx + 1] : path.join("bench", "out", quick ? "compare-quick.json" : "compare.json");
const kinds: Kind[] = quick ? ["lstm", "gru"] : ["lstm", "gru", "rnn_tanh"];
const sizes = quick ? [32, 128] : [32, 128, 512];
const workloads: Workload[] = [];
for (const kind of kinds)
  for (const H of sizes) {
    // Warm-up covers V8's tier-up of the wasm code on both threads (the first ~5 steps run slower).
    workloads.push({ kind, N: 32, T: 100, D: 2, H, warmup: quick ? 6 : 8, repeats: quick ? 5 : H >= 512 ? 7 : 15 });
  }

const IDLE_MS = 120;

function stat(samples: number[]): Stat {
  const s = samples.slice().sort((a, b) => a - b);
  return { ms: s[Math.floor(s.length / 2)], min: s[0], max: s[s.length - 1], samples };
}

function time(fn: () => void, w: Workload): number {
  for (let i = 0; i < w.warmup; i++) fn();
  const ts: number[] = [];
  for (let i = 0; i < w.repeats; i++) {
    const t0 = performance.now();
    fn();
    ts.push(performance.now() - t0);
  }
  return stat(ts).ms;
}

function once(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

function data(w: Workload, dtype: DType): { x: Tensor; y: Tensor } {
  const rng = new Rng(1);
  return {
    x: { shape: [w.N, w.T, w.D], data: alloc(dtype, w.N * w.T * w.D).map(() => rng.uniform()) },
    y: { shape: [w.N, 1], data: alloc(dtype, w.N).map(() => rng.uniform()) },
  };
}

/** gatescope's training step as `train` takes it (SequenceModel.lossAndGrads), and its forward pass. */
function gatescopeStep(w: Workload, K: Kernels) {
  const model = new SequenceModel(
    { rnn: { kind: w.kind, inputSize: w.D, hiddenSize: w.H }, outputSize: 1, readout: "last" },
    new Rng(0),
    K,
  );
  const { x, y } = data(w, "float32");
  const targets = { y, classes: null, mask: null };
  return { step: () => void model.lossAndGrads(x, targets, "mse"), forward: () => void model.predict(x) };
}

/** The float32 wasm gradients against the float64 reference on the same weights (scale-normalised). */
function checkGradients(w: Workload): number {
  const grads = (dtype: DType, K: Kernels, params?: Record<string, Tensor>) => {
    const config = { kind: w.kind, inputSize: w.D, hiddenSize: w.H, dtype };
    const net = params ? RecurrentNet.fromParams(config, params, K) : new RecurrentNet(config, new Rng(0), K);
    const head = new Linear({ inputSize: w.H, outputSize: 1, dtype }, new Rng(2), K);
    const { x, y } = data(w, dtype);
    const fwd = net.forward(x);
    const last = lastStep(fwd.output);
    const loss = mse(head.forward(last), y);
    return { net, g: net.backward(fwd, { dOutput: head.backward(last, loss.grad).dInput }).grads };
  };
  const fast = grads("float32", kernelsByName("wasm"));
  const exact = grads("float64", kernelsByName("js"), fast.net.params);
  return Math.max(...Object.keys(exact.g).map((k) => scaleNormalisedError(fast.g[k].data, exact.g[k].data)));
}

/** A long-lived PyTorch process (bench/torch_step.py) timing one step per request. */
class TorchPeer {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly lines: AsyncIterator<string>;
  version = "";

  constructor(readonly threads: number) {
    this.proc = spawn("/usr/bin/python3", [path.join(__dirname, "../../bench/torch_step.py")], {
      env: { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: "1" },
    });
    this.lines = createInterface({ input: this.proc.stdout })[Symbol.asyncIterator]();
  }

  static available(): string | null {
    const probe = spawnSync("/usr/bin/python3", ["-c", "import torch"], { encoding: "utf8" });
    return probe.error || probe.status !== 0
      ? "PyTorch absent (apt-get install python3-torch libopenblas0-pthread): column skipped"
      : null;
  }

  private async ask(request: object): Promise<{ ms?: number; torch_version?: string }> {
    this.proc.stdin.write(JSON.stringify(request) + "\n");
    const { value, done } = await this.lines.next();
    if (done) throw new Error(`PyTorch peer (${this.threads} thread(s)) exited`);
    return JSON.parse(value);
  }

  async setup(w: Workload): Promise<void> {
    this.version = (await this.ask({ workload: w })).torch_version ?? "";
  }

  async time(what: "step" | "forward"): Promise<number> {
    return (await this.ask({ time: what })).ms!;
  }

  close(): void {
    this.proc.stdin.end();
  }

  get note(): string {
    return `PyTorch ${this.version} with OpenBLAS on ${this.threads} thread(s), torch intra-op 1`;
  }
}

/**
 * gatescope on 1 and 2 threads and PyTorch on 1 and 2, one repeat of each in turn, so that a
 * change in the machine's speed during the run touches all four alike.
 */
async function interleaved(w: Workload, build: WasmBuild, torch: TorchPeer[] | null) {
  const one = createWasmKernels(build);
  const two = createWasmKernels(build);
  two.setThreads!(2);
  const ours = [gatescopeStep(w, one), gatescopeStep(w, two)];
  if (torch) for (const t of torch) await t.setup(w);
  const samples = { step: [[], [], [], []] as number[][], forward: [[], [], [], []] as number[][] };
  for (let r = 0; r < w.warmup + w.repeats; r++) {
    const timed = r >= w.warmup;
    // Each timed repeat starts with the other peers' threads at rest: OpenBLAS's spin for ~0.1 s
    // after a call, and on two cores that spinning would land on whichever peer runs next. The
    // pause is busy, as between a training loop's steps: a process that sleeps between steps
    // wakes with its threads wherever the scheduler left them (see backend/pool.ts).
    const idle = () => {
      for (const end = performance.now() + (timed ? IDLE_MS : 0); performance.now() < end; );
    };
    for (const what of ["step", "forward"] as const) {
      const round: number[] = [];
      idle();
      round.push(once(ours[0][what]));
      idle();
      round.push(torch ? await torch[0].time(what) : NaN);
      idle();
      round.push(once(ours[1][what]));
      idle();
      round.push(torch ? await torch[1].time(what) : NaN);
      if (timed) round.forEach((ms, i) => samples[what][i].push(ms));
    }
  }
  two.release!(); // stops its worker thread
  const measured = (i: number): Measured => {
    const step = stat(samples.step[i]),
      forward = stat(samples.forward[i]);
    return { step_ms: step.ms, forward_ms: forward.ms, step, forward };
  };
  return {
    ours1: measured(0),
    torch1: torch ? measured(1) : null,
    ours2: measured(2),
    torch2: torch ? measured(3) : null,
  };
}

/** tfjs's banners and initialiser warnings, kept out of the table (counted, not shown). */
async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const { log, warn } = console;
  let muted = 0;
  console.log = console.warn = () => void muted++;
  try {
    return await fn();
  } finally {
    Object.assign(console, { log, warn });
    if (muted) console.log(`(${muted} tfjs message(s) not shown)`);
  }
}

async function tfjsTimings(backend: "cpu" | "wasm"): Promise<Timing[]> {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const tf = require("@tensorflow/tfjs");
  if (backend === "wasm") require("@tensorflow/tfjs-backend-wasm");
  await tf.setBackend(backend);
  await tf.ready();
  const out: Timing[] = [];
  for (const w of workloads) {
    if (backend === "cpu" && w.H > 128) {
      out.push(null);
      continue;
    } // minutes per step: not run
    const layer = (
      { lstm: tf.layers.lstm, gru: tf.layers.gru, rnn_tanh: tf.layers.simpleRNN } as Record<
        string,
        (c: object) => unknown
      >
    )[w.kind];
    const model = tf.sequential({
      layers: [layer({ units: w.H, inputShape: [w.T, w.D] }), tf.layers.dense({ units: 1 })],
    });
    const { x, y } = data(w, "float32");
    const xt = tf.tensor3d(x.data, [w.N, w.T, w.D]);
    const yt = tf.tensor2d(y.data, [w.N, 1]);
    const step = () =>
      tf.tidy(() => {
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

async function main(): Promise<void> {
  const t0 = performance.now();
  const info = backendInfo();
  console.log(`gatescope backend: ${info.name} (${info.reason})`);
  const build = defaultKernels().name.replace(/^wasm-/, "") as WasmBuild;
  const missing = TorchPeer.available();
  const torch = missing ? null : [new TorchPeer(1), new TorchPeer(2)];
  const measured: Array<Awaited<ReturnType<typeof interleaved>> & { grad_error: number }> = [];
  for (const w of workloads) {
    const m = await interleaved(w, build, torch);
    measured.push({ ...m, grad_error: checkGradients(w) });
    const f = (x: Measured | null) => (x ? x.step_ms.toFixed(1) : "—");
    console.log(
      `${w.kind} H=${w.H}: gatescope ${f(m.ours1)} / ${f(m.ours2)} ms, PyTorch ${f(m.torch1)} / ${f(m.torch2)}`,
    );
  }
  torch?.forEach((t) => t.close());
  const notes = torch ? torch.map((t) => t.note) : [missing!, missing!];
  const rssAfterOurs = process.resourceUsage().maxRSS / 1024;
  const tfWasm = await quietly(() => tfjsTimings("wasm"));
  const tfCpu = await quietly(() => tfjsTimings("cpu"));

  const ratio = (a: number | undefined, b: number | undefined) => (a && b ? a / b : null);
  const rows = workloads.map((w, i) => {
    const m = measured[i];
    return {
      workload: w,
      gatescope: { ...m.ours1, grad_error: m.grad_error },
      gatescope_2t: m.ours2,
      torch_1t: m.torch1,
      torch_2t: m.torch2,
      tfjs_wasm: tfWasm[i],
      tfjs_cpu: tfCpu[i],
      ratios: {
        step_vs_torch_1t: ratio(m.ours1.step_ms, m.torch1?.step_ms),
        step_vs_torch_2t: ratio(m.ours1.step_ms, m.torch2?.step_ms),
        step_2t_vs_torch_2t: ratio(m.ours2.step_ms, m.torch2?.step_ms),
        forward_vs_torch_1t: ratio(m.ours1.forward_ms, m.torch1?.forward_ms),
        tfjs_wasm_speedup: ratio(tfWasm[i]?.step_ms, m.ours1.step_ms),
        tfjs_cpu_speedup: ratio(tfCpu[i]?.step_ms, m.ours1.step_ms),
      },
    };
  });

  const f = (v: number | null | undefined, d = 1) => (v === null || v === undefined ? "—" : v.toFixed(d));
  const spread = (m: Measured | null) => (m ? `±${((50 * (m.step.max - m.step.min)) / m.step.ms).toFixed(0)}%` : "");
  console.log(
    `\nms per training step (forward + BPTT + all gradients), N=32 T=100 D=2, float32, median of ` +
      `${quick ? 5 : "7–15"} interleaved repeats (± half the range); ratio = gatescope ÷ peer`,
  );
  console.log(
    [
      "cell",
      "H",
      "gatescope 1t",
      "torch 1t",
      "ratio",
      "gatescope 2t",
      "torch 2t",
      "ratio 2t/2t",
      "fwd ratio 1t",
      "grad err",
      "tfjs-wasm",
      "× faster",
      "tfjs-cpu",
      "× faster",
    ].join(" | "),
  );
  for (const r of rows) {
    console.log(
      [
        r.workload.kind,
        r.workload.H,
        `${f(r.gatescope.step_ms)} ${spread(r.gatescope)}`,
        `${f(r.torch_1t?.step_ms)} ${spread(r.torch_1t)}`,
        f(r.ratios.step_vs_torch_1t, 2),
        `${f(r.gatescope_2t.step_ms)} ${spread(r.gatescope_2t)}`,
        `${f(r.torch_2t?.step_ms)} ${spread(r.torch_2t)}`,
        f(r.ratios.step_2t_vs_torch_2t, 2),
        f(r.ratios.forward_vs_torch_1t, 2),
        r.gatescope.grad_error.toExponential(1),
        f(r.tfjs_wasm?.step_ms),
        f(r.ratios.tfjs_wasm_speedup),
        f(r.tfjs_cpu?.step_ms),
        f(r.ratios.tfjs_cpu_speedup),
      ].join(" | "),
    );
  }
  console.log(`\n${notes.join("; ")}. tfjs-cpu is not run at H > 128.`);
  console.log(
    `peak RSS after the gatescope runs: ${rssAfterOurs.toFixed(0)} MiB; ` +
      `whole benchmark: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
  );
  const worst = Math.max(...rows.map((r) => r.gatescope.grad_error));
  console.log(`gradient check (float32 wasm vs float64 reference, scale-normalised): worst ${worst.toExponential(2)}`);
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  writeFileAtomic(
    outFile,
    JSON.stringify(
      {
        quick,
        node: process.version,
        backend: info,
        torch: notes,
        peak_rss_mib: { gatescope: rssAfterOurs, total: process.resourceUsage().maxRSS / 1024 },
        rows,
        wall_s: (performance.now() - t0) / 1000,
      },
      null,
      2,
    ),
  );
  console.log(`wrote ${outFile} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  if (worst > 1e-6) {
    console.error(`gradient check failed: float32 gradients differ from the float64 reference by ${worst}`);
    process.exitCode = 1;
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
