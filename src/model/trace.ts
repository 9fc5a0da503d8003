/**
 * The gate trace of one forward pass. It is not a copy: it is the cache BPTT keeps anyway,
 * read out on request as batch-first N×T×H tensors.
 */
import { GatescopeError } from "../errors";
import type { Cell, LayerWork, TraceSlot } from "../cells/cell";
import { alloc, dtypeOf, type Tensor } from "../math/tensor";

/** The gates and states of every layer and step of one forward pass, by the names the cell declares. */
export class Trace {
  /** @internal the per-layer caches backward needs. */
  readonly layers: readonly LayerWork[];
  private readonly cell: Cell;

  constructor(cell: Cell, layers: readonly LayerWork[]) {
    this.cell = cell;
    this.layers = layers;
  }

  /** Traced quantities, as the cell names them: i, f, g, o, c, h (LSTM); r, z, n, h (GRU); a, h (RNN); … */
  get names(): string[] {
    return Object.keys(this.cell.trace);
  }

  /** The gates and candidates (not states or pre-activations), in the cell's order. */
  get gateNames(): string[] {
    return this.names.filter((n) => this.cell.trace[n].gate);
  }

  /** What `name` is: its label and range of values, for figures. */
  describe(name: string): Pick<TraceSlot, "label" | "range" | "gate"> {
    const { label, range, gate } = this.slot(name);
    return { label, range, gate };
  }

  private slot(name: string): TraceSlot {
    const slot = this.cell.trace[name];
    if (!slot) throw new GatescopeError(`trace: expected one of [${this.names.join(", ")}], got "${name}"`);
    return slot;
  }

  get numLayers(): number {
    return this.layers.length;
  }

  /** Values of `name` at every step of `layer` (default: the top layer), shape [N, T, H]. */
  get(name: string, layer = this.layers.length - 1): Tensor {
    const slot = this.slot(name);
    if (!Number.isInteger(layer) || layer < 0 || layer >= this.layers.length) {
      throw new GatescopeError(`trace layer: expected an integer in [0, ${this.layers.length - 1}], got ${layer}`);
    }
    const w = this.layers[layer];
    const { N, T, H, G } = w;
    const src = w[slot.buffer];
    const width = slot.buffer === "gates" ? G * H : H;
    const skip = slot.buffer === "hs" || slot.buffer === "cs" ? N * H : 0; // row 0 is the initial state
    const data = alloc(dtypeOf(src), N * T * H);
    for (let t = 0; t < T; t++) {
      for (let n = 0; n < N; n++) {
        const s = skip + (t * N + n) * width + slot.column * H;
        data.set(src.subarray(s, s + H), (n * T + t) * H);
      }
    }
    return { shape: [N, T, H], data };
  }
}
