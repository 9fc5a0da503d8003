/** What the wasm backend's two threads share: the layout of their control block and the jobs by number. */
import { STEP_KERNEL_ORDER, type StepKernel } from "./step-ops";

/** Int32 words, then float64 arguments (pointers reach 4 GiB, past int32). */
export const CONTROL = {
  seq: 0, // bumped by the main thread to post a job
  done: 1, // set by the worker to the seq it finished
  op: 2, // index into OPS; any other value stops the worker
  failed: 3,
  ready: 4, // set by the worker once its kernels are instantiated
  claim: 5, // the posted seq while nobody has taken the job; the worker or the caller swaps it out
  words: 6,
  argsByte: 24,
  args: 11,
  bytes: 24 + 11 * 8,
  /** Polls before sleeping: about 0.1 ms, longer than the gap between a time loop's jobs. */
  spins: 20000,
} as const;

/** The kernels the worker runs, by index: the products' halves and the step kernels' (step-ops.ts). */
export type Op = "gemm_nn" | "gemm_nt" | StepKernel;
export const OPS: readonly Op[] = ["gemm_nn", "gemm_nt", ...STEP_KERNEL_ORDER];

export interface WorkerData {
  module: object;
  memory: object;
  control: SharedArrayBuffer;
  /** The worker's own packing buffer for gemm_nn (byte address in the shared memory). */
  pack: number;
}
