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
import type { Cell, CellOps } from "./cell";

/** Reference activation math over `count` = N·H entries; h_t sits at hs[aOff + N·H]. */
export const rnnOps: Pick<CellOps, "rnnForward" | "rnnBackward"> = {
  rnnForward(count, a, aOff, hs, relu) {
    const next = aOff + count;
    for (let k = 0; k < count; k++) {
      const v = a[aOff + k];
      hs[next + k] = relu ? (v > 0 ? v : 0) : Math.tanh(v);
    }
  },

  /** dH and dA at aOff (row t). */
  rnnBackward(count, a, aOff, hs, dH, dA, relu) {
    const next = aOff + count;
    for (let k = 0; k < count; k++) {
      const dh = dH[aOff + k];
      if (relu) dA[aOff + k] = a[aOff + k] > 0 ? dh : 0;
      else {
        const h = hs[next + k];
        dA[aOff + k] = dh * (1 - h * h);
      }
    }
  },
};

function rnnCell(relu: boolean): Cell {
  return {
    G: 1,
    hasCellState: false,
    separateHiddenGrad: false,
    usesExtra: false,
    trace: { a: { buffer: "gates", column: 0 }, h: { buffer: "hs", column: 0 } },
    hiddenInputs: [{ row0: 0, rows: 1, src: "hsPrev" }],
    forwardStep(w, t, K) {
      const { N, H, gates, hs, p } = w;
      const aOff = t * N * H;
      K.gemm(false, true, N, H, H, hs, aOff, H, p.Whh, 0, H, 1, gates, aOff, H);
      K.addRowBias(N, H, p.bhh, 0, gates, aOff, H);
      K.ops.rnnForward(N * H, gates, aOff, hs, relu);
    },
    backwardStep(w, d, t, K) {
      const { N, H, gates, hs, p } = w;
      const aOff = t * N * H;
      K.ops.rnnBackward(N * H, gates, aOff, hs, d.dH, d.dAih, relu);
      K.gemm(false, false, N, H, H, d.dAih, aOff, H, p.Whh, 0, H, 0, d.dhPrev, 0, H);
    },
  };
}

export const rnnTanhCell = rnnCell(false);
export const rnnReluCell = rnnCell(true);
