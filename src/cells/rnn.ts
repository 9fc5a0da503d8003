/**
 * Vanilla (Elman) RNN, PyTorch's nn.RNN:
 *
 *   a_t = x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh      N×H
 *   h_t = φ(a_t),  φ = tanh or relu
 *
 * Shapes: x_t N×D, h N×H, W_ih H×D, W_hh H×H. The gates buffer keeps the pre-activation
 * a_t (the trace). Backward: da = dh∘φ'(a_t), with tanh' = 1 − h_t² and relu' = [a_t > 0];
 * dh_{t−1} = da W_hh. Memory: T·N·H for a plus (T+1)·N·H for h, per layer.
 */
import type { Cell, LayerWork, LayerGradWork } from "./cell";
import type { Kernels } from "../math/kernels";

function forwardStep(w: LayerWork, t: number, K: Kernels, relu: boolean): void {
  const { N, H, gates, hs, p } = w;
  const aOff = t * N * H;
  K.gemm(false, true, N, H, H, hs, aOff, H, p.Whh, 0, H, 1, gates, aOff, H);
  K.addRowBias(N, H, p.bhh, 0, gates, aOff, H);
  const next = aOff + N * H;
  for (let k = 0; k < N * H; k++) {
    const a = gates[aOff + k];
    hs[next + k] = relu ? (a > 0 ? a : 0) : Math.tanh(a);
  }
}

function backwardStep(w: LayerWork, d: LayerGradWork, t: number, K: Kernels, relu: boolean): void {
  const { N, H, gates, hs, p } = w;
  const aOff = t * N * H;
  const next = aOff + N * H;
  for (let k = 0; k < N * H; k++) {
    const dh = d.dH[aOff + k];
    if (relu) d.dAih[aOff + k] = gates[aOff + k] > 0 ? dh : 0;
    else {
      const h = hs[next + k];
      d.dAih[aOff + k] = dh * (1 - h * h);
    }
  }
  K.gemm(false, false, N, H, H, d.dAih, aOff, H, p.Whh, 0, H, 0, d.dhPrev, 0, H);
}

function rnnCell(relu: boolean): Cell {
  return {
    G: 1,
    hasCellState: false,
    separateHiddenGrad: false,
    usesExtra: false,
    trace: { a: { buffer: "gates", column: 0 }, h: { buffer: "hs", column: 0 } },
    hiddenInputs: [{ row0: 0, rows: 1, src: "hsPrev" }],
    forwardStep: (w, t, K) => forwardStep(w, t, K, relu),
    backwardStep: (w, d, t, K) => backwardStep(w, d, t, K, relu),
  };
}

export const rnnTanhCell = rnnCell(false);
export const rnnReluCell = rnnCell(true);
