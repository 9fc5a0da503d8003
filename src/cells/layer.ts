/**
 * One recurrent layer over a whole sequence, for any cell: the parts of forward and BPTT
 * that do not depend on the cell's equations.
 *
 * Forward:  gates ← X W_ihᵀ + b_ih for all T·N rows in one matmul, then the cell's step t
 *           for t = 0..T−1.
 * Backward: for t = T−1..0, dH_t = dY_t + (∂L/∂h_t carried from step t+1); the cell's
 *           backward step; then, in one matmul each,
 *             dW_ih = dA_ihᵀ X      db_ih = Σ_rows dA_ih
 *             dW_hh = dA_hhᵀ H_prev (per block of rows, see Cell.hiddenInputs)
 *             db_hh = Σ_rows dA_hh  dX = dA_ih W_ih
 *           for the parameters a cell has (see ParamSpec.grad); the cell adds the rest itself.
 * Truncated BPTT with window k treats the state at every step t that is a multiple of k as
 * a constant (as `h.detach()` every k steps does in PyTorch): no gradient crosses it, so each
 * k-step chunk is differentiated alone. The gradients are then exact for that truncated graph.
 * A cell that carries state besides h and c (Cell.carry) cannot be truncated: forward() cannot
 * restart a chunk from that state, so the truncated graph would not be one forward() computes.
 * Where the cell's steps are kernel calls alone (Cell.replayable), a backend may run the steps
 * between two cuts as one call (Kernels.replay); the glue between backward steps is then kernel
 * ops too (layerOps).
 */
import type { Cell, GradRole, LayerParams, LayerWork, LayerGradWork } from "./cell";
import type { Kernels, Workspace } from "../math/kernels";
import { alloc, type DType, type FloatArray } from "../math/tensor";
import { GatescopeError } from "../errors";

/**
 * The glue between a layer's backward steps as ops a backend's replay can capture; these are the
 * reference, which runs them one by one.
 */
export const layerOps = {
  /** out = a + b over `count` values: ∂L/∂h_t from above plus what step t + 1 sends back. */
  layerAdd(count: number, a: FloatArray, aOff: number, b: FloatArray, bOff: number, out: FloatArray,
    outOff: number): void {
    for (let k = 0; k < count; k++) out[outOff + k] = a[aOff + k] + b[bOff + k];
  },
  /** dst = src over `count` values: what step t sends back to step t − 1 (zeros across a cut). */
  layerCopy(count: number, src: FloatArray, sOff: number, dst: FloatArray, dOff: number): void {
    dst.set(src.subarray(sOff, sOff + count), dOff);
  },
};

/** body(t, K) for t from `from` to `to` (either way): one replay where the cell allows it, else step by step. */
function steps(cell: Cell, K: Kernels, from: number, to: number, body: (t: number, K: Kernels) => void): void {
  if (cell.replayable && K.replay) return K.replay(from, to, body);
  const d = to >= from ? 1 : -1;
  for (let t = from; t !== to + d; t += d) body(t, K);
}

/** The name of the cell's parameter with this role, if it has one. */
function withRole(cell: Cell, role: GradRole): string | undefined {
  return cell.params.find((p) => p.grad === role)?.name;
}

export function layerForward(
  cell: Cell, K: Kernels, dtype: DType, p: LayerParams,
  N: number, T: number, D: number, H: number,
  x: FloatArray, xOff: number, h0: FloatArray | null, c0: FloatArray | null,
): LayerWork {
  const G = cell.G;
  const ws = K.workspace;
  const w: LayerWork = {
    N, T, D, H, G, p: stageParams(ws, p), x: ws.stage(x), xOff,
    hs: ws.alloc(dtype, (T + 1) * N * H), // (T+1)×N×H
    cs: ws.alloc(dtype, cell.hasCellState ? (T + 1) * N * H : 0), // (T+1)×N×H
    gates: ws.alloc(dtype, T * N * G * H, false), // T×N×G·H, written whole by the input product below
    extra: ws.alloc(dtype, T * N * cell.extraWidth * H), // T×N×E·H
    scratch: ws.alloc(dtype, N * G * H), // N×G·H
  };
  if (h0) w.hs.set(h0);
  if (c0 && cell.hasCellState) w.cs.set(c0);
  K.gemm(false, true, T * N, G * H, D, w.x, xOff, D, w.p.weight_ih, 0, D, 0, w.gates, 0, G * H);
  const bih = withRole(cell, "input_bias");
  if (bih) K.addRowBias(T * N, G * H, w.p[bih], 0, w.gates, 0, G * H);
  if (T > 0) steps(cell, K, 0, T - 1, (t, Kt) => cell.forwardStep(w, t, Kt));
  // What backward and the trace need outlives this call, in place (see Workspace.retain); the
  // original weights and input are referenced, so backward can tell which network it belongs to.
  const cache = { ...w, p, x, scratch: alloc(dtype, 0) };
  ws.retain(cache, ["x", "hs", "cs", "gates", "extra"]); // x: the layer below's hs, for layers above the first
  return cache;
}

function stageParams(ws: Workspace, p: LayerParams): LayerParams {
  const out: Record<string, FloatArray> = {};
  for (const [name, a] of Object.entries(p)) out[name] = ws.stage(a);
  return out;
}

/** dp outlives the operation; the rest is valid until the workspace's next begin(). */
export interface LayerGrads {
  /** Under the parameters' base names. */
  dp: Record<string, FloatArray>;
  dX: FloatArray;  // T×N×D
  dh0: FloatArray; // N×H
  dc0: FloatArray; // N×H (empty without a cell state)
  dH: FloatArray;  // T×N×H
  dC: FloatArray;  // T×N×H (empty without a cell state)
}

