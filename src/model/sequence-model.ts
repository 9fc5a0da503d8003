/**
 * A recurrent stack plus a linear readout, trained on one task: what `train` optimizes and
 * what probes look inside. Parameters are exposed flat under one namespace: the stack's
 * PyTorch names (weight_ih_l0, …) and head.weight, head.bias.
 *   readout "last":  y = W h_T + b (N×O)        readout "every": y_t = W h_t + b (N×T×O)
 * The readout's matrix products run in the reference TypeScript kernels by default — the arithmetic every run
 * made so far used, so their bits stay regenerable — or in the backend's (`readoutKernels: "backend"`): at an
 * every-step readout over a vocabulary (N·T × H × V) the reference kernels take ~40 % of a character model's step.
 */
import { oneOf } from "../checks";
import { checkKeys, fail } from "../errors";
import type { Kernels } from "../math/kernels";
import type { Rng } from "../math/rng";
import { toTensor, type Tensor } from "../math/tensor";
import type { RecurrentConfig } from "./config";
import { mse, softmaxCrossEntropy } from "./losses";
import { Linear, lastStep, type ReadoutInit } from "./readout";
import { RecurrentNet, type BackwardResult, type ForwardResult } from "./recurrent";
import type { Trace } from "./trace";

/** The recurrent stack, the readout's width and where it reads. */
export interface SequenceModelConfig {
  rnn: RecurrentConfig;
  outputSize: number;
  readout: "last" | "every";
  /** How the readout starts (default "pytorch": torch.nn.Linear's). */
  readoutInit?: ReadoutInit;
  /** Whose kernels compute the readout: "reference" (default) or the recurrent stack's "backend". */
  readoutKernels?: "reference" | "backend";
}

/** What a loss compares with: regression targets, or class indices with a mask. */
export interface Targets {
  y: Tensor | null;
  classes: Int32Array | null;
  mask: Float64Array | null;
}

/** The hidden (and cell) state a forward pass starts from or ends with: L×N×H each; absent = zeros. */
export interface RecurrentState {
  h0?: Tensor;
  c0?: Tensor;
}

/** A training step's loss and gradients. */
export interface LossStep {
  loss: number;
  /** Null when the loss or the readout's gradient is not finite: there is nothing to step with. */
  grads: Record<string, Tensor> | null;
  backward: BackwardResult | null;
  /** Where a non-finite value appeared, when grads is null. */
  nonFinite?: string;
  /** The state the forward pass ended with, to start the next chunk of a stream from. */
  state: RecurrentState;
}

/** Where a forward pass's output stopped being finite, as a message, or null. */
function firstNonFinite(output: Tensor): string | null {
  const d = output.data;
  let i = 0;
  while (i < d.length && Number.isFinite(d[i])) i++; // a plain loop: this runs on every step's whole output
  if (i === d.length) return null;
  const [, T, H] = output.shape;
  const n = Math.floor(i / (T * H)),
    t = Math.floor(i / H) % T,
    j = i % H;
  return (
    `the forward pass overflowed: h[n=${n}, t=${t}, unit ${j}] = ${output.data[i]} (the weights have grown too ` +
    `large)`
  );
}

const finalState = (f: ForwardResult): RecurrentState => (f.cN ? { h0: f.hN, c0: f.cN } : { h0: f.hN });

/** A recurrent stack with a linear readout at the last step or at every step: what `train` trains. */
export class SequenceModel {
  readonly rnn: RecurrentNet;
  readonly head: Linear;
  readonly readout: "last" | "every";
  readonly readoutInit: ReadoutInit | undefined;
  readonly readoutKernels: "reference" | "backend" | undefined;

  constructor(config: SequenceModelConfig, rng: Rng, kernels?: Kernels) {
    checkKeys("model config", config, ["rnn", "outputSize", "readout", "readoutInit", "readoutKernels"]);
    if (config.readout !== "last" && config.readout !== "every")
      fail("model readout", `"last" or "every"`, config.readout);
    if (config.readoutKernels !== undefined)
      oneOf(config.readoutKernels, ["reference", "backend"], "model readoutKernels");
    this.rnn = new RecurrentNet(config.rnn, rng, kernels);
    this.head = new Linear(
      {
        inputSize: this.rnn.config.hiddenSize,
        outputSize: config.outputSize,
        dtype: this.rnn.config.dtype,
        init: config.readoutInit,
      },
      rng,
      config.readoutKernels === "backend" ? this.rnn.kernels : undefined,
    );
    this.readout = config.readout;
    this.readoutInit = config.readoutInit;
    this.readoutKernels = config.readoutKernels;
  }

  get config(): SequenceModelConfig {
    const init = this.readoutInit ? { readoutInit: this.readoutInit } : {};
    const on = this.readoutKernels ? { readoutKernels: this.readoutKernels } : {};
    return { rnn: this.rnn.config, outputSize: this.head.outputSize, readout: this.readout, ...init, ...on };
  }

