/**
 * GRU (Cho et al. 2014), gate order r, z, n as in PyTorch, in the two variants in use, named by
 * where the reset gate acts: "before" is Cho et al.'s equation, "after" comes from no paper (it
 * is cuDNN's and PyTorch's). Both keep the old state through the update gate; Chung et al. 2014
 * write it flipped, h_t = (1 − z)∘h_{t−1} + z∘n, so their z is our 1 − z:
 *
 *   r = σ(x_t W_irᵀ + b_ir + h_{t−1} W_hrᵀ + b_hr)
 *   z = σ(x_t W_izᵀ + b_iz + h_{t−1} W_hzᵀ + b_hz)
 *   reset "after"  (PyTorch/cuDNN, Keras reset_after=True):
 *       n = tanh(x_t W_inᵀ + b_in + r∘(h_{t−1} W_hnᵀ + b_hn))
 *   reset "before" (Cho et al. 2014 as written, the WildML/Britz tutorial, Keras reset_after=False):
 *       n = tanh(x_t W_inᵀ + b_in + (r∘h_{t−1}) W_hnᵀ + b_hn)
 *   h_t = (1 − z)∘n + z∘h_{t−1}
 *
 * Shapes: x_t N×D, h N×H, W_ih 3H×D, W_hh 3H×H (blocks [r | z | n]). The gates buffer
 * keeps the activated r, z, n; `extra` keeps hn = h_{t−1} W_hnᵀ + b_hn ("after") or
 * r∘h_{t−1} ("before"). Backward, per step, with dh the total ∂L/∂h_t:
 *
 *   dn = dh∘(1 − z)    dz = dh∘(h_{t−1} − n)    da_n = dn∘(1 − n²)
 *   after:  dr = da_n∘hn;   the hidden-side n pre-activation gets da_n∘r
 *   before: d(r∘h) = da_n W_hn;   dr = d(r∘h)∘h_{t−1}
 *   da_r = dr∘r(1 − r)    da_z = dz∘z(1 − z)
 *   dh_{t−1} = dh∘z + [da_r | da_z | da_n^hidden] W_hh        (after)
 *   dh_{t−1} = dh∘z + [da_r | da_z] W_h{r,z} + d(r∘h)∘r       (before)
 * Memory: 3·T·N·H for gates plus T·N·H extra and (T+1)·N·H for h, per layer.
 */
import { gateSlots, H_SLOT, setGateBias, SIGMOID, standardParams, TANH, type Cell } from "./cell";
import { option, type CellDescription } from "./registry";
import { sigmoid } from "../math/kernels";
import type { FloatArray } from "../math/tensor";

/** Where the GRU's reset gate applies: after the recurrent product (PyTorch, cuDNN) or before it (Cho et al. 2014). */
export type GruVariant = "reset_after" | "reset_before";

/** The GRU's options in a config (`kind: "gru"`). */
export interface GruOptions {
  /**
   * GRU only. "reset_after" (default; PyTorch/cuDNN, Keras reset_after=True, and the only one
   * PyTorch weights can express) or "reset_before" (Cho et al. 2014 as written, Keras
   * reset_after=False). See cells/gru.ts for both sets of equations.
   */
  gruVariant?: GruVariant;
  /**
   * GRU only. The update-gate bias at initialisation, set like forgetBias (bias_ih's z block,
   * bias_hh's zeroed). With h_t = (1−z)∘n + z∘h_{t−1} a positive bias starts the unit keeping
   * its state — the GRU's analogue of the LSTM forget bias. Default null: the initialiser's.
   */
  updateBias?: number | null;
}

/**
 * Reference gate math. prev = t·N·H: h_{t−1} at hs[prev], h_t at hs[prev + N·H], extra and
 * dH rows at [prev]; scratch (N×3H) holds h_{t−1} W_hhᵀ + b_hh for the blocks computed so far.
 */
