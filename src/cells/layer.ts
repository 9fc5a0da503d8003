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
 * Truncated BPTT with window k treats the state at every step t that is a multiple of k as
 * a constant (as `h.detach()` every k steps does in PyTorch): no gradient crosses it, so each
 * k-step chunk is differentiated alone. The gradients are then exact for that truncated graph.
 */
import type { Cell, LayerParams, LayerWork, LayerGradWork } from "./cell";
import type { Kernels, Workspace } from "../math/kernels";
import { alloc, type DType, type FloatArray } from "../math/tensor";

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
    gates: ws.alloc(dtype, T * N * G * H), // T×N×G·H
    extra: ws.alloc(dtype, cell.usesExtra ? T * N * H : 0), // T×N×H
    scratch: ws.alloc(dtype, N * G * H), // N×G·H
  };
  if (h0) w.hs.set(h0);
  if (c0 && cell.hasCellState) w.cs.set(c0);
  K.gemm(false, true, T * N, G * H, D, w.x, xOff, D, w.p.Wih, 0, D, 0, w.gates, 0, G * H);
  K.addRowBias(T * N, G * H, w.p.bih, 0, w.gates, 0, G * H);
  for (let t = 0; t < T; t++) cell.forwardStep(w, t, K);
  // What backward and the trace need outlives this call; the original weights and input are
  // referenced (not copied), so backward can tell which network a result belongs to.
  return {
    ...w, p, x,
    hs: ws.keep(w.hs), cs: ws.keep(w.cs), gates: ws.keep(w.gates), extra: ws.keep(w.extra), scratch: alloc(dtype, 0),
  };
}

function stageParams(ws: Workspace, p: LayerParams): LayerParams {
  return { Wih: ws.stage(p.Wih), Whh: ws.stage(p.Whh), bih: ws.stage(p.bih), bhh: ws.stage(p.bhh) };
}

export interface LayerGrads {
  dWih: FloatArray; dWhh: FloatArray; dbih: FloatArray; dbhh: FloatArray;
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
  const g: LayerGradWork = {
    dAih,
    dAhh: cell.separateHiddenGrad ? ws.alloc(dtype, T * N * GH) : dAih,
    dH: ws.alloc(dtype, T * NH),
    dC: ws.alloc(dtype, cell.hasCellState ? T * NH : 0),
    dhPrev: ws.alloc(dtype, NH),
    dcPrev: ws.alloc(dtype, NH),
    dcNext: ws.alloc(dtype, NH),
    scratch: ws.alloc(dtype, NH),
  };
  if (dcT && cell.hasCellState) g.dcNext.set(dcT);
  const carry = ws.alloc(dtype, NH); // ∂L/∂h_t through steps > t
  if (dhT) carry.set(dhT);
  for (let t = T - 1; t >= 0; t--) {
    const row = t * NH;
    for (let k = 0; k < NH; k++) g.dH[row + k] = carry[k] + (dY ? dY[row + k] : 0);
    cell.backwardStep(w, g, t, K);
    const detached = truncate > 0 && t > 0 && t % truncate === 0;
    if (detached) {
      carry.fill(0);
      g.dcNext.fill(0);
    } else {
      carry.set(g.dhPrev);
      g.dcNext.set(g.dcPrev);
    }
  }

  const dWih = ws.alloc(dtype, GH * D);
  const dWhh = ws.alloc(dtype, GH * H);
  const dbih = ws.alloc(dtype, GH);
  const dbhh = ws.alloc(dtype, GH);
  const dX = ws.alloc(dtype, T * N * D);
  const rows = T * N;
  K.gemm(true, false, GH, D, rows, g.dAih, 0, GH, w.x, w.xOff, D, 0, dWih, 0, D);
  K.sumRows(rows, GH, g.dAih, 0, GH, dbih, 0);
  for (const inp of cell.hiddenInputs) {
    const src = inp.src === "extra" ? w.extra : w.hs; // hs rows 0..T−1 are h_{t−1}
    K.gemm(true, false, inp.rows * H, H, rows, g.dAhh, inp.row0 * H, GH, src, 0, H, 0, dWhh, inp.row0 * H * H, H);
  }
  K.sumRows(rows, GH, g.dAhh, 0, GH, dbhh, 0);
  K.gemm(false, false, rows, D, GH, g.dAih, 0, GH, p.Wih, 0, D, 0, dX, 0, D);
  return {
    dWih: ws.keep(dWih), dWhh: ws.keep(dWhh), dbih: ws.keep(dbih), dbhh: ws.keep(dbhh), dX: ws.keep(dX),
    dh0: ws.keep(carry), dc0: cell.hasCellState ? ws.keep(g.dcNext) : alloc(dtype, 0), dH: ws.keep(g.dH), dC: ws.keep(g.dC),
  };
}
