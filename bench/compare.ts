/**
 * `npm run bench [-- --quick] [-- --cells lstm,gru] [-- --sizes 512] [-- --no-tfjs] [-- --out FILE]`:
 * gatescope against its peers on the same workload in one run — PyTorch (Debian python3-torch, 1 and 2
 * threads), tfjs-node's cpu and wasm backends. One training step = forward + BPTT + every gradient of an RNN/LSTM/GRU
 * (batch-first, N=32, T=100, D=2) with a Linear(H, 1) readout on the last step and MSE; the
 * IRNN is PyTorch's relu RNN with identity recurrence, the uRNN has no PyTorch peer. The `charlm` row is one step
 * of a character-level language model: 2 LSTM layers of 256 over one-hot characters (V = 105, the kernel corpus's
 * vocabulary), N = 50, T = 100, a Linear(256, V) readout at every step (in the backend's kernels, as the charlm
 * preset runs it) and softmax cross-entropy; PyTorch's peer
 * is nn.LSTM(V, 256, 2) + Linear + cross_entropy on the same one-hot batch (no tfjs peer).
 * gatescope's native and wasm backends and PyTorch each run on 1 and 2 threads, their repeats
 * interleaved, and native once more on 1 and 2 threads with a CPU-bound process beside it; tfjs runs after.
 * Prints a table and writes a JSON file of ms per step (median and every repeat) and ratios. Every gatescope
 * configuration also checks its float32 gradients against the float64 reference path. GATESCOPE_BACKEND=native-avx2
 * (or another native build) times that build instead of the CPU's best.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { createInterface } from "readline";
import { backendInfo, kernelsByName } from "../src/backend";
import { createNativeKernels, loadNative, type NativeIsa } from "../src/backend/native";
import { createWasmKernels, relaxedSimdSupported, type WasmBuild } from "../src/backend/wasm";
import type { Kernels } from "../src/math/kernels";
import { Rng } from "../src/math/rng";
import { SequenceModel, type Targets } from "../src/model/sequence-model";
import type { Kind } from "../src/model/config";
import { alloc, type DType, type Tensor } from "../src/math/tensor";
import { scaleNormalisedError } from "../src/io/reference";
import { writeFileAtomic } from "../src/io/atomic";

interface Workload {
  cell: string;
  kind: Kind;
  init?: "irnn";
  N: number;
  T: number;
  D: number;
  H: number;
  warmup: number;
  repeats: number;
  /** A character language model: this many layers, D one-hot characters in, D out at every step. */
  charlm?: { layers: number };
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
/** A benchmarked cell: a kind and, for the IRNN, its initialisation. */
type Cell = { name: string; kind: Kind; init?: "irnn" };
const CELLS: Cell[] = [
  { name: "lstm", kind: "lstm" },
  { name: "gru", kind: "gru" },
  { name: "rnn_tanh", kind: "rnn_tanh" },
  { name: "irnn", kind: "rnn_relu", init: "irnn" },
  { name: "urnn", kind: "urnn" },
];
/** A comma-separated flag's values, or null when absent. */
const listArg = (flag: string) => {
  const i = process.argv.indexOf(flag);
  return i > 0 ? process.argv[i + 1].split(",") : null;
};
const only = listArg("--cells");
const kinds = only ? CELLS.filter((c) => only.includes(c.name)) : quick ? CELLS.slice(0, 2) : CELLS;
const sizes = listArg("--sizes")?.map(Number) ?? (quick ? [32, 128] : [32, 128, 512]);
const workloads: Workload[] = [];
for (const c of kinds)
  for (const H of sizes) {
    // Warm-up covers V8's tier-up of the wasm code on both threads (the first ~5 steps run slower).
    const repeats = quick ? 5 : H >= 512 ? 7 : 15;
    const warmup = quick ? 6 : 8;
    workloads.push({ cell: c.name, kind: c.kind, init: c.init, N: 32, T: 100, D: 2, H, warmup, repeats });
  }
