/**
 * A stack of L recurrent layers of one registered kind, batch-first like PyTorch's
 * `batch_first=True`: x N×T×D → output N×T×H (the top layer's h_t), h_n L×N×H, c_n L×N×H (cells
 * with a cell state). Parameters are named `${base}_l${k}` from the cell's description; for the
 * cells PyTorch has they are PyTorch's names and shapes (weight_ih_l{k}: G·H×D_k, weight_hh_l{k}:
 * G·H×H, bias_ih_l{k}, bias_hh_l{k}: G·H), so state dicts move both ways without loss.
 */
import { checkKeys, fail, GatescopeError, shapeString } from "../errors";
import type { Cell, LayerParams } from "../cells/cell";
import { layerBackward, layerForward, type LayerGrads } from "../cells/layer";
import type { Kernels } from "../math/kernels";
import { defaultKernels } from "../backend";
import { initialise } from "../math/init";
import type { Rng } from "../math/rng";
import { alloc, swap01, toTensor, zeros, type FloatArray, type Tensor } from "../math/tensor";
import { cellFor, paramShapes, resolveConfig, type RecurrentConfig, type ResolvedConfig } from "./config";
import { Trace } from "./trace";

/** Initial states for `forward`. */
export interface ForwardOptions {
  /** Initial hidden state L×N×H; zeros when absent. */
  h0?: unknown;
  /** Initial cell state L×N×H (cells with one: LSTM); zeros when absent. */
  c0?: unknown;
}

/** The top layer's outputs, the final states and the gate trace of one forward pass. */
export interface ForwardResult {
  output: Tensor; // N×T×H
  hN: Tensor; // L×N×H
  cN: Tensor | null; // L×N×H, LSTM only
  trace: Trace;
}

/** The loss's gradients with respect to what `forward` returned. */
export interface BackwardInput {
  /** ∂L/∂output: N×T×H for every step, or N×H for the last step only; absent = 0. */
  dOutput?: unknown;
  /** ∂L/∂h_n, L×N×H; absent = 0. */
  dHn?: unknown;
  /** ∂L/∂c_n, L×N×H (LSTM only); absent = 0. */
  dCn?: unknown;
}

/** How `backward` runs. */
export interface BackwardOptions {
  /** Truncated BPTT window k: no gradient crosses the states at steps k, 2k, … (0 = full BPTT). */
  truncate?: number;
}

/** Gradients of the parameters, the input and the initial states, and ∂L/∂h_t at every step. */
export interface BackwardResult {
  /** Gradients under PyTorch's parameter names. */
  grads: Record<string, Tensor>;
  dX: Tensor; // N×T×D
  dH0: Tensor; // L×N×H
  dC0: Tensor | null; // L×N×H, LSTM only
  /** ∂L/∂h_t of every layer and step, L×N×T×H: what the vanishing-gradient plots show. */
  dh: Tensor;
  /** ∂L/∂c_t, L×N×T×H (LSTM only). */
  dc: Tensor | null;
}

/** A stack of recurrent layers of one cell kind, with exact BPTT, gate traces and ∂L/∂h_t for every step. */
export class RecurrentNet {
  readonly config: ResolvedConfig;
  readonly params: Record<string, Tensor>;
  readonly cell: Cell;
  /** The numeric backend; swap it for a faster one without touching the cells. */
  kernels: Kernels;

  /** A freshly initialised network; `rng` is the only source of randomness. */
  constructor(config: RecurrentConfig, rng: Rng, kernels: Kernels = defaultKernels()) {
    this.config = resolveConfig(config);
    this.cell = cellFor(this.config);
    this.kernels = kernels;
    this.params = {};
    const { hiddenSize: H, init } = this.config;
    const shapes = paramShapes(this.config);
    // Drawn layer by layer in the cell's order: PyTorch's order, for the cells it has.
    for (let l = 0; l < this.config.numLayers; l++) {
      for (const spec of this.cell.params) {
        const name = `${spec.name}_l${l}`;
        const t = zeros(this.config.dtype, shapes[name]);
        if (typeof spec.init === "function") spec.init(t.data, rng, H);
        else initialise(init[spec.init], t.data, shapes[name][0], shapes[name][1] ?? 1, H, rng);
        this.params[name] = t;
      }
    }
    for (let l = 0; l < this.config.numLayers; l++) this.cell.initialise?.(this.layerParams(l), H);
  }

