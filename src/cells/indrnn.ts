/**
 * IndRNN, the independently recurrent network (Li, Li, Cook, Zhu & Gao 2018): each unit sees only
 * its own past, through one recurrent weight per unit, so the recurrent weight is a vector u:
 *
 *   a_t = x_t W_ihᵀ + b_ih + u∘h_{t−1}       h_t = φ(a_t),  φ = relu (the paper's) or tanh
 *
 * Shapes: x_t N×D, h N×H, W_ih H×D, u (weight_hh) H, b_ih H. The gates buffer keeps a_t.
 * Backward, per step: da = dh∘φ'(a_t), du += Σ_n da∘h_{t−1}, dh_{t−1} = da∘u. The gradient
 * through k steps of one unit is Π φ'·u: it neither vanishes nor explodes while |u| stays near
 * 1, which is why the paper constrains |u| ≤ 2^{1/T} (not applied here: a trainer's choice).
 * u is drawn from U(0, 1), the paper's choice for its adding-problem runs.
 * Memory: T·N·H for a plus (T+1)·N·H for h, per layer.
 */
import { H_SLOT, TANH, type Cell } from "./cell";
import { option, type CellDescription } from "./registry";

function indCell(relu: boolean): Cell {
  return {
    G: 1,
    params: [
      { name: "weight_ih", shape: (D, H) => [H, D], init: "weight_ih", grad: "input" },
      {
        name: "weight_hh",
        shape: (_D, H) => [H],
        init: (data, rng) => data.forEach((_, i) => (data[i] = rng.uniform())),
        grad: "cell",
      },
      { name: "bias_ih", shape: (_D, H) => [H], init: "bias", grad: "input_bias" },
    ],
    hasCellState: false,
    carry: 0,
    separateHiddenGrad: false,
    extraWidth: 0,
    trace: {
      a: { buffer: "gates", column: 0, label: "pre-activation a", range: null, gate: false },
      h: { ...H_SLOT, range: relu ? null : TANH },
    },
    hiddenInputs: [],

    forwardStep(w, t) {
      const { N, H, gates, hs, p } = w;
      const prev = t * N * H;
      for (let k = 0; k < N * H; k++) {
        const a = gates[prev + k] + p.weight_hh[k % H] * hs[prev + k];
        gates[prev + k] = a;
        hs[prev + N * H + k] = relu ? (a > 0 ? a : 0) : Math.tanh(a);
      }
    },

    backwardStep(w, d, t) {
      const { N, H, gates, hs, p } = w;
      const prev = t * N * H;
      for (let k = 0; k < N * H; k++) {
        const h = hs[prev + N * H + k];
        const da = d.dH[prev + k] * (relu ? (gates[prev + k] > 0 ? 1 : 0) : 1 - h * h);
        d.dAih[prev + k] = da;
        d.dp.weight_hh[k % H] += da * hs[prev + k];
        d.dhPrev[k] = da * p.weight_hh[k % H];
      }
    },
  };
}

const cells = { relu: indCell(true), tanh: indCell(false) };

/** IndRNN's options in a config (`kind: "indrnn"`). */
export interface IndrnnOptions {
  /** IndRNN only: φ, "relu" (the paper's; default) or "tanh". */
  activation?: "relu" | "tanh";
}

export const indrnn: CellDescription<"indrnn"> = {
  kind: "indrnn",
  title: "IndRNN",
  summary: "independently recurrent network (Li et al. 2018): h_t = relu(x_t W_ihᵀ + b + u∘h_{t−1}), u a vector",
  options: { activation: option.oneOf(["relu", "tanh"], "relu", `φ: "relu" (the paper's; default) or "tanh"`) },
  cell: (o) => cells[o.activation as "relu" | "tanh"],
};
