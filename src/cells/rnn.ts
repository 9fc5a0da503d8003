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
import type { FloatArray } from "../math/tensor";
import { H_SLOT, standardParams, TANH, type Cell } from "./cell";
import type { CellDescription } from "./registry";

/** Reference activation math over `count` = N·H entries; h_t sits at hs[aOff + N·H]. */
export const rnnOps = {
  rnnForward(count: number, a: FloatArray, aOff: number, hs: FloatArray, relu: boolean): void {
    const next = aOff + count;
    for (let k = 0; k < count; k++) {
      const v = a[aOff + k];
      hs[next + k] = relu ? (v > 0 ? v : 0) : Math.tanh(v);
    }
  },

  /** dH and dA at aOff (row t). */
  rnnBackward(count: number, a: FloatArray, aOff: number, hs: FloatArray, dH: FloatArray, dA: FloatArray,
    relu: boolean): void {
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
    params: standardParams(1),
    hasCellState: false,
    carry: 0,
    separateHiddenGrad: false,
    extraWidth: 0,
    replayable: true,
    trace: {
      a: { buffer: "gates", column: 0, label: "pre-activation a", range: null, gate: false },
      h: { ...H_SLOT, range: relu ? null : TANH },
    },
    hiddenInputs: [{ row0: 0, rows: 1, src: "hsPrev" }],
    forwardStep(w, t, K) {
      const { N, H, gates, hs, p } = w;
      const aOff = t * N * H;
      K.gemm(false, true, N, H, H, hs, aOff, H, p.weight_hh, 0, H, 1, gates, aOff, H);
      K.addRowBias(N, H, p.bias_hh, 0, gates, aOff, H);
      if (!K.ops.rnnForward?.(N * H, gates, aOff, hs, relu)) rnnOps.rnnForward(N * H, gates, aOff, hs, relu);
    },
    backwardStep(w, d, t, K) {
      const { N, H, gates, hs, p } = w;
      const aOff = t * N * H;
      if (!K.ops.rnnBackward?.(N * H, gates, aOff, hs, d.dH, d.dAih, relu)) {
        rnnOps.rnnBackward(N * H, gates, aOff, hs, d.dH, d.dAih, relu);
      }
      K.gemm(false, false, N, H, H, d.dAih, aOff, H, p.weight_hh, 0, H, 0, d.dhPrev, 0, H);
    },
  };
}

const rnnTanhCell = rnnCell(false);
const rnnReluCell = rnnCell(true);

function rnnDescription<R extends boolean>(relu: R): CellDescription<R extends true ? "rnn_relu" : "rnn_tanh"> {
  const name = relu ? "relu" : "tanh";
  return {
    kind: `rnn_${name}` as R extends true ? "rnn_relu" : "rnn_tanh",
    title: `RNN (${name})`,
    color: relu ? "#E69F00" : "#D55E00", // Okabe & Ito's orange and vermillion
    summary: `Elman's vanilla RNN, h_t = ${name}(x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh) (PyTorch's nn.RNN)`,
    options: {},
    cell: () => (relu ? rnnReluCell : rnnTanhCell),
    pytorch: { module: "RNN", nonlinearity: name, importOptions: {}, unexportable: () => null },
  };
}

export const rnnTanh = rnnDescription(false as const);
export const rnnRelu = rnnDescription(true as const);