  /** A network with the given weights (validated all together before any is used). */
  static fromParams(
    config: RecurrentConfig,
    params: Record<string, unknown>,
    kernels: Kernels = defaultKernels(),
  ): RecurrentNet {
    const resolved = resolveConfig(config);
    const net = Object.create(RecurrentNet.prototype) as RecurrentNet;
    const checked = checkParams(resolved, params);
    Object.assign(net, { config: resolved, cell: cellFor(resolved), kernels, params: checked });
    return net;
  }

  /** Replaces every parameter at once; on any error nothing is changed. */
  setParams(params: Record<string, unknown>): void {
    const checked = checkParams(this.config, params);
    for (const [name, t] of Object.entries(checked)) this.params[name].data.set(t.data);
  }

  get numParams(): number {
    return Object.values(this.params).reduce((s, t) => s + t.data.length, 0);
  }

  /** Runs the stack over x (N×T×D) and keeps what backward and the trace need. */
  forward(x: unknown, options: ForwardOptions = {}): ForwardResult {
    checkKeys("forward options", options, ["h0", "c0"]);
    const { kind, inputSize: D, hiddenSize: H, numLayers: L, dtype } = this.config;
    const hasC = this.cell.hasCellState;
    const X = toTensor(x, dtype, [-1, -1, D], "forward input x (N×T×D)");
    const [N, T] = X.shape;
    const h0 = options.h0 === undefined ? null : toTensor(options.h0, dtype, [L, N, H], "forward h0 (L×N×H)");
    if (options.c0 !== undefined && !hasC) fail("forward c0", `no c0 for kind "${kind}"`, options.c0);
    const c0 = options.c0 === undefined ? null : toTensor(options.c0, dtype, [L, N, H], "forward c0 (L×N×H)");
    const xs = swap01(X.data, N, T, D, alloc(dtype, N * T * D)); // T×N×D
    this.kernels.workspace.begin();
    const layers = [];
    let input: FloatArray = xs;
    let inputOff = 0;
    for (let l = 0; l < L; l++) {
      const w = layerForward(
        this.cell,
        this.kernels,
        dtype,
        this.layerParams(l),
        N,
        T,
        l === 0 ? D : H,
        H,
        input,
        inputOff,
        h0 ? h0.data.subarray(l * N * H, (l + 1) * N * H) : null,
        c0 ? c0.data.subarray(l * N * H, (l + 1) * N * H) : null,
      );
      layers.push(w);
      input = w.hs;
      inputOff = N * H; // the next layer reads h_1..h_T
    }
    const top = layers[L - 1];
    const output = { shape: [N, T, H], data: swap01(top.hs.subarray(N * H), T, N, H, alloc(dtype, N * T * H)) };
    const hN = zeros(dtype, [L, N, H]);
    const cN = hasC ? zeros(dtype, [L, N, H]) : null;
    for (let l = 0; l < L; l++) {
      hN.data.set(layers[l].hs.subarray(T * N * H), l * N * H);
      if (cN) cN.data.set(layers[l].cs.subarray(T * N * H), l * N * H);
    }
    return { output, hN, cN, trace: new Trace(this.cell, layers) };
  }

