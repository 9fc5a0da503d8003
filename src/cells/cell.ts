/**
 * What a recurrent cell must say about itself so that one layer runner (layer.ts) and the rest
 * of the library can drive any of them. A cell owns one time step, forward and backward; the
 * runner owns everything that is the same for every cell: the input projection for all steps
 * in one matmul, the time loop, truncation, and the weight gradients that are large matmuls.
 *
 * Buffers of one layer for one sequence (time-major, allocated once per forward call):
 *   x      T×N×D       layer input (for layer l > 0: a view into layer l−1's hs)
 *   hs     (T+1)×N×H   h_{t} at row t+1; row 0 holds h_0
 *   cs     (T+1)×N×H   cell states, same layout (empty for cells without one)
 *   gates  T×N×G·H     x_t W_ihᵀ + b_ih on entry to forwardStep; the cell leaves there
 *                      whatever it wants traced and needs for backward (activations)
 *   extra  T×N×E·H     per-step values a cell keeps besides (GRU: W_hn h + b_hn, or r∘h)
 * Gradient buffers (allocated per backward call):
 *   dAih   T×N×G·H   ∂L/∂(x_t W_ihᵀ + b_ih)
 *   dAhh   T×N×G·H   ∂L/∂(h_{t−1} W_hhᵀ + b_hh); the same array as dAih unless a cell's
 *                    hidden-side pre-activation differs from its input-side one
 *   dH     T×N×H     ∂L/∂h_t (total, through every later step): the vanishing-gradient data
 *   dC     T×N×H     ∂L/∂c_t
 *   dp     one buffer per parameter whose gradient the cell accumulates itself (vectors,
 *          peepholes, anything that is not one of the runner's matmuls)
 */
import type { FloatArray } from "../math/tensor";
import type { Kernels } from "../math/kernels";
import type { Rng } from "../math/rng";

/** The weights of one layer under their base names (weight_ih, bias_hh, …). */
export type LayerParams = Readonly<Record<string, FloatArray>>;

/**
 * Who differentiates a parameter. The runner handles the four it can do in one matmul or sum
 * after the time loop, from dAih / dAhh:
 *   "input"  weight_ih  G·H×D   gates = x W_ihᵀ            dW_ih = dA_ihᵀ X, and dX = dA_ih W_ih
 *   "input_bias"  bias_ih  G·H  db_ih = Σ_rows dA_ih
 *   "hidden" weight_hh  G·H×H   dW_hh = dA_hhᵀ (per Cell.hiddenInputs block)
 *   "hidden_bias" bias_hh  G·H  db_hh = Σ_rows dA_hh
 * "cell": the cell adds its gradient into `dp[name]` step by step.
 */
export type GradRole = "input" | "input_bias" | "hidden" | "hidden_bias" | "cell";
export const GRAD_ROLES: readonly GradRole[] = ["input", "input_bias", "hidden", "hidden_bias", "cell"];
/** The initialisers a parameter may name (the config's), besides a function of its own. */
export const INIT_ROLES = ["weight_ih", "weight_hh", "bias"] as const;

/** Draws a parameter the config's initialisers do not cover (phases, reflections, vectors). */
export type CustomInit = (data: FloatArray, rng: Rng, H: number) => void;

/** One parameter of a cell: its name, shape, initialisation and who differentiates it. */
export interface ParamSpec {
  /** Base name; layer l's parameter is `${name}_l${l}` (PyTorch's convention). */
  name: string;
  /** From the layer's input width D and hidden width H. */
  shape(D: number, H: number): number[];
  /** Which of the config's initialisers draws it, or the cell's own. */
  init: "weight_ih" | "weight_hh" | "bias" | CustomInit;
  grad: GradRole;
}

/** One layer's forward buffers, time-major: what a cell's step reads and writes. */
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

/** One layer's backward buffers: the gradients a cell's backward step reads and writes. */
export interface LayerGradWork {
  dAih: FloatArray;
  dAhh: FloatArray;
  dH: FloatArray;
  dC: FloatArray;
  /** ∂L/∂h_{t−1} carried to the previous step (N×H). */
  dhPrev: FloatArray;
  /**
   * ∂L/∂ of the rest of the state carried between steps, N·H·carry long (Cell.carry): first
   * ∂L/∂c (N×H), then anything else a cell carries. dcNext arrives from step t+1, dcPrev goes
   * to step t−1; truncation zeroes it with the hidden state's.
   */
  dcNext: FloatArray;
  dcPrev: FloatArray;
  scratch: FloatArray; // N×H
  /** Gradients of the "cell" parameters, accumulated over steps. */
  dp: Record<string, FloatArray>;
}

