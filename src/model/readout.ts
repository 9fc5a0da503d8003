/**
 * Linear readout y = h Wᵀ + b on the last axis of any tensor: N×T×H (every step) or N×H (the
 * last step; take it with `lastStep`). Shapes: W O×H, b O. Initialised like torch.nn.Linear,
 * U(±1/√H) for weight and bias ("pytorch"), or as Arjovsky et al.'s code does ("glorot": W Glorot
 * uniform U(±√(6/(H + O))), b = 0).
 * Backward: dW = dyᵀ h (summed over all leading positions), db = Σ dy, dh = dy W.
 */
import { oneOf, positiveInt } from "../checks";
import { checkKeys, fail } from "../errors";
import type { Kernels } from "../math/kernels";
import { jsKernels } from "../backend/js";
import { initialise } from "../math/init";
import type { Rng } from "../math/rng";
import { alloc, checkDType, sizeOf, toTensor, zeros, type DType, type Tensor } from "../math/tensor";

/** Sizes and dtype of a `Linear` readout. */
export interface LinearConfig {
  inputSize: number;
  outputSize: number;
  dtype?: DType;
  /** Default "pytorch". */
  init?: ReadoutInit;
}

/** How a readout starts: torch.nn.Linear's default, or Glorot weights and a zero bias. */
export type ReadoutInit = "pytorch" | "glorot";
/** Every readout initialisation. */
export const READOUT_INITS: readonly ReadoutInit[] = ["pytorch", "glorot"];

/** A linear readout y = h Wᵀ + b with its backward. */
export class Linear {
  readonly inputSize: number;
  readonly outputSize: number;
  readonly dtype: DType;
  readonly params: { weight: Tensor; bias: Tensor };
  kernels: Kernels;

  constructor(config: LinearConfig, rng: Rng, kernels: Kernels = jsKernels) {
    checkKeys("Linear config", config, ["inputSize", "outputSize", "dtype", "init"]);
    for (const key of ["inputSize", "outputSize"] as const) {
      positiveInt(config[key], `Linear config.${key}`);
    }
    this.inputSize = config.inputSize;
    this.outputSize = config.outputSize;
    this.dtype = config.dtype === undefined ? "float32" : checkDType(config.dtype, "Linear config.dtype");
    this.kernels = kernels;
    const init = config.init === undefined ? "pytorch" : oneOf(config.init, READOUT_INITS, "Linear config.init");
    const [H, O] = [this.inputSize, this.outputSize];
    const weight = zeros(this.dtype, [O, H]);
    const bias = zeros(this.dtype, [O]);
    if (init === "glorot") initialise({ kind: "xavier" }, weight.data, O, H, O, rng);
    else {
      initialise({ kind: "pytorch" }, weight.data, O, H, H, rng);
      initialise({ kind: "pytorch" }, bias.data, O, 1, H, rng);
    }
    this.params = { weight, bias };
  }

  /** y = h Wᵀ + b over the last axis of h. */
  forward(h: unknown): Tensor {
    const x = this.input(h);
    const rows = sizeOf(x.shape) / this.inputSize;
    const y = alloc(this.dtype, rows * this.outputSize);
    const { weight, bias } = this.params;
    this.kernels.gemm(
      false,
      true,
      rows,
      this.outputSize,
      this.inputSize,
      x.data,
      0,
      this.inputSize,
      weight.data,
      0,
      this.inputSize,
      0,
      y,
      0,
      this.outputSize,
    );
    this.kernels.addRowBias(rows, this.outputSize, bias.data, 0, y, 0, this.outputSize);
    return { shape: [...x.shape.slice(0, -1), this.outputSize], data: y };
  }

  /** Gradients given the forward input h and ∂L/∂y. */
  backward(h: unknown, dy: unknown): { grads: { weight: Tensor; bias: Tensor }; dInput: Tensor } {
    const x = this.input(h);
    const lead = x.shape.slice(0, -1);
    const g = toTensor(dy, this.dtype, [...lead, this.outputSize], "Linear backward dy");
    const rows = sizeOf(lead);
    const { inputSize: I, outputSize: O } = this;
    const weight = zeros(this.dtype, [O, I]);
    const bias = zeros(this.dtype, [O]);
    const dInput = zeros(this.dtype, x.shape);
    this.kernels.gemm(true, false, O, I, rows, g.data, 0, O, x.data, 0, I, 0, weight.data, 0, I);
    this.kernels.sumRows(rows, O, g.data, 0, O, bias.data, 0);
    this.kernels.gemm(false, false, rows, I, O, g.data, 0, O, this.params.weight.data, 0, I, 0, dInput.data, 0, I);
    return { grads: { weight, bias }, dInput };
  }

  private input(h: unknown): Tensor {
    const x = toTensor(h, this.dtype, null, "Linear input");
    if (x.shape.length < 1 || x.shape[x.shape.length - 1] !== this.inputSize) {
      fail("Linear input", `a last axis of size ${this.inputSize}`, `shape [${x.shape.join(", ")}]`);
    }
    return x;
  }
}

/** The last step of an N×T×H sequence, N×H. Its gradient goes back as RecurrentNet.backward's N×H dOutput. */
export function lastStep(seq: Tensor): Tensor {
  if (seq.shape.length !== 3 || seq.shape[1] < 1)
    fail("lastStep", "an N×T×H tensor with T ≥ 1", `shape [${seq.shape.join(", ")}]`);
  const [N, T, H] = seq.shape;
  const out = zeros(seq.data instanceof Float64Array ? "float64" : "float32", [N, H]);
  for (let n = 0; n < N; n++) out.data.set(seq.data.subarray((n * T + T - 1) * H, (n * T + T) * H), n * H);
  return out;
}