  /**
   * Exact gradients of L through the graph `forward` built (call it before the weights
   * change). With `truncate: k`, exact for the truncated graph (see cells/layer.ts).
   */
  backward(fwd: ForwardResult, input: BackwardInput, options: BackwardOptions = {}): BackwardResult {
    checkKeys("backward input", input, ["dOutput", "dHn", "dCn"]);
    checkKeys("backward options", options, ["truncate"]);
    const { kind, inputSize: D, hiddenSize: H, numLayers: L, dtype } = this.config;
    const hasC = this.cell.hasCellState;
    const layers = fwd?.trace?.layers;
    if (!layers || layers.length !== L || layers[0].p.weight_ih !== this.params.weight_ih_l0.data) {
      throw new GatescopeError("backward: expected the result of this network's forward(), got something else");
    }
    const { N, T } = layers[0];
    const truncate = options.truncate ?? 0;
    if (!Number.isInteger(truncate) || truncate < 0)
      fail("backward truncate", "a non-negative integer (0 = full BPTT)", truncate);
    if (input.dCn !== undefined && !hasC) fail("backward dCn", `no dCn for kind "${kind}"`, input.dCn);
    const dY = this.outputGrad(input.dOutput, N, T);
    const dHn = input.dHn === undefined ? null : toTensor(input.dHn, dtype, [L, N, H], "backward dHn (L×N×H)");
    const dCn = input.dCn === undefined ? null : toTensor(input.dCn, dtype, [L, N, H], "backward dCn (L×N×H)");

    this.kernels.workspace.begin(layers); // the caches are read where forward left them
    const grads: Record<string, Tensor> = {};
    const dH0 = zeros(dtype, [L, N, H]);
    const dC0 = hasC ? zeros(dtype, [L, N, H]) : null;
    // ∂L/∂h_t and ∂L/∂c_t stay time-major until read: a training step never reads them.
    const dHs: FloatArray[] = [];
    const dCs: FloatArray[] = [];
    let above: FloatArray | null = dY;
    let dX: FloatArray = alloc(dtype, 0);
    for (let l = L - 1; l >= 0; l--) {
      const slice = (t: Tensor | null) => (t ? t.data.subarray(l * N * H, (l + 1) * N * H) : null);
      const g: LayerGrads = layerBackward(
        this.cell,
        this.kernels,
        dtype,
        layers[l],
        above,
        slice(dHn),
        slice(dCn),
        truncate,
      );
      for (const [base, data] of Object.entries(g.dp)) {
        grads[`${base}_l${l}`] = { shape: this.params[`${base}_l${l}`].shape, data };
      }
      dH0.data.set(g.dh0, l * N * H);
      dHs[l] = this.kernels.workspace.keep(g.dH);
      if (dC0) {
        dC0.data.set(g.dc0, l * N * H);
        dCs[l] = this.kernels.workspace.keep(g.dC);
      }
      above = g.dX;
      dX = g.dX;
    }
    const ordered: Record<string, Tensor> = {}; // the parameters' own order (PyTorch's, for its cells)
    for (const name of Object.keys(this.params)) ordered[name] = grads[name];
    const batchFirst = (perLayer: FloatArray[]) => {
      const t = zeros(dtype, [L, N, T, H]);
      perLayer.forEach((d, l) => swap01(d, T, N, H, t.data.subarray(l * N * T * H, (l + 1) * N * T * H)));
      return t;
    };
    let dh: Tensor | undefined, dc: Tensor | null | undefined;
    return {
      grads: ordered,
      dX: { shape: [N, T, D], data: swap01(dX, T, N, D, alloc(dtype, N * T * D)) },
      dH0,
      dC0,
      get dh() {
        return (dh ??= batchFirst(dHs));
      },
      get dc() {
        return dc === undefined ? (dc = hasC ? batchFirst(dCs) : null) : dc;
      },
    };
  }

  private layerParams(l: number): LayerParams {
    const out: Record<string, FloatArray> = {};
    for (const spec of this.cell.params) out[spec.name] = this.params[`${spec.name}_l${l}`].data;
    return out;
  }

  /** ∂L/∂output as a T×N×H time-major buffer (or null when absent). */
  private outputGrad(dOutput: unknown, N: number, T: number): FloatArray | null {
    if (dOutput === undefined || dOutput === null) return null;
    const { hiddenSize: H, dtype } = this.config;
    const what = "backward dOutput (N×T×H, or N×H for the last step only)";
    const g = toTensor(dOutput, dtype, null, what);
    const s = g.shape;
    const out = alloc(dtype, T * N * H);
    if (s.length === 3 && s[0] === N && s[1] === T && s[2] === H) swap01(g.data, N, T, H, out);
    else if (s.length === 2 && s[0] === N && s[1] === H && T > 0) out.set(g.data, (T - 1) * N * H);
    else throw new GatescopeError(`${what}: expected shape [${N}, ${T}, ${H}] or [${N}, ${H}], got ${shapeString(s)}`);
    return out;
  }
}

/** Validates a full state dict against the config; returns fresh tensors of the config's dtype. */
export function checkParams(config: ResolvedConfig, params: Record<string, unknown>): Record<string, Tensor> {
  if (typeof params !== "object" || params === null) fail("parameters", "an object of named tensors", params);
  const shapes = paramShapes(config);
  const expected = Object.keys(shapes);
  const missing = expected.filter((n) => !(n in params));
  const unexpected = Object.keys(params).filter((n) => !(n in shapes));
  if (missing.length || unexpected.length) {
    throw new GatescopeError(
      `parameters for ${config.kind} with ${config.numLayers} layer(s): expected exactly [${expected.join(", ")}]` +
        (missing.length ? `; missing [${missing.join(", ")}]` : "") +
        (unexpected.length ? `; unexpected [${unexpected.join(", ")}]` : ""),
    );
  }
  const out: Record<string, Tensor> = {};
  for (const name of expected)
    out[name] = toTensor(params[name], config.dtype, shapes[name], `parameter ${name} ${shapeString(shapes[name])}`);
  return out;
}
