/** What the wasm backend's two threads share: the layout of their control block and the jobs by number. */

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

/** The kernels the worker runs, by index. */
export const OPS = [
  "gemm_nn",
  "gemm_nt",
  "lstm_forward",
  "lstm_backward",
  "gru_forward_gates",
  "gru_forward_state",
  "gru_backward_state",
  "gru_backward_reset",
  "rnn_forward",
  "rnn_backward",
] as const;
export type Op = (typeof OPS)[number];

export interface WorkerData {
  module: object;
  memory: object;
  control: SharedArrayBuffer;
  /** The worker's own packing buffer for gemm_nn (byte address in the shared memory). */
  pack: number;
}