  /** Every parameter, live (the optimizer updates these tensors in place). */
  params(): Record<string, Tensor> {
    return { ...this.rnn.params, "head.weight": this.head.params.weight, "head.bias": this.head.params.bias };
  }

  /** Replaces every parameter at once, named as `params()` names them; on any error nothing is changed. */
  setParams(params: Record<string, unknown>): void {
    const { "head.weight": weight, "head.bias": bias, ...rnn } = params;
    const head = { weight, bias } as Record<"weight" | "bias", unknown>;
    const checked = Object.fromEntries(
      (["weight", "bias"] as const).map((k) => {
        const live = this.head.params[k];
        const dtype = live.data instanceof Float32Array ? "float32" : "float64";
        return [k, toTensor(head[k], dtype, live.shape, `setParams head.${k} (${live.shape.join("×")})`)];
      }),
    ) as Record<"weight" | "bias", Tensor>;
    this.rnn.setParams(rnn); // checks all of its own before it changes any
    for (const k of ["weight", "bias"] as const) this.head.params[k].data.set(checked[k].data);
  }

  /** The readout's prediction for x. */
  predict(x: unknown): Tensor {
    return this.headOf(this.outputOf(x).output);
  }

  /** The recurrent output and final state alone: the forward's caches are not kept for a backward or a trace. */
  private outputOf(x: unknown, state: RecurrentState = {}): { output: Tensor; state: RecurrentState } {
    const forward = this.rnn.forward(x, state);
    this.dropCaches(forward);
    return { output: forward.output, state: finalState(forward) };
  }

  private dropCaches(forward: ForwardResult): void {
    for (const layer of forward.trace.layers) this.rnn.kernels.workspace.drop(layer);
  }

  /**
   * Reads x from a state (default zeros), hands the pass's gate trace to `visit` before its caches are let go (copy
   * what you keep), and returns the state it ends with: how a long text is looked inside chunk by chunk.
   */
  readWith(x: unknown, from: RecurrentState | undefined, visit: (trace: Trace) => void): RecurrentState {
    const forward = this.rnn.forward(x, from ?? {});
    try {
      visit(forward.trace);
      return finalState(forward);
    } finally {
      this.dropCaches(forward);
    }
  }

  /**
   * The prediction from a starting state (default zeros) and the state it ends with, or where the forward pass
   * stopped being finite (weights grown too large).
   */
  tryPredict(
    x: unknown,
    from?: RecurrentState,
  ): { prediction: Tensor; state: RecurrentState; nonFinite: null } | { prediction: null; nonFinite: string } {
    const { output, state } = this.outputOf(x, from);
    const bad = firstNonFinite(output);
    return bad ? { prediction: null, nonFinite: bad } : { prediction: this.headOf(output), state, nonFinite: null };
  }

  private headOf(output: Tensor): Tensor {
    return this.head.forward(this.readout === "last" ? lastStep(output) : output);
  }

  /**
   * Loss and exact gradients of every parameter for one batch (no gradients if the loss is not finite), from a
   * starting state (default zeros) through which no gradient flows back: a stream's previous chunk.
   */
  lossAndGrads(x: unknown, targets: Targets, kind: "mse" | "ce", truncate = 0, from?: RecurrentState): LossStep {
    const forward = this.rnn.forward(x, from ?? {});
    try {
      return this.stepFrom(forward, targets, kind, truncate);
    } finally {
      this.dropCaches(forward); // no trace leaves a training step
    }
  }

  private stepFrom(forward: ForwardResult, targets: Targets, kind: "mse" | "ce", truncate: number): LossStep {
    const state = finalState(forward);
    const overflow = firstNonFinite(forward.output);
    if (overflow) return { loss: NaN, grads: null, backward: null, nonFinite: overflow, state };
    const features = this.readout === "last" ? lastStep(forward.output) : forward.output;
    const prediction = this.head.forward(features);
    const r =
      kind === "mse"
        ? mse(
            prediction,
            toTensor(targets.y, this.rnn.config.dtype, prediction.shape, "targets y"),
            targets.mask ?? undefined,
          )
        : softmaxCrossEntropy(prediction, targets.classes ?? [], targets.mask ?? undefined);
    if (!Number.isFinite(r.loss))
      return { loss: r.loss, grads: null, backward: null, nonFinite: `the loss is ${r.loss}`, state };
    const hb = this.head.backward(features, r.grad);
    const bad = hb.dInput.data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0)
      return {
        loss: r.loss,
        grads: null,
        backward: null,
        nonFinite: `∂L/∂h from the readout is ${hb.dInput.data[bad]} (the weights have grown too large)`,
        state,
      };
    const backward = this.rnn.backward(forward, { dOutput: hb.dInput }, { truncate });
    return {
      loss: r.loss,
      grads: { ...backward.grads, "head.weight": hb.grads.weight, "head.bias": hb.grads.bias },
      backward,
      state,
    };
  }
}