if (!only || only.includes("charlm")) {
  const [warmup, repeats] = quick ? [3, 3] : [4, 7];
  const charlm = { layers: 2 };
  workloads.push({ cell: "charlm", kind: "lstm", N: 50, T: 100, D: 105, H: 256, warmup, repeats, charlm });
}

const IDLE_MS = 120;

/** The native build to time: the one GATESCOPE_BACKEND names (native-avx2 on an AVX-512 CPU, say), else the best. */
const NATIVE_ISA = /^native-(base|avx2|avx512)$/.exec(process.env.GATESCOPE_BACKEND ?? "")?.[1] as
  | NativeIsa
  | undefined;
const nativeKernels = () => createNativeKernels(loadNative(), NATIVE_ISA);
/**
 * With the AVX2 build forced, the peer runs AVX2 code too, as it would on an AVX2 CPU: OpenBLAS's Haswell kernels
 * (it picks AVX-512 ones where the CPU has them, measured 1.7× faster on a 1024³ product here), oneDNN at AVX2.
 * ATen's own kernels use AVX2 unless told otherwise.
 */
const PEER_ISA: Record<string, string> =
  NATIVE_ISA === "avx2" ? { OPENBLAS_CORETYPE: "Haswell", ONEDNN_MAX_CPU_ISA: "AVX2", DNNL_MAX_CPU_ISA: "AVX2" } : {};

/**
 * The machine's product peak as gatescope reaches it: GFLOP/s of the native build's best float32 product (square,
 * 1024, no transposes) on `threads` threads, the best of 13 after a warm-up — what a training step's products could
 * run at if every one were that large.
 */
function productPeak(threads: 1 | 2): number {
  const n = 1024;
  const K = nativeKernels();
  K.setThreads?.(threads);
  const rng = new Rng(1);
  const A = Float32Array.from({ length: n * n }, () => rng.range(-1, 1));
  const B = Float32Array.from({ length: n * n }, () => rng.range(-1, 1));
  const C = new Float32Array(n * n);
  let best = Infinity;
  // 15 products: the addon learns from a shape's first calls whether two threads pay (they alternate), and after a
  // second thread falls behind it waits on one for a while, so a few calls may run on one thread.
  for (let i = 0; i < 15; i++) {
    const t0 = performance.now();
    K.gemm(false, false, n, n, n, A, 0, n, B, 0, n, 0, C, 0, n);
    if (i >= 2) best = Math.min(best, performance.now() - t0);
  }
  return (2 * n ** 3) / (best * 1e6);
}

/**
 * The float32-vs-float64 gradient limit. 1e-6 for the cells whose recurrence contracts; the IRNN
 * (identity) and uRNN (unitary) carry float32's rounding through all T = 100 steps undamped:
 * measured 2–9e-6 here, the same to three digits on the wasm and native builds, so float32's own
 * error, not a backend's. The charlm step sums its weight gradients over N·T = 5000 positions, each
 * with a loss: 2.1e-6 with the reference (js) kernels in float32, 2.4e-6 native. A backend bug shows
 * orders of magnitude above these limits.
 */
const gradLimit = (cell: string) => (cell === "irnn" || cell === "urnn" ? 2e-5 : cell === "charlm" ? 1e-5 : 1e-6);

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

/** The workload's batch: x ~ U[0, 1) and y ~ U[0, 1) on the last step, or one-hot characters and the next ones. */
function data(w: Workload, dtype: DType): { x: Tensor; targets: Targets } {
  const rng = new Rng(1);
  if (!w.charlm) {
    const x = { shape: [w.N, w.T, w.D], data: alloc(dtype, w.N * w.T * w.D).map(() => rng.uniform()) };
    const y = { shape: [w.N, 1], data: alloc(dtype, w.N).map(() => rng.uniform()) };
    return { x, targets: { y, classes: null, mask: null } };
  }
  const ids = Int32Array.from({ length: w.N * (w.T + 1) }, () => rng.int(w.D));
  const x = { shape: [w.N, w.T, w.D], data: alloc(dtype, w.N * w.T * w.D) };
  const classes = new Int32Array(w.N * w.T);
  for (let n = 0; n < w.N; n++)
    for (let t = 0; t < w.T; t++) {
      x.data[(n * w.T + t) * w.D + ids[n * (w.T + 1) + t]] = 1;
      classes[n * w.T + t] = ids[n * (w.T + 1) + t + 1];
    }
  return { x, targets: { y: null, classes, mask: null } };
}

