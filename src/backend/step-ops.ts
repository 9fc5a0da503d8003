/**
 * The cells' step ops as the fast backends' kernels take them: one table that wasm.ts and
 * native.ts both read. A kernel takes N rows of H units, buffers in a fixed order and a flag;
 * each buffer is N rows as wide as STEP_KERNELS says in H-wide blocks, so two threads can split
 * the rows and know where the second half of every buffer begins. The RNN's kernels are
 * elementwise: N·H values as N = count rows of H = 1. The widths are native/src/kernels.h's
 * STEP_SHAPES, the one table of them (step-widths.ts is generated from it).
 */
import type { lstmOps } from "../cells/lstm";
import type { gruOps } from "../cells/gru";
import type { rnnOps } from "../cells/rnn";
import type { FloatArray } from "../math/tensor";
import { STEP_KERNELS } from "./step-widths";

export { STEP_KERNELS };

export type StepKernel = keyof typeof STEP_KERNELS;
/** The kernels in native/src/kernels.h's StepOp order. */
export const STEP_KERNEL_ORDER = Object.keys(STEP_KERNELS) as StepKernel[];
/** Each kernel's native op number. */
export const STEP_CODE = Object.fromEntries(STEP_KERNEL_ORDER.map((k, i) => [k, i])) as Record<StepKernel, number>;
/** The kernels that run over N·H values rather than N rows. */
export const elementwise = (k: StepKernel) => k === "rnn_forward" || k === "rnn_backward";

/** One kernel call, as STEP_OPS fills it. One per backend, reused: the time loop allocates nothing. */
export class StepCall {
  kernel: StepKernel = "lstm_forward";
  N = 0;
  H = 0;
  /** GRU: the reset gate applies after the product; RNN: relu. */
  flag = false;
  /** How many buffers this call has. */
  size = 0;
  readonly arrays: FloatArray[] = [];
  readonly offsets: number[] = [];

  begin(kernel: StepKernel, N: number, H: number, flag = false): this {
    this.kernel = kernel;
    this.N = N;
    this.H = H;
    this.flag = flag;
    this.size = 0;
    return this;
  }

  /** The next buffer: `a` from element `offset` on. */
  buffer(a: FloatArray, offset: number): this {
    this.arrays[this.size] = a;
    this.offsets[this.size++] = offset;
    return this;
  }

  /** Every buffer is of the kind `accept` takes (float32, in the backend's memory, …). */
  all(accept: (a: FloatArray) => boolean): boolean {
    for (let b = 0; b < this.size; b++) if (!accept(this.arrays[b])) return false;
    return true;
  }
}

/** The cells' reference step ops that the fast backends twin. */
export type StepReferences = typeof lstmOps & typeof gruOps & typeof rnnOps;
type Fill = { [K in keyof StepReferences]: (c: StepCall, ...args: Parameters<StepReferences[K]>) => StepCall };

/** Each cell op's arguments as its kernel's call: which arrays, from where, in the kernel's order. */
export const STEP_OPS: Fill = {
  lstmForward: (c, N, H, gates, gOff, cs, hs, prev) =>
    c
      .begin("lstm_forward", N, H)
      .buffer(gates, gOff)
      .buffer(cs, prev)
      .buffer(cs, prev + N * H)
      .buffer(hs, prev + N * H),
  lstmBackward: (c, N, H, gates, gOff, cs, prev, dH, dcNext, dC, dcPrev, dA) =>
    c
      .begin("lstm_backward", N, H)
      .buffer(gates, gOff)
      .buffer(cs, prev)
      .buffer(cs, prev + N * H)
      .buffer(dH, prev)
      .buffer(dcNext, 0)
      .buffer(dC, prev)
      .buffer(dcPrev, 0)
      .buffer(dA, gOff),
  gruForwardGates: (c, N, H, gates, gOff, scratch, hs, extra, prev, after) =>
    c
      .begin("gru_forward_gates", N, H, after)
      .buffer(gates, gOff)
      .buffer(scratch, 0)
      .buffer(hs, prev)
      .buffer(extra, prev),
  gruForwardState: (c, N, H, gates, gOff, scratch, hs, prev, after) =>
    c
      .begin("gru_forward_state", N, H, after)
      .buffer(gates, gOff)
      .buffer(scratch, 0)
      .buffer(hs, prev)
      .buffer(hs, prev + N * H),
  gruBackwardState: (c, N, H, gates, gOff, hs, prev, dH, dA, dhPrev) =>
    c
      .begin("gru_backward_state", N, H)
      .buffer(gates, gOff)
      .buffer(hs, prev)
      .buffer(dH, prev)
      .buffer(dA, gOff)
      .buffer(dhPrev, 0),
  gruBackwardReset: (c, N, H, gates, gOff, hs, extra, prev, drh, dA, dAhh, dhPrev, after) =>
    c
      .begin("gru_backward_reset", N, H, after)
      .buffer(gates, gOff)
      .buffer(hs, prev)
      .buffer(extra, prev)
      .buffer(drh, 0)
      .buffer(dA, gOff)
      .buffer(dAhh, gOff)
      .buffer(dhPrev, 0),
  rnnForward: (c, count, a, aOff, hs, relu) =>
    c.begin("rnn_forward", count, 1, relu).buffer(a, aOff).buffer(hs, aOff + count),
  rnnBackward: (c, count, a, aOff, hs, dH, dA, relu) =>
    c.begin("rnn_backward", count, 1, relu).buffer(a, aOff).buffer(hs, aOff + count).buffer(dH, aOff).buffer(dA, aOff),
};

/** A backend's twins of the step ops: each fills the backend's one call and runs it (false: the cell runs its own). */
export function stepTwins(run: (call: StepCall) => boolean): {
  [K in keyof StepReferences]: (...args: Parameters<StepReferences[K]>) => boolean;
} {
  const call = new StepCall();
  // A fixed arity (the longest op's twelve; extra arguments are ignored): no rest array per call in the time loop.
  type U = unknown;
  const twin = (fill: (c: StepCall, ...args: U[]) => StepCall) =>
    (a: U, b: U, c: U, d: U, e: U, f: U, g: U, h: U, i: U, j: U, k: U, l: U) =>
      run(fill(call, a, b, c, d, e, f, g, h, i, j, k, l));
  return Object.fromEntries(Object.entries(STEP_OPS).map(([name, fill]) => [name, twin(fill as never)])) as never;
}