/**
 * dY: ∂L/∂h_t from above (the loss or the next layer), T×N×H time-major, or null.
 * dhT, dcT: ∂L/∂ of the final states (N×H), or null. truncate: window k, or 0 for full BPTT.
 */
export function layerBackward(
  cell: Cell, K: Kernels, dtype: DType, cache: LayerWork,
  dYin: FloatArray | null, dhT: FloatArray | null, dcT: FloatArray | null, truncate: number,
): LayerGrads {
  const { N, T, D, H, G } = cache;
  if (truncate > 0 && cell.carry > (cell.hasCellState ? 1 : 0)) {
    throw new GatescopeError(
      "backward truncate: expected 0 for a cell that carries state besides h and c (forward() cannot restart a " +
        `chunk from it), got ${truncate}`,
    );
  }
  const ws = K.workspace;
  const w: LayerWork = {
    ...cache, p: stageParams(ws, cache.p), x: ws.stage(cache.x),
    hs: ws.stage(cache.hs), cs: ws.stage(cache.cs), gates: ws.stage(cache.gates), extra: ws.stage(cache.extra),
  };
  const p = w.p;
  const dY = dYin ? ws.stage(dYin) : null;
  const NH = N * H;
  const GH = G * H;
  const dAih = ws.alloc(dtype, T * N * GH); // T×N×G·H
  // The cell's own gradients accumulate during the loop; the runner's matmul ones are taken after it.
  const dp: Record<string, FloatArray> = {};
  for (const s of cell.params) if (s.grad === "cell") dp[s.name] = ws.alloc(dtype, p[s.name].length);
  const g: LayerGradWork = {
    dAih,
    dAhh: cell.separateHiddenGrad ? ws.alloc(dtype, T * N * GH) : dAih,
    dH: ws.alloc(dtype, T * NH),
    dC: ws.alloc(dtype, cell.hasCellState ? T * NH : 0),
    dhPrev: ws.alloc(dtype, NH),
    dcPrev: ws.alloc(dtype, cell.carry * NH),
    dcNext: ws.alloc(dtype, cell.carry * NH),
    scratch: ws.alloc(dtype, NH),
    dp,
  };
  if (dcT && cell.hasCellState) g.dcNext.set(dcT);
  const carry = ws.alloc(dtype, NH); // ∂L/∂h_t through steps > t
  if (dhT) carry.set(dhT);
  const zeros = ws.alloc(dtype, Math.max(1, cell.carry) * NH); // what crosses a cut, and dY where there is none
  const cut = (t: number) => truncate > 0 && t > 0 && t % truncate === 0;
  const back = (t: number, Kt: Kernels) => {
    const row = t * NH;
    if (!Kt.ops.layerAdd?.(NH, carry, 0, dY ?? zeros, dY ? row : 0, g.dH, row))
      layerOps.layerAdd(NH, carry, 0, dY ?? zeros, dY ? row : 0, g.dH, row);
    cell.backwardStep(w, g, t, Kt);
    const from = cut(t) ? zeros : g.dhPrev;
    if (!Kt.ops.layerCopy?.(NH, from, 0, carry, 0)) layerOps.layerCopy(NH, from, 0, carry, 0);
    const cFrom = cut(t) ? zeros : g.dcPrev, carried = cell.carry * NH; // c (and any other carried state)
    if (carried > 0 && !Kt.ops.layerCopy?.(carried, cFrom, 0, g.dcNext, 0))
      layerOps.layerCopy(carried, cFrom, 0, g.dcNext, 0);
  };
  // The steps between two cuts are alike: each run of them is one replay; a step at a cut runs alone.
  for (let hi = T - 1; hi >= 0; ) {
    let lo = hi;
    while (lo > 0 && !cut(lo)) lo--;
    const end = cut(lo) ? lo + 1 : lo;
    if (hi >= end) steps(cell, K, hi, end, back);
    if (end > lo) back(lo, K);
    hi = lo - 1;
  }

  for (const s of cell.params) if (s.grad !== "cell") dp[s.name] = ws.alloc(dtype, p[s.name].length);
  const dX = ws.alloc(dtype, T * N * D);
  const rows = T * N;
  K.gemm(true, false, GH, D, rows, g.dAih, 0, GH, w.x, w.xOff, D, 0, dp.weight_ih, 0, D);
  const bih = withRole(cell, "input_bias");
  if (bih) K.sumRows(rows, GH, g.dAih, 0, GH, dp[bih], 0);
  const whh = withRole(cell, "hidden");
  if (whh) {
    for (const inp of cell.hiddenInputs) {
      const src = inp.src === "extra" ? w.extra : w.hs; // hs rows 0..T−1 are h_{t−1}
      K.gemm(true, false, inp.rows * H, H, rows, g.dAhh, inp.row0 * H, GH, src, 0, H, 0, dp[whh], inp.row0 * H * H, H);
    }
  }
  const bhh = withRole(cell, "hidden_bias");
  if (bhh) K.sumRows(rows, GH, g.dAhh, 0, GH, dp[bhh], 0);
  K.gemm(false, false, rows, D, GH, g.dAih, 0, GH, p.weight_ih, 0, D, 0, dX, 0, D);
  const kept: Record<string, FloatArray> = {};
  for (const [name, a] of Object.entries(dp)) kept[name] = ws.keep(a);
  return {
    dp: kept, dX, dh0: carry, dc0: cell.hasCellState ? g.dcNext.subarray(0, NH) : alloc(dtype, 0), dH: g.dH, dC: g.dC,
  };
}