type F = FloatArray;
export const gruOps = {
  /** r, z, and what the n block needs from h_{t−1}: hn ("after") or r∘h_{t−1} ("before"). */
  gruForwardGates(
    N: number,
    H: number,
    gates: F,
    gOff: number,
    scratch: F,
    hs: F,
    extra: F,
    prev: number,
    after: boolean,
  ): void {
    for (let n = 0; n < N; n++) {
      const row = gOff + n * 3 * H;
      const srow = n * 3 * H;
      for (let j = 0; j < H; j++) {
        const r = sigmoid(gates[row + j] + scratch[srow + j]);
        gates[row + j] = r;
        gates[row + H + j] = sigmoid(gates[row + H + j] + scratch[srow + H + j]);
        extra[prev + n * H + j] = after ? scratch[srow + 2 * H + j] : r * hs[prev + n * H + j];
      }
    }
  },

  /** n and h_t = (1 − z)∘n + z∘h_{t−1}. */
  gruForwardState(N: number, H: number, gates: F, gOff: number, scratch: F, hs: F, prev: number, after: boolean): void {
    const next = prev + N * H;
    for (let n = 0; n < N; n++) {
      const row = gOff + n * 3 * H;
      const srow = n * 3 * H;
      for (let j = 0; j < H; j++) {
        const r = gates[row + j];
        const z = gates[row + H + j];
        const hidden = after ? r * scratch[srow + 2 * H + j] : scratch[srow + 2 * H + j];
        const nn = Math.tanh(gates[row + 2 * H + j] + hidden);
        gates[row + 2 * H + j] = nn;
        hs[next + n * H + j] = (1 - z) * nn + z * hs[prev + n * H + j];
      }
    }
  },

  /** Inverts gruForwardState: da_z, da_n, and the direct path dh_{t−1} = dh∘z. */
  gruBackwardState(N: number, H: number, gates: F, gOff: number, hs: F, prev: number, dH: F, dA: F, dhPrev: F): void {
    for (let n = 0; n < N; n++) {
      const row = gOff + n * 3 * H;
      for (let j = 0; j < H; j++) {
        const k = n * H + j;
        const z = gates[row + H + j];
        const nn = gates[row + 2 * H + j];
        const dh = dH[prev + k];
        dA[row + H + j] = dh * (hs[prev + k] - nn) * z * (1 - z);
        dA[row + 2 * H + j] = dh * (1 - z) * (1 - nn * nn);
        dhPrev[k] = dh * z;
      }
    }
  },

  /** Inverts gruForwardGates' r: da_r; "after" fills the hidden-side dAhh, "before" adds d(r∘h)∘r to dh_{t−1}. */
  gruBackwardReset(
    N: number,
    H: number,
    gates: F,
    gOff: number,
    hs: F,
    extra: F,
    prev: number,
    drh: F,
    dA: F,
    dAhh: F,
    dhPrev: F,
    after: boolean,
  ): void {
    for (let n = 0; n < N; n++) {
      const row = gOff + n * 3 * H;
      for (let j = 0; j < H; j++) {
        const k = n * H + j;
        const r = gates[row + j];
        const dan = dA[row + 2 * H + j];
        const dr = after ? dan * extra[prev + k] : drh[k] * hs[prev + k];
        dA[row + j] = dr * r * (1 - r);
        if (after) {
          dAhh[row + j] = dA[row + j];
          dAhh[row + H + j] = dA[row + H + j];
          dAhh[row + 2 * H + j] = dan * r;
        } else {
          dhPrev[k] += drh[k] * r;
        }
      }
    }
  },
};

