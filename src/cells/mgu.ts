/**
 * MGU, the minimal gated unit (Zhou, Wu, Zhang & Zhou 2016): one gate f doing the work of the
 * GRU's reset and update gates, with the GRU's two-bias convention (b_ih, b_hh) kept so that its
 * parameters read like PyTorch's. Blocks [f | n]:
 *
 *   f = σ(x_t W_ifᵀ + b_if + h_{t−1} W_hfᵀ + b_hf)
 *   n = tanh(x_t W_inᵀ + b_in + (f∘h_{t−1}) W_hnᵀ + b_hn)
 *   h_t = (1 − f)∘h_{t−1} + f∘n
 *
 * Shapes: x_t N×D, h N×H, W_ih 2H×D, W_hh 2H×H. The gates buffer keeps the activated f, n;
 * `extra` keeps f∘h_{t−1}, the input of W_hn. Backward, per step, with dh the total ∂L/∂h_t:
 *
 *   da_n = dh∘f∘(1 − n²)      d(f∘h) = da_n W_hn
 *   da_f = (dh∘(n − h_{t−1}) + d(f∘h)∘h_{t−1})∘f(1 − f)
 *   dh_{t−1} = dh∘(1 − f) + d(f∘h)∘f + da_f W_hf
 * Memory: 2·T·N·H for gates plus T·N·H extra and (T+1)·N·H for h, per layer.
 */
import { gateSlots, H_SLOT, SIGMOID, standardParams, TANH, type Cell } from "./cell";
import type { CellDescription } from "./registry";
import { sigmoid } from "../math/kernels";

const mguCell: Cell = {
  G: 2,
  params: standardParams(2),
  hasCellState: false,
  carry: 0,
  separateHiddenGrad: false,
  extraWidth: 1,
  trace: { ...gateSlots([["f", "forget gate f", SIGMOID], ["n", "candidate n", TANH]]), h: { ...H_SLOT, range: TANH } },
  hiddenInputs: [
    { row0: 0, rows: 1, src: "hsPrev" },
    { row0: 1, rows: 1, src: "extra" },
  ],

  forwardStep(w, t, K) {
    const { N, H, gates, hs, extra, p } = w;
    const G2 = 2 * H;
    const gOff = t * N * G2;
    const prev = t * N * H;
    K.gemm(false, true, N, H, H, hs, prev, H, p.weight_hh, 0, H, 1, gates, gOff, G2);
    K.addRowBias(N, H, p.bias_hh, 0, gates, gOff, G2);
    for (let n = 0; n < N; n++) {
      for (let j = 0; j < H; j++) {
        const f = sigmoid(gates[gOff + n * G2 + j]);
        gates[gOff + n * G2 + j] = f;
        extra[prev + n * H + j] = f * hs[prev + n * H + j];
      }
    }
    K.gemm(false, true, N, H, H, extra, prev, H, p.weight_hh, H * H, H, 1, gates, gOff + H, G2);
    K.addRowBias(N, H, p.bias_hh, H, gates, gOff + H, G2);
    for (let n = 0; n < N; n++) {
      for (let j = 0; j < H; j++) {
        const k = n * H + j;
        const f = gates[gOff + n * G2 + j];
        const nn = Math.tanh(gates[gOff + n * G2 + H + j]);
        gates[gOff + n * G2 + H + j] = nn;
        hs[prev + N * H + k] = (1 - f) * hs[prev + k] + f * nn;
      }
    }
  },

  backwardStep(w, d, t, K) {
    const { N, H, gates, hs, p } = w;
    const G2 = 2 * H;
    const gOff = t * N * G2;
    const prev = t * N * H;
    const dA = d.dAih;
    for (let n = 0; n < N; n++) {
      for (let j = 0; j < H; j++) {
        const f = gates[gOff + n * G2 + j];
        const nn = gates[gOff + n * G2 + H + j];
        dA[gOff + n * G2 + H + j] = d.dH[prev + n * H + j] * f * (1 - nn * nn);
      }
    }
    K.gemm(false, false, N, H, H, dA, gOff + H, G2, p.weight_hh, H * H, H, 0, d.scratch, 0, H); // d(f∘h)
    for (let n = 0; n < N; n++) {
      for (let j = 0; j < H; j++) {
        const k = n * H + j;
        const f = gates[gOff + n * G2 + j];
        const nn = gates[gOff + n * G2 + H + j];
        const dh = d.dH[prev + k];
        const hp = hs[prev + k];
        dA[gOff + n * G2 + j] = (dh * (nn - hp) + d.scratch[k] * hp) * f * (1 - f);
        d.dhPrev[k] = dh * (1 - f) + d.scratch[k] * f;
      }
    }
    K.gemm(false, false, N, H, H, dA, gOff, G2, p.weight_hh, 0, H, 1, d.dhPrev, 0, H);
  },
};

export const mgu: CellDescription<"mgu"> = {
  kind: "mgu",
  title: "MGU",
  summary: "minimal gated unit (Zhou et al. 2016): one forget gate f; h_t = (1 − f)∘h_{t−1} + f∘n",
  options: {},
  cell: () => mguCell,
};
