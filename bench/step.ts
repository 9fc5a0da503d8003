/**
 * ms per training step (forward + BPTT + all gradients) of the reference engine, for the
 * workload the performance issue targets: LSTM, N=32, T=100, D=2, H=128, a linear readout
 * and MSE on the last step. Float32 and Float64 (`--dtype float32` for one: what a profile of the fast backend
 * wants, `node --cpu-prof dist-test/bench/step.js --dtype float32`). Run: npm run bench:step [-- --kind gru --H 32]
 * Set GATESCOPE_BACKEND=js for the reference kernels. Peers run side by side in bench/compare.ts.
 */
import { performance } from "perf_hooks";
import { Rng } from "../src/math/rng";
import { RecurrentNet } from "../src/model/recurrent";
import { Linear, lastStep } from "../src/model/readout";
import { mse } from "../src/model/losses";
import type { Kind } from "../src/model/config";
import type { DType } from "../src/math/tensor";
import { alloc } from "../src/math/tensor";
import { backendInfo } from "../src/backend";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

const kind = arg("kind", "lstm") as Kind;
const N = Number(arg("N", "32")), T = Number(arg("T", "100")), D = Number(arg("D", "2")), H = Number(arg("H", "128"));
const repeats = Number(arg("repeats", "10"));

function bench(dtype: DType): { median: number; min: number } {
  const rng = new Rng(0);
  const net = new RecurrentNet({ kind, inputSize: D, hiddenSize: H, dtype }, rng);
  const head = new Linear({ inputSize: H, outputSize: 1, dtype }, rng);
  const x = { shape: [N, T, D], data: alloc(dtype, N * T * D).map(() => rng.uniform()) };
  const y = { shape: [N, 1], data: alloc(dtype, N).map(() => rng.uniform()) };
  const step = () => {
    const fwd = net.forward(x);
    const last = lastStep(fwd.output);
    const loss = mse(head.forward(last), y);
    const hb = head.backward(last, loss.grad);
    net.backward(fwd, { dOutput: hb.dInput });
  };
  for (let i = 0; i < 2; i++) step(); // warm-up: let V8 optimise
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    step();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], min: times[0] };
}

console.log(`${kind} N=${N} T=${T} D=${D} H=${H}, ${repeats} steps after 2 warm-up, backend: ${backendInfo().name}`);
const dtypes = arg("dtype", "float32,float64").split(",") as DType[];
for (const dtype of dtypes) {
  const r = bench(dtype);
  console.log(`${dtype}: median ${r.median.toFixed(1)} ms/step (min ${r.min.toFixed(1)})`);
}