function gruCell(variant: GruVariant, updateBias: number | null): Cell {
  const after = variant === "reset_after";
  return {
    G: 3,
    params: standardParams(3),
    hasCellState: false,
    carry: 0,
    separateHiddenGrad: after,
    extraWidth: 1,
    replayable: true,
    trace: {
      ...gateSlots([
        ["r", "reset gate r", SIGMOID],
        ["z", "update gate z", SIGMOID],
        ["n", "candidate n", TANH],
      ]),
      h: { ...H_SLOT, range: TANH },
    },
    hiddenInputs: after
      ? [{ row0: 0, rows: 3, src: "hsPrev" }]
      : [
          { row0: 0, rows: 2, src: "hsPrev" },
          { row0: 2, rows: 1, src: "extra" },
        ],
    initialise: updateBias === null ? undefined : (p, H) => setGateBias(p, H, 1, updateBias),

    forwardStep(w, t, K) {
      const { N, H, gates, hs, extra, scratch, p } = w;
      const G3 = 3 * H;
      const gOff = t * N * G3;
      const prev = t * N * H;
      // scratch ← h_{t−1} W_hhᵀ + b_hh, for all three blocks ("after") or r, z only ("before").
      const hiddenCols = after ? G3 : 2 * H;
      K.gemm(false, true, N, hiddenCols, H, hs, prev, H, p.weight_hh, 0, H, 0, scratch, 0, G3);
      K.addRowBias(N, hiddenCols, p.bias_hh, 0, scratch, 0, G3);
      if (!K.ops.gruForwardGates?.(N, H, gates, gOff, scratch, hs, extra, prev, after)) {
        gruOps.gruForwardGates(N, H, gates, gOff, scratch, hs, extra, prev, after);
      }
      if (!after) {
        // scratch[:, n block] ← (r∘h_{t−1}) W_hnᵀ + b_hn
        K.gemm(false, true, N, H, H, extra, prev, H, p.weight_hh, 2 * H * H, H, 0, scratch, 2 * H, G3);
        K.addRowBias(N, H, p.bias_hh, 2 * H, scratch, 2 * H, G3);
      }
      if (!K.ops.gruForwardState?.(N, H, gates, gOff, scratch, hs, prev, after)) {
        gruOps.gruForwardState(N, H, gates, gOff, scratch, hs, prev, after);
      }
    },

    backwardStep(w, d, t, K) {
      const { N, H, hs, extra, gates, p } = w;
      const G3 = 3 * H;
      const gOff = t * N * G3;
      const prev = t * N * H;
      if (!K.ops.gruBackwardState?.(N, H, gates, gOff, hs, prev, d.dH, d.dAih, d.dhPrev)) {
        gruOps.gruBackwardState(N, H, gates, gOff, hs, prev, d.dH, d.dAih, d.dhPrev);
      }
      // "before" needs d(r∘h) = da_n W_hn before it can do r.
      if (!after)
        K.gemm(false, false, N, H, H, d.dAih, gOff + 2 * H, G3, p.weight_hh, 2 * H * H, H, 0, d.scratch, 0, H);
      if (!K.ops.gruBackwardReset?.(N, H, gates, gOff, hs, extra, prev, d.scratch, d.dAih, d.dAhh, d.dhPrev, after)) {
        gruOps.gruBackwardReset(N, H, gates, gOff, hs, extra, prev, d.scratch, d.dAih, d.dAhh, d.dhPrev, after);
      }
      K.gemm(false, false, N, H, after ? G3 : 2 * H, d.dAhh, gOff, G3, p.weight_hh, 0, H, 1, d.dhPrev, 0, H);
    },
  };
}

export const gru: CellDescription<"gru"> = {
  kind: "gru",
  title: "GRU",
  color: "#009E73", // Okabe & Ito's bluish green
  summary: "gated recurrent unit (Cho et al. 2014), gates r, z, n in PyTorch's order",
  options: {
    gruVariant: option.oneOf<GruVariant>(
      ["reset_after", "reset_before"],
      "reset_after",
      `where the reset gate acts: "reset_after" (PyTorch, cuDNN; default) or "reset_before" (Cho et al. as written)`,
    ),
    updateBias: option.numberOrNull(
      null,
      "the update gate's bias at initialisation (a positive one starts units keeping their state); " +
        "null: the initialiser's",
      "update bias",
    ),
  },
  cell: (o) => gruCell(o.gruVariant as GruVariant, o.updateBias as number | null),
  pytorch: {
    module: "GRU",
    importOptions: {},
    unexportable: (o) =>
      o.gruVariant === "reset_after"
        ? null
        : `a GRU with gruVariant "reset_after" (the only one PyTorch computes), got "${o.gruVariant}"`,
  },
};
