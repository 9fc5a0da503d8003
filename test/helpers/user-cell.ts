/**
 * A cell defined outside src/, the way a user would in a notebook: a leaky tanh RNN with a
 * learnable leak per unit (a vector parameter whose gradient the cell adds itself):
 *
 *   a_t = x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh      u_t = tanh(a_t)
 *   h_t = h_{t−1} + α∘(u_t − h_{t−1})                  α: H, one leak per unit
 * Backward: du = dh∘α, da = du∘(1 − u²), dα += Σ_n dh∘(u − h_{t−1}),
 *           dh_{t−1} = dh∘(1 − α) + da W_hh.
 */
import { H_SLOT, standardParams, TANH, type CellDescription } from "../../src";

/** `bug` plants one mistake in the backward pass, for tests that a check finds it. */
export type LeakyBug = "none" | "forgets dα" | "α for 1 − α";

export function leakyRnnDescription(kind: string, bug: LeakyBug = "none"): CellDescription {
  return {
    kind,
    title: "leaky RNN",
    summary: "tanh RNN with a learnable per-unit leak (a test of user cells)",
    options: {},
    cell: () => ({
      G: 1,
      params: [
        ...standardParams(1),
        { name: "alpha", shape: (_D: number, H: number) => [H], init: (data) => data.fill(0.5), grad: "cell" as const },
      ],
      hasCellState: false,
      carry: 0,
      separateHiddenGrad: false,
      extraWidth: 0,
      trace: { u: { buffer: "gates", column: 0, label: "candidate u", range: TANH, gate: true }, h: H_SLOT },
      hiddenInputs: [{ row0: 0, rows: 1, src: "hsPrev" }],
      forwardStep(w, t, K) {
        const { N, H, gates, hs, p } = w;
        const prev = t * N * H;
        K.gemm(false, true, N, H, H, hs, prev, H, p.weight_hh, 0, H, 1, gates, prev, H);
        K.addRowBias(N, H, p.bias_hh, 0, gates, prev, H);
        for (let k = 0; k < N * H; k++) {
          const u = Math.tanh(gates[prev + k]);
          gates[prev + k] = u;
          hs[prev + N * H + k] = hs[prev + k] + p.alpha[k % H] * (u - hs[prev + k]);
        }
      },
      backwardStep(w, d, t, K) {
        const { N, H, gates, hs, p } = w;
        const prev = t * N * H;
        for (let k = 0; k < N * H; k++) {
          const u = gates[prev + k];
          const dh = d.dH[prev + k];
          const a = p.alpha[k % H];
          d.dAih[prev + k] = dh * a * (1 - u * u);
          if (bug !== "forgets dα") d.dp.alpha[k % H] += dh * (u - hs[prev + k]);
          d.scratch[k] = dh * (bug === "α for 1 − α" ? a : 1 - a);
        }
        K.gemm(false, false, N, H, H, d.dAih, prev, H, p.weight_hh, 0, H, 0, d.dhPrev, 0, H);
        for (let k = 0; k < N * H; k++) d.dhPrev[k] += d.scratch[k];
      },
    }),
  };
}

/** The same cell with the leak's gradient forgotten: gradcheck must name alpha. */
export const brokenRnnDescription = (kind: string) => leakyRnnDescription(kind, "forgets dα");