/** The workload's model: a recurrent stack and its readout, as `train` trains it. */
function modelFor(w: Workload, K: Kernels, dtype: DType): SequenceModel {
  const rnn = { kind: w.kind, inputSize: w.D, hiddenSize: w.H, init: w.init, numLayers: w.charlm?.layers, dtype };
  const head = w.charlm
    ? { outputSize: w.D, readout: "every" as const, readoutKernels: "backend" as const }
    : { outputSize: 1, readout: "last" as const };
  return new SequenceModel({ rnn, ...head }, new Rng(0), K);
}

const lossOf = (w: Workload) => (w.charlm ? "ce" : "mse");

/** gatescope's training step as `train` takes it (SequenceModel.lossAndGrads), and its forward pass. */
function gatescopeStep(w: Workload, K: Kernels) {
  const model = modelFor(w, K, "float32");
  const { x, targets } = data(w, "float32");
  return { step: () => void model.lossAndGrads(x, targets, lossOf(w)), forward: () => void model.predict(x) };
}

/**
 * The floating-point operations of one training step's matrix products (2 per multiply-add), counted as the step
 * makes them (one by one, no replay); null for the uRNN, whose recurrence is its factors, not products. The gate
 * math besides is O(T·N·H), left out.
 */
function stepFlops(w: Workload): number | null {
  if (w.kind === "urnn") return null;
  const K = nativeKernels();
  let flops = 0;
  const counting: Kernels = {
    ...K,
    replay: undefined,
    gemm(...args: Parameters<Kernels["gemm"]>) {
      flops += 2 * args[2] * args[3] * args[4];
      K.gemm(...args);
    },
  };
  gatescopeStep(w, counting).step();
  return flops;
}

/** A backend's float32 gradients against the float64 reference on the same weights (scale-normalised). */
function checkGradients(w: Workload, K32: Kernels): number {
  const fast = modelFor(w, K32, "float32");
  const exact = modelFor(w, kernelsByName("js"), "float64");
  const params = fast.params();
  for (const [k, t] of Object.entries(exact.params())) t.data.set(params[k].data);
  const grads = (m: SequenceModel, dtype: DType) => {
    const { x, targets } = data(w, dtype);
    return m.lossAndGrads(x, targets, lossOf(w)).grads!;
  };
  const [g32, g64] = [grads(fast, "float32"), grads(exact, "float64")];
  return Math.max(...Object.keys(g64).map((k) => scaleNormalisedError(g32[k].data, g64[k].data)));
}

/** A long-lived PyTorch process (bench/torch_step.py) timing one step per request. */
class TorchPeer {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly lines: AsyncIterator<string>;
  version = "";

  /** The cells bench/torch_step.py builds. */
  static readonly KINDS: Record<string, true> = { lstm: true, gru: true, rnn_tanh: true, irnn: true, charlm: true };

