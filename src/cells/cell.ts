/**
 * What a recurrent cell must say about itself so that one layer runner (layer.ts) can drive
 * any of them. A cell owns one time step, forward and backward; the runner owns everything
 * that is the same for every cell: the input projection for all steps in one matmul, the
 * time loop, truncation, and the weight gradients accumulated in large matmuls afterwards.
 *
 * Buffers of one layer for one sequence (time-major, allocated once per forward call):
 *   x      T×N×D   layer input (for layer l > 0: a view into layer l−1's hs)
 *   hs     (T+1)×N×H   h_{t} at row t+1; row 0 holds h_0
 *   cs     (T+1)×N×H   LSTM cell states, same layout (empty for other cells)
 *   gates  T×N×G·H     x_t W_ihᵀ + b_ih on entry to forwardStep; the cell leaves there
 *                      whatever it wants traced and needs for backward (activations)
 *   extra  T×N×H       one more per-step value a cell may keep (GRU: W_hn h + b_hn, or r∘h)
 * Gradient buffers (allocated per backward call):
 *   dAih   T×N×G·H   ∂L/∂(x_t W_ihᵀ + b_ih)
 *   dAhh   T×N×G·H   ∂L/∂(h_{t−1} W_hhᵀ + b_hh); the same array as dAih unless a cell's
 *                    hidden-side pre-activation differs from its input-side one
 *   dH     T×N×H     ∂L/∂h_t (total, through every later step): the vanishing-gradient data
 *   dC     T×N×H     ∂L/∂c_t (LSTM)
 */
import type { FloatArray } from "../math/tensor";
import type { Kernels } from "../math/kernels";

/**
 * The per-step gate math of every cell, as a backend provides it. The reference versions sit
 * in each cell's file beside its equations; a backend may swap in faster twins (wasm SIMD).
 * Arrays come with the offset of the first element a step touches (see the cell files).
 */
export interface CellOps {
  lstmForward(N: number, H: number, gates: FloatArray, gOff: number, cs: FloatArray, hs: FloatArray, prev: number): void;
  lstmBackward(N: number, H: number, gates: FloatArray, gOff: number, cs: FloatArray, prev: number,
    dH: FloatArray, dcNext: FloatArray, dC: FloatArray, dcPrev: FloatArray, dA: FloatArray): void;
  gruForwardGates(N: number, H: number, gates: FloatArray, gOff: number, scratch: FloatArray,
    hs: FloatArray, extra: FloatArray, prev: number, after: boolean): void;
  gruForwardState(N: number, H: number, gates: FloatArray, gOff: number, scratch: FloatArray,
    hs: FloatArray, prev: number, after: boolean): void;
  gruBackwardState(N: number, H: number, gates: FloatArray, gOff: number, hs: FloatArray, prev: number,
    dH: FloatArray, dA: FloatArray, dhPrev: FloatArray): void;
  gruBackwardReset(N: number, H: number, gates: FloatArray, gOff: number, hs: FloatArray, extra: FloatArray, prev: number,
    drh: FloatArray, dA: FloatArray, dAhh: FloatArray, dhPrev: FloatArray, after: boolean): void;
  rnnForward(count: number, a: FloatArray, aOff: number, hs: FloatArray, relu: boolean): void;
  rnnBackward(count: number, a: FloatArray, aOff: number, hs: FloatArray, dH: FloatArray, dA: FloatArray, relu: boolean): void;
}

export interface LayerParams {
  Wih: FloatArray; // G·H × D
  Whh: FloatArray; // G·H × H
  bih: FloatArray; // G·H
  bhh: FloatArray; // G·H
}

export interface LayerWork {
  N: number; T: number; D: number; H: number; G: number;
  p: LayerParams;
  x: FloatArray; xOff: number;
  hs: FloatArray;
  cs: FloatArray;
  gates: FloatArray;
  extra: FloatArray;
  scratch: FloatArray; // N×G·H, reused every step
}

export interface LayerGradWork {
  dAih: FloatArray;
  dAhh: FloatArray;
  dH: FloatArray;
  dC: FloatArray;
  /** ∂L/∂h_{t−1} and ∂L/∂c_{t−1} carried to the previous step (N×H each). */
  dhPrev: FloatArray;
  dcPrev: FloatArray;
  /** ∂L/∂c_t arriving from step t+1 (N×H), read by backwardStep. */
  dcNext: FloatArray;
  scratch: FloatArray; // N×H
}

/** Which buffer a traced quantity lives in, and where inside a step's row. */
export interface TraceSlot {
  buffer: "gates" | "cs" | "hs" | "extra";
  column: number; // first column of the H-wide block inside one row
}

/** Blocks (of H rows) of W_hh and the per-step matrix (rows t = 0..T−1) each multiplies. */
export interface HiddenInput {
  row0: number;
  rows: number;
  src: "hsPrev" | "extra";
}

export interface Cell {
  readonly G: number;
  readonly hasCellState: boolean;
  /** True when ∂L/∂(hidden-side pre-activation) differs from the input-side one (GRU reset-after). */
  readonly separateHiddenGrad: boolean;
  readonly usesExtra: boolean;
  readonly trace: Readonly<Record<string, TraceSlot>>;
  readonly hiddenInputs: readonly HiddenInput[];
  forwardStep(w: LayerWork, t: number, K: Kernels): void;
  /** Reads dH row t and dcNext; writes dAih/dAhh row t, dC row t, dhPrev and dcPrev. */
  backwardStep(w: LayerWork, g: LayerGradWork, t: number, K: Kernels): void;
}