/** Where a traced quantity lives, and how to show it. */
export interface TraceSlot {
  buffer: "gates" | "cs" | "hs" | "extra";
  /** First column of the H-wide block inside one row of the buffer. */
  column: number;
  /** For labels: "forget gate f". */
  label: string;
  /** Values it can take, for colour scales: [0, 1] for σ gates, [−1, 1] for tanh; null unbounded. */
  range: [number, number] | null;
  /** A gate or candidate (drawn in gate heatmaps by default), not a state or pre-activation. */
  gate: boolean;
}

/** Blocks (of H rows) of W_hh and the per-step matrix (rows t = 0..T−1) each multiplies. */
export interface HiddenInput {
  row0: number;
  rows: number;
  src: "hsPrev" | "extra";
}

/** One cell kind with its options fixed: what the runner, the model and the figures read. */
export interface Cell {
  /** Gate blocks in the fused input projection: W_ih is G·H×D. */
  readonly G: number;
  readonly params: readonly ParamSpec[];
  /** Has a second state c beside h (LSTM-like); then c0, c_n, ∂L/∂c exist. */
  readonly hasCellState: boolean;
  /** Blocks of N·H in the carried state gradient (dcNext): 1 for c, more for other carried state. */
  readonly carry: number;
  /** True when ∂L/∂(hidden-side pre-activation) differs from the input-side one (GRU reset-after). */
  readonly separateHiddenGrad: boolean;
  /** H-wide columns per step in `extra`. */
  readonly extraWidth: number;
  readonly trace: Readonly<Record<string, TraceSlot>>;
  readonly hiddenInputs: readonly HiddenInput[];
  /**
   * Whether forwardStep and backwardStep make kernel calls alone (gemm, addRowBias, sumRows, K.ops), with no
   * arithmetic of their own in JavaScript: a backend may then replay a layer's steps in one call (Kernels.replay).
   */
  readonly replayable?: boolean;
  /** Sets what the initialisers cannot know (a gate bias), on freshly drawn layer weights. */
  initialise?(p: LayerParams, H: number): void;
  /** Reads gates row t (x_t W_ihᵀ + b_ih) and h_{t−1}; writes the step's gates, h_t (and c_t). */
  forwardStep(w: LayerWork, t: number, K: Kernels): void;
  /** Reads dH row t and dcNext; writes dAih/dAhh row t, dC row t, dhPrev, dcPrev, and adds to dp. */
  backwardStep(w: LayerWork, g: LayerGradWork, t: number, K: Kernels): void;
}

/** The four parameters of a cell whose gates are x W_ihᵀ + b_ih + h W_hhᵀ + b_hh (PyTorch's). */
export function standardParams(G: number): ParamSpec[] {
  return [
    { name: "weight_ih", shape: (D, H) => [G * H, D], init: "weight_ih", grad: "input" },
    { name: "weight_hh", shape: (_D, H) => [G * H, H], init: "weight_hh", grad: "hidden" },
    { name: "bias_ih", shape: (_D, H) => [G * H], init: "bias", grad: "input_bias" },
    { name: "bias_hh", shape: (_D, H) => [G * H], init: "bias", grad: "hidden_bias" },
  ];
}

/** Trace slots of gate blocks laid out in `gates` in this order. */
export function gateSlots(blocks: ReadonlyArray<[name: string, label: string, range: [number, number] | null]>) {
  const out: Record<string, TraceSlot> = {};
  blocks.forEach(([name, label, range], column) => (out[name] = { buffer: "gates", column, label, range, gate: true }));
  return out;
}

/** The range of a sigmoid gate, for trace slots and figure colour scales. */
export const SIGMOID: [number, number] = [0, 1];
/** The range of a tanh activation, for trace slots and figure colour scales. */
export const TANH: [number, number] = [-1, 1];
/** The trace slot of the hidden state h, which every cell has. */
export const H_SLOT: TraceSlot = { buffer: "hs", column: 0, label: "hidden state h", range: null, gate: false };
/** The trace slot of the LSTM's cell state c. */
export const C_SLOT: TraceSlot = { buffer: "cs", column: 0, label: "cell state c", range: null, gate: false };

/**
 * Sets gate block `block`'s total bias to `value` at initialisation: all of it in bias_ih, the
 * block zeroed in bias_hh (LSTM's forget gate and GRU's update gate are both block 1).
 */
export function setGateBias(p: LayerParams, H: number, block: number, value: number): void {
  p.bias_ih.fill(value, block * H, (block + 1) * H);
  p.bias_hh.fill(0, block * H, (block + 1) * H);
}