  constructor(readonly threads: number) {
    this.proc = spawn("/usr/bin/python3", [path.join(__dirname, "../../bench/torch_step.py")], {
      env: { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: "1", ...PEER_ISA },
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
    const held = PEER_ISA.OPENBLAS_CORETYPE ? ` (held to its ${PEER_ISA.OPENBLAS_CORETYPE} kernels, AVX2)` : "";
    return `PyTorch ${this.version} with OpenBLAS${held} on ${this.threads} thread(s), torch intra-op 1`;
  }
}

/**
 * The interleaved columns: gatescope's two backends and PyTorch, each on 1 and 2 threads; and native on 1 and 2
 * threads with the other core busy (a CPU-bound process beside it, as a notebook user running anything else has).
 */
const COLUMNS = [
  "native_1t", "torch_1t", "native_2t", "torch_2t", "wasm_1t", "wasm_2t", "native_1t_busy", "native_2t_busy",
] as const;
type Column = (typeof COLUMNS)[number];

/** A CPU-bound process, stopped until the busy columns run (SIGCONT) and stopped again after (SIGSTOP). */
function startHog() {
  const hog = spawn(process.execPath, ["-e", "for (;;);"], { stdio: "ignore" });
  hog.kill("SIGSTOP");
  // A bench that fails or is stopped leaves no spinning process behind; a finished row leaves no listeners.
  const kill = () => hog.kill("SIGKILL");
  const interrupted = () => process.exit(1);
  process.on("exit", kill).on("SIGINT", interrupted).on("SIGTERM", interrupted);
  return {
    async busy(f: () => Promise<void>): Promise<void> {
      hog.kill("SIGCONT");
      try {
        await f();
      } finally {
        hog.kill("SIGSTOP");
      }
    },
    stop() {
      process.off("exit", kill).off("SIGINT", interrupted).off("SIGTERM", interrupted);
      kill();
    },
  };
}

/**
 * Every quiet column once in turn per repeat, then every busy one, so that a change in the machine's speed during
 * the run touches the columns of a block alike. A column without its peer (no PyTorch, or the uRNN) is null.
 */
async function interleaved(w: Workload, build: WasmBuild, torch: TorchPeer[] | null) {
  const wasm1 = createWasmKernels(build);
  const wasm2 = createWasmKernels(build);
  wasm2.setThreads!(2);
  const native1 = nativeKernels();
  const native2 = nativeKernels();
  native2.setThreads!(2);
  const ours = {
    ...{ native_1t: native1, native_2t: native2, wasm_1t: wasm1, wasm_2t: wasm2 },
    ...{ native_1t_busy: native1, native_2t_busy: native2 },
  };
  const hog = startHog();
  const steps = Object.fromEntries(Object.entries(ours).map(([c, K]) => [c, gatescopeStep(w, K)]));
  const peer = torch && TorchPeer.KINDS[w.cell] ? { torch_1t: torch[0], torch_2t: torch[1] } : null;
  if (peer) for (const t of Object.values(peer)) await t.setup(w);
  const samples = Object.fromEntries(COLUMNS.map((c) => [c, { step: [] as number[], forward: [] as number[] }]));
  // The quiet columns first, then the busy ones beside a process that spins all through their block (a core kept
  // busy, not one taken and given back at every column); each block with its warm-up: the addon learns from its
  // calls' times whether the second core pays, so a busy column between two quiet ones would hand them its lesson.
  const run = async (block: readonly Column[]) => {
    for (let r = 0; r < w.warmup + w.repeats; r++) {
      const timed = r >= w.warmup;
      // Each timed repeat starts with the other peers' threads at rest: OpenBLAS's spin for ~0.1 s
      // after a call, and on two cores that spinning would land on whichever peer runs next. The
      // pause is busy, as between a training loop's steps: a process that sleeps between steps
      // wakes with its threads wherever the scheduler left them (see backend/pool.ts).
      const idle = () => {
        for (const end = performance.now() + (timed ? IDLE_MS : 0); performance.now() < end; );
      };
      for (const what of ["step", "forward"] as const)
        for (const c of block) {
          const torchPeer = c.startsWith("torch") ? peer?.[c as "torch_1t" | "torch_2t"] : null;
          if (c.startsWith("torch") && !torchPeer) continue;
          idle();
          const ms = torchPeer ? await torchPeer.time(what) : once(steps[c][what]);
          if (timed) samples[c][what].push(ms);
        }
    }
  };
  await run(COLUMNS.filter((c) => !c.endsWith("busy")));
  await hog.busy(() => run(COLUMNS.filter((c) => c.endsWith("busy"))));
  wasm2.release!(); // stops its worker thread
  hog.stop();
  const measured = (c: Column): Measured | null => {
    if (samples[c].step.length === 0) return null;
    const step = stat(samples[c].step),
      forward = stat(samples[c].forward);
    return { step_ms: step.ms, forward_ms: forward.ms, step, forward };
  };
  return Object.fromEntries(COLUMNS.map((c) => [c, measured(c)])) as Record<Column, Measured | null>;
}

/**
 * Peak resident memory of a fresh process that trains the largest workload for three steps on
 * one backend (MiB): the backends side by side without sharing a process.
 */
function peakRss(backend: string, w: Workload): number {
  const src = JSON.stringify(path.join(__dirname, "../src"));
  const script = `
    const g = require(${src});
    const model = new g.SequenceModel({ rnn: { kind: ${JSON.stringify(w.kind)}, inputSize: ${w.D}, hiddenSize: ${w.H} },
      outputSize: 1, readout: "last" }, new g.Rng(0));
    const rng = new g.Rng(1);
    const x = { shape: [${w.N}, ${w.T}, ${w.D}],
      data: Float32Array.from({ length: ${w.N * w.T * w.D} }, () => rng.uniform()) };
    const y = { shape: [${w.N}, 1], data: Float32Array.from({ length: ${w.N} }, () => rng.uniform()) };
    for (let i = 0; i < 3; i++) model.lossAndGrads(x, { y, classes: null, mask: null }, "mse");
    console.log(process.resourceUsage().maxRSS / 1024);`;
  const r = spawnSync(process.execPath, ["-e", script], {
    encoding: "utf8",
    env: { ...process.env, GATESCOPE_BACKEND: backend, GATESCOPE_THREADS: "1" },
  });
  if (r.status !== 0) throw new Error(`peak RSS on ${backend}: ${r.stderr}`);
  return Number(r.stdout.trim());
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
    const layer = (
      { lstm: tf.layers.lstm, gru: tf.layers.gru, rnn_tanh: tf.layers.simpleRNN, irnn: tf.layers.simpleRNN } as Record<
        string,
        (c: object) => unknown
      >
    )[w.cell];
    if ((backend === "cpu" && w.H > 128) || !layer || w.charlm) {
      out.push(null);
      continue;
    } // minutes per step, or no such layer: not run
    const options = w.cell === "irnn" ? { activation: "relu", recurrentInitializer: "identity" } : {};
    const model = tf.sequential({
      layers: [layer({ units: w.H, inputShape: [w.T, w.D], ...options }), tf.layers.dense({ units: 1 })],
    });
    const { x, targets } = data(w, "float32");
    const xt = tf.tensor3d(x.data, [w.N, w.T, w.D]);
    const yt = tf.tensor2d(targets.y!.data, [w.N, 1]);
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
  const build: WasmBuild = relaxedSimdSupported() ? "relaxed-simd" : "simd";
  const peak = { 1: productPeak(1), 2: productPeak(2) };
  console.log(`native product peak (1024³ float32): ${peak[1].toFixed(0)} GFLOP/s on 1 thread, ` +
    `${peak[2].toFixed(0)} on 2`);
  const missing = TorchPeer.available();
  const torch = missing ? null : [new TorchPeer(1), new TorchPeer(2)];
  const f = (v: number | null | undefined, d = 1) => (v === null || v === undefined ? "—" : v.toFixed(d));
  const measured: Array<Record<Column, Measured | null> & { grad_error: { native: number; wasm: number } }> = [];
  for (const w of workloads) {
    const m = await interleaved(w, build, torch);
    const grad_error = {
      native: checkGradients(w, kernelsByName(NATIVE_ISA ? `native-${NATIVE_ISA}` : "native")),
      wasm: checkGradients(w, kernelsByName("wasm")),
    };
    measured.push({ ...m, grad_error });
    console.log(`${w.cell} H=${w.H}: ` + COLUMNS.map((c) => `${c} ${f(m[c]?.step_ms)}`).join(", ") + " ms");
  }
  torch?.forEach((t) => t.close());
  const notes = torch ? torch.map((t) => t.note) : [missing!, missing!];
  const rssAfterOurs = process.resourceUsage().maxRSS / 1024;
  const size = (w: Workload) => w.H * (w.kind === "lstm" ? 4 : 1);
  // Peak memory is measured on the largest synthetic workload (none when only charlm runs).
  const synthetic = workloads.filter((w) => !w.charlm);
  const largest = synthetic.length ? synthetic.reduce((a, w) => (size(w) > size(a) ? w : a)) : null;
  const rss = largest && { native: peakRss("native", largest), wasm: peakRss("wasm", largest) };
  const tfjs = !process.argv.includes("--no-tfjs");
  const tfWasm = tfjs ? await quietly(() => tfjsTimings("wasm")) : workloads.map(() => null);
  const tfCpu = tfjs ? await quietly(() => tfjsTimings("cpu")) : workloads.map(() => null);

  const ratio = (a: number | undefined, b: number | undefined) => (a && b ? a / b : null);
  const rows = workloads.map((w, i) => {
    const m = measured[i];
    const ms = (c: Column) => m[c]?.step_ms;
    const flops = stepFlops(w);
    const gflops = (c: Column) => (flops && ms(c) ? flops / (ms(c)! * 1e6) : null);
    return {
      workload: w,
      step_gflop: flops && flops / 1e9,
      gflops: { native_1t: gflops("native_1t"), native_2t: gflops("native_2t") },
      ...(Object.fromEntries(COLUMNS.map((c) => [c, m[c]])) as Record<Column, Measured | null>),
      grad_error: m.grad_error,
      tfjs_wasm: tfWasm[i],
      tfjs_cpu: tfCpu[i],
      ratios: {
        native_1t_vs_torch_1t: ratio(ms("native_1t"), ms("torch_1t")),
        native_2t_vs_1t: ratio(ms("native_2t"), ms("native_1t")),
        native_2t_vs_1t_busy: ratio(ms("native_2t_busy"), ms("native_1t_busy")),
        native_2t_vs_torch_2t: ratio(ms("native_2t"), ms("torch_2t")),
        wasm_1t_vs_torch_1t: ratio(ms("wasm_1t"), ms("torch_1t")),
        wasm_2t_vs_torch_2t: ratio(ms("wasm_2t"), ms("torch_2t")),
        native_forward_vs_torch_1t: ratio(m.native_1t?.forward_ms, m.torch_1t?.forward_ms),
        native_vs_wasm_1t: ratio(ms("native_1t"), ms("wasm_1t")),
        tfjs_wasm_speedup: ratio(tfWasm[i]?.step_ms, ms("native_1t")),
        tfjs_cpu_speedup: ratio(tfCpu[i]?.step_ms, ms("native_1t")),
      },
    };
  });

  const spread = (m: Measured | null) => (m ? `±${((50 * (m.step.max - m.step.min)) / m.step.ms).toFixed(0)}%` : "");
  const cell = (m: Measured | null) => `${f(m?.step_ms)} ${spread(m)}`.trim();
  console.log(
    `\nms per training step (forward + BPTT + all gradients), N=32 T=100 D=2 (charlm: 2 × 256, N=50 T=100 ` +
      `V=105), float32, median of ${quick ? "3–5" : "7–15"} interleaved repeats (± half the range); ` +
      "ratio = gatescope ÷ peer",
  );
  const header = ["cell", "H", "native 1t", "torch 1t", "ratio", "native 2t", "torch 2t", "ratio 2t/2t", "wasm 1t",
    "ratio", "wasm 2t", "ratio", "native 2t÷1t", "busy: native 1t", "2t", "2t÷1t", "fwd ratio 1t", "grad err",
    "tfjs-wasm", "× faster", "tfjs-cpu", "× faster", "GFLOP/s 1t (% peak)", "2t (% peak)"];
  console.log(header.join(" | "));
  for (const r of rows) {
    const q = r.ratios;
    console.log(
      [
        r.workload.cell,
        r.workload.H,
        cell(r.native_1t),
        cell(r.torch_1t),
        f(q.native_1t_vs_torch_1t, 2),
        cell(r.native_2t),
        cell(r.torch_2t),
        f(q.native_2t_vs_torch_2t, 2),
        cell(r.wasm_1t),
        f(q.wasm_1t_vs_torch_1t, 2),
        cell(r.wasm_2t),
        f(q.wasm_2t_vs_torch_2t, 2),
        f(q.native_2t_vs_1t, 2),
        cell(r.native_1t_busy),
        cell(r.native_2t_busy),
        f(q.native_2t_vs_1t_busy, 2),
        f(q.native_forward_vs_torch_1t, 2),
        Math.max(r.grad_error.native, r.grad_error.wasm).toExponential(1),
        f(r.tfjs_wasm?.step_ms),
        f(q.tfjs_wasm_speedup),
        f(r.tfjs_cpu?.step_ms),
        f(q.tfjs_cpu_speedup),
        r.gflops.native_1t ? `${f(r.gflops.native_1t, 0)} (${f((100 * r.gflops.native_1t) / peak[1], 0)}%)` : "—",
        r.gflops.native_2t ? `${f(r.gflops.native_2t, 0)} (${f((100 * r.gflops.native_2t) / peak[2], 0)}%)` : "—",
      ].join(" | "),
    );
  }
  console.log(
    `\n${notes.join("; ")}. tfjs-cpu is not run at H > 128; the uRNN has no PyTorch or tfjs peer, charlm no tfjs one.`,
  );
  console.log(
    (largest && rss
      ? `peak RSS, ${largest.cell} H=${largest.H}, a fresh process each: native ${rss.native.toFixed(0)} MiB, ` +
        `wasm ${rss.wasm.toFixed(0)} MiB (native ÷ wasm ${(rss.native / rss.wasm).toFixed(2)}); `
      : "peak RSS: ") +
      `after the gatescope runs here: ${rssAfterOurs.toFixed(0)} MiB; ` +
      `whole benchmark: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
  );
  const worst = Math.max(...rows.map((r) => Math.max(r.grad_error.native, r.grad_error.wasm)));
  console.log(
    `gradient check (float32 native and wasm vs float64 reference, scale-normalised): worst ${worst.toExponential(2)}`,
  );
  const over = rows.filter((r) => Math.max(r.grad_error.native, r.grad_error.wasm) > gradLimit(r.workload.cell));
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  writeFileAtomic(
    outFile,
    JSON.stringify(
      {
        // When, where and how: the docs quote this file (scripts/docs.js's "bench" block) with all three.
        date: new Date().toISOString(),
        cpu: `${os.cpus().length} × ${os.cpus()[0]?.model ?? "unknown CPU"}`,
        command: ["npm run bench", ...(process.argv.length > 2 ? ["--", ...process.argv.slice(2)] : [])].join(" "),
        quick,
        node: process.version,
        backend: info,
        product_peak_gflops: peak,
        torch: notes,
        peak_rss_mib: {
          largest: largest && { cell: largest.cell, H: largest.H, ...rss },
          gatescope: rssAfterOurs,
          total: process.resourceUsage().maxRSS / 1024,
        },
        rows,
        wall_s: (performance.now() - t0) / 1000,
      },
      null,
      2,
    ),
  );
  console.log(`wrote ${outFile} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  for (const r of over) {
    console.error(
      `gradient check failed: ${r.workload.cell} H=${r.workload.H}: float32 gradients differ from the float64 ` +
        `reference by ${Math.max(r.grad_error.native, r.grad_error.wasm)} (limit ${gradLimit(r.workload.cell)})`,
    );
    process.exitCode = 1;
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
