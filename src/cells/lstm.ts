/**
 * LSTM and its family. The default is the form PyTorch, Keras and cuDNN compute: Hochreiter &
 * Schmidhuber's 1997 cell with Gers et al.'s (2000) forget gate and unscaled tanh, PyTorch's
 * gate order i, f, g, o and its two bias vectors. Options give Gers & Schmidhuber's (2000)
 * peepholes and the eight variants of Greff et al. (2015), "LSTM: A Search Space Odyssey":
 *
 *   a_t = x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh          N×G·H, blocks [i | f | g | o]
 *         (+ s_{t−1} W_ggᵀ on the i, f, o blocks, FGR)
 *   i = σ(a_i + p_i∘c_{t−1})       NIG: i ≡ 1
 *   f = σ(a_f + p_f∘c_{t−1})       NFG: f ≡ 1 (the 1997 cell)     CIFG: f = 1 − i
 *   g = tanh(a_g)                  NIAF: g = a_g
 *   c_t = f∘c_{t−1} + i∘g
 *   o = σ(a_o + p_o∘c_t)           NOG: o ≡ 1
 *   h_t = o∘tanh(c_t)              NOAF: h_t = o∘c_t
 *   FGR: s_t = [i | f | o]_t feeds every gate at t + 1 through W_gg (3H×3H); s_{−1} = 0
 *   peepholes p = [p_i | p_f | p_o] (the gates present), Greff's "vanilla" LSTM has them; NP not.
 * A removed gate removes its block from W_ih, W_hh, b_ih, b_hh (G = 3) and from the trace.
 *
 * Shapes: x_t N×D, h and c N×H, W_ih G·H×D, W_hh G·H×H. The gates buffer keeps the activated
 * blocks of every step (the trace), cs keeps every c_t, FGR's `extra` keeps s_t. Backward, per
 * step, with dh the total ∂L/∂h_t, dc' the ∂L/∂c_t and ds' the ∂L/∂s_t arriving from t + 1:
 *
 *   τ = tanh c_t (NOAF: c_t)      do = dh∘τ + ds'_o           da_o = do∘o(1−o)
 *   dc = dc' + dh∘o∘τ' + da_o∘p_o        (τ' = 1 − τ², NOAF: 1)
 *   di = dc∘g + ds'_i    dg = dc∘i    df = dc∘c_{t−1} + ds'_f     (CIFG: di −= dc∘c_{t−1})
 *   da_i = di∘i(1−i)     da_f = df∘f(1−f)    da_g = dg∘(1−g²)   (NIAF: dg)
 *   dc_{t−1} = dc∘f + da_i∘p_i + da_f∘p_f
 *   dp_i += da_i∘c_{t−1}   dp_f += da_f∘c_{t−1}   dp_o += da_o∘c_t
 *   FGR: dW_gg += da_sᵀ s_{t−1},  ds_{t−1} = da_s W_gg  with da_s = [da_i | da_f | da_o]
 *   dh_{t−1} = da W_hh
 * Memory: G·T·N·H for gates plus 2·(T+1)·N·H for h and c (FGR: 3·T·N·H more), per layer.
 */
import {
  C_SLOT, gateSlots, H_SLOT, setGateBias, SIGMOID, standardParams, TANH, type Cell, type TraceSlot,
} from "./cell";
import { option, type CellDescription } from "./registry";
import { sigmoid } from "../math/kernels";
import { alloc, dtypeOf, type FloatArray } from "../math/tensor";

/** Greff et al.'s variants; "full" keeps every gate and activation. */
export const LSTM_VARIANTS = ["full", "NIG", "NFG", "NOG", "NIAF", "NOAF", "CIFG", "FGR"] as const;
/** One of Greff et al. 2015's LSTM variants (`LSTM_VARIANTS`). */
export type LstmVariant = (typeof LSTM_VARIANTS)[number];

/** The LSTM's options in a config (`kind: "lstm"`). */
export interface LstmOptions {
  /**
   * LSTM only. The forget-gate bias at initialisation, set in bias_ih with the forget block of
   * bias_hh zeroed so that the total is exactly this (Gers et al. 2000; Jozefowicz et al. 2015).
   * Default 1; null keeps whatever the bias initialiser drew (PyTorch's behaviour).
   */
  forgetBias?: number | null;
  /** LSTM only: peephole connections (Gers & Schmidhuber 2000); default false. */
  peepholes?: boolean;
  /** LSTM only: one of Greff et al.'s (2015) variants; default "full". See cells/lstm.ts. */
  variant?: LstmVariant;
}

/** What each variant changes, in Greff et al.'s words, and what they found (their section 5). */
export const LSTM_VARIANT_NOTES: Record<LstmVariant, { change: string; greff2015: string }> = {
  full: { change: "all gates, tanh on input and output", greff2015: "baseline (their vanilla LSTM has peepholes)" },
  NIG: { change: "no input gate: i ≡ 1", greff2015: "significantly worse on all three datasets" },
  NFG: { change: "no forget gate: f ≡ 1 (the 1997 LSTM)", greff2015: "significantly worse on all three datasets" },
  NOG: { change: "no output gate: o ≡ 1", greff2015: "significantly worse on all three datasets" },
  NIAF: { change: "no input activation: g = a_g", greff2015: "significantly worse on all three datasets" },
  NOAF: { change: "no output activation: h = o∘c", greff2015: "significantly worse; the largest drop" },
  CIFG: { change: "coupled input and forget gate: f = 1 − i", greff2015: "no significant change" },
  FGR: { change: "full gate recurrence: [i f o]_{t−1} feeds every gate", greff2015: "no significant change" },
};

/** Named configurations: the original 1997 cell, and Greff et al.'s vanilla and NP (no peepholes). */
export const LSTM_PRESETS = {
  lstm1997: { kind: "lstm", variant: "NFG", forgetBias: null },
  greffVanilla: { kind: "lstm", peepholes: true },
  greffNP: { kind: "lstm", peepholes: false },
} as const;

type F = FloatArray;

/**
 * The ops a backend may speed up, by name: the PyTorch cell (blocks [i f g o], no peepholes). A
 * twin must compute exactly these; the cell itself runs the family code below.
 */
export const lstmOps = {
  /** prev = t·N·H: c_{t−1} at cs[prev], c_t and h_t at cs/hs[prev + N·H]. */
  lstmForward(N: number, H: number, gates: F, gOff: number, cs: F, hs: F, prev: number): void {
    familyForward(PLAIN, N, H, gates, gOff, cs, hs, prev, null);
  },
  /** dH, dC at [prev] (row t); dcNext, dcPrev (N×H) at 0; dA at gOff. */
  lstmBackward(
    N: number,
    H: number,
    gates: F,
    gOff: number,
    cs: F,
    prev: number,
    dH: F,
    dcNext: F,
    dC: F,
    dcPrev: F,
    dA: F,
  ): void {
    familyBackward(PLAIN, N, H, gates, gOff, cs, prev, dH, dcNext, dC, dcPrev, dA, null, null);
  },
};

/** Block columns (−1: absent) and flags of one family member. */
interface Layout {
  G: number;
  ci: number;
  cf: number;
  cg: number;
  co: number;
  coupled: boolean;
  niaf: boolean;
  noaf: boolean;
  fgr: boolean;
  /** Peephole vector offsets (in H) for i, f, o; −1 without. */
  pi: number;
  pf: number;
  po: number;
}

function layout(variant: LstmVariant, peepholes: boolean): Layout {
  const present = (["i", "f", "g", "o"] as const).filter(
    (b) =>
      !(
        (b === "i" && variant === "NIG") ||
        (b === "f" && (variant === "NFG" || variant === "CIFG")) ||
        (b === "o" && variant === "NOG")
      ),
  );
  const col = (b: "i" | "f" | "g" | "o") => present.indexOf(b);
  const peeped = peepholes ? present.filter((b) => b !== "g") : [];
  const peep = (b: "i" | "f" | "o") => peeped.indexOf(b);
  return {
    G: present.length,
    ci: col("i"),
    cf: col("f"),
    cg: col("g"),
    co: col("o"),
    coupled: variant === "CIFG",
    niaf: variant === "NIAF",
    noaf: variant === "NOAF",
    fgr: variant === "FGR",
    pi: peep("i"),
    pf: peep("f"),
    po: peep("o"),
  };
}

const PLAIN = layout("full", false);

/**
 * One step's gate and state math for rows n < N. P: the peephole vector (or null). Activations
 * replace pre-activations in `gates`.
 */
function familyForward(
  L: Layout,
  N: number,
  H: number,
  gates: F,
  gOff: number,
  cs: F,
  hs: F,
  prev: number,
  P: F | null,
): void {
  const next = prev + N * H;
  const { G, ci, cf, cg, co } = L;
  for (let n = 0; n < N; n++) {
    const row = gOff + n * G * H;
    for (let j = 0; j < H; j++) {
      const k = n * H + j;
      const cp = cs[prev + k];
      const i = ci < 0 ? 1 : sigmoid(gates[row + ci * H + j] + (L.pi < 0 ? 0 : P![L.pi * H + j] * cp));
      const f =
        cf >= 0 ? sigmoid(gates[row + cf * H + j] + (L.pf < 0 ? 0 : P![L.pf * H + j] * cp)) : L.coupled ? 1 - i : 1;
      const ag = gates[row + cg * H + j];
      const g = L.niaf ? ag : Math.tanh(ag);
      const c = f * cp + i * g;
      const o = co < 0 ? 1 : sigmoid(gates[row + co * H + j] + (L.po < 0 ? 0 : P![L.po * H + j] * c));
      if (ci >= 0) gates[row + ci * H + j] = i;
      if (cf >= 0) gates[row + cf * H + j] = f;
      gates[row + cg * H + j] = g;
      if (co >= 0) gates[row + co * H + j] = o;
      cs[next + k] = c;
      hs[next + k] = o * (L.noaf ? c : Math.tanh(c));
    }
  }
}

/**
 * Inverts familyForward for one step. dcNext/dcPrev: N·H for c, then (FGR) N×3H for s. dP: the
 * peephole gradient to add to (or null).
 */
function familyBackward(
  L: Layout,
  N: number,
  H: number,
  gates: F,
  gOff: number,
  cs: F,
  prev: number,
  dH: F,
  dcNext: F,
  dC: F,
  dcPrev: F,
  dA: F,
  P: F | null,
  dP: F | null,
): void {
  const cur = prev + N * H;
  const NH = N * H;
  const { G, ci, cf, cg, co } = L;
  for (let n = 0; n < N; n++) {
    const row = gOff + n * G * H;
    const srow = NH + n * 3 * H; // FGR's ∂L/∂s_t from step t + 1
    for (let j = 0; j < H; j++) {
      const k = n * H + j;
      const i = ci < 0 ? 1 : gates[row + ci * H + j];
      const f = cf >= 0 ? gates[row + cf * H + j] : L.coupled ? 1 - i : 1;
      const g = gates[row + cg * H + j];
      const o = co < 0 ? 1 : gates[row + co * H + j];
      const c = cs[cur + k];
      const cp = cs[prev + k];
      const tau = L.noaf ? c : Math.tanh(c);
      const dh = dH[prev + k];
      const dao = co < 0 ? 0 : (dh * tau + (L.fgr ? dcNext[srow + 2 * H + j] : 0)) * o * (1 - o);
      const dc = dcNext[k] + dh * o * (L.noaf ? 1 : 1 - tau * tau) + (L.po < 0 ? 0 : dao * P![L.po * H + j]);
      dC[prev + k] = dc;
      const df = dc * cp + (L.fgr ? dcNext[srow + H + j] : 0);
      const di = dc * g + (L.fgr ? dcNext[srow + j] : 0) - (L.coupled ? df : 0);
      const dai = ci < 0 ? 0 : di * i * (1 - i);
      const daf = cf < 0 ? 0 : df * f * (1 - f);
      dcPrev[k] = dc * f + (L.pi < 0 ? 0 : dai * P![L.pi * H + j]) + (L.pf < 0 ? 0 : daf * P![L.pf * H + j]);
      if (ci >= 0) dA[row + ci * H + j] = dai;
      if (cf >= 0) dA[row + cf * H + j] = daf;
      dA[row + cg * H + j] = L.niaf ? dc * i : dc * i * (1 - g * g);
      if (co >= 0) dA[row + co * H + j] = dao;
      if (dP) {
        if (L.pi >= 0) dP[L.pi * H + j] += dai * cp;
        if (L.pf >= 0) dP[L.pf * H + j] += daf * cp;
        if (L.po >= 0) dP[L.po * H + j] += dao * c;
      }
    }
  }
}

/** FGR's s (N×3H) gathered from or scattered to the i, f, o blocks of one step's G·H-wide rows. */
function gatherIfo(L: Layout, N: number, H: number, src: F, sOff: number, dst: F, dOff: number): void {
  const cols = [L.ci, L.cf, L.co];
  for (let n = 0; n < N; n++) {
    for (let b = 0; b < 3; b++) {
      const from = sOff + n * L.G * H + cols[b] * H;
      dst.set(src.subarray(from, from + H), dOff + n * 3 * H + b * H);
    }
  }
}

function addToIfo(L: Layout, N: number, H: number, src: F, dst: F, dOff: number): void {
  const cols = [L.ci, L.cf, L.co];
  for (let n = 0; n < N; n++) {
    for (let b = 0; b < 3; b++) {
      const to = dOff + n * L.G * H + cols[b] * H;
      for (let j = 0; j < H; j++) dst[to + j] += src[n * 3 * H + b * H + j];
    }
  }
}

function lstmCell(variant: LstmVariant, peepholes: boolean, forgetBias: number | null): Cell {
  const L = layout(variant, peepholes);
  const plain = variant === "full" && !peepholes;
  const { G } = L;
  const slots: Array<[string, string, [number, number] | null]> = [];
  if (L.ci >= 0) slots.push(["i", "input gate i", SIGMOID]);
  if (L.cf >= 0) slots.push(["f", "forget gate f", SIGMOID]);
  slots.push(["g", "candidate g", L.niaf ? null : TANH]);
  if (L.co >= 0) slots.push(["o", "output gate o", SIGMOID]);
  const trace: Record<string, TraceSlot> = {
    ...gateSlots(slots),
    c: C_SLOT,
    h: { ...H_SLOT, range: L.noaf ? null : TANH },
  };
  const nPeep = [L.pi, L.pf, L.po].filter((x) => x >= 0).length;
  const params = [...standardParams(G)];
  if (nPeep) params.push({ name: "peephole", shape: (_D, H) => [nPeep * H], init: "bias", grad: "cell" });
  if (L.fgr) params.push({ name: "weight_gg", shape: (_D, H) => [3 * H, 3 * H], init: "weight_hh", grad: "cell" });
  // FGR's per-step 3H-wide products; sized on first use, reused while N·H stays.
  let s3: F = new Float64Array(0);
  const s3For = (like: F, n: number): F =>
    s3.length === n && dtypeOf(s3) === dtypeOf(like) ? s3 : (s3 = alloc(dtypeOf(like), n));
  return {
    G,
    params,
    hasCellState: true,
    carry: L.fgr ? 4 : 1,
    separateHiddenGrad: false,
    extraWidth: L.fgr ? 3 : 0,
    replayable: plain, // the variants' and peepholes' math is JavaScript (familyForward)
    trace,
    hiddenInputs: [{ row0: 0, rows: G, src: "hsPrev" }],
    // Gers et al.'s forget bias; with f = 1 − i (CIFG) the same start is an input bias of −b.
    initialise:
      forgetBias === null || (L.cf < 0 && !L.coupled)
        ? undefined
        : (p, H) => (L.coupled ? setGateBias(p, H, L.ci, -forgetBias) : setGateBias(p, H, L.cf, forgetBias)),

    forwardStep(w, t, K) {
      const { N, H, gates, hs, cs, extra, p } = w;
      const GH = G * H;
      const gOff = t * N * GH;
      const prev = t * N * H;
      K.gemm(false, true, N, GH, H, hs, prev, H, p.weight_hh, 0, H, 1, gates, gOff, GH);
      K.addRowBias(N, GH, p.bias_hh, 0, gates, gOff, GH);
      if (L.fgr && t > 0) {
        const s = s3For(gates, N * 3 * H);
        K.gemm(false, true, N, 3 * H, 3 * H, extra, (t - 1) * N * 3 * H, 3 * H, p.weight_gg, 0, 3 * H, 0, s, 0, 3 * H);
        addToIfo(L, N, H, s, gates, gOff);
      }
      if (!(plain && K.ops.lstmForward?.(N, H, gates, gOff, cs, hs, prev))) {
        familyForward(L, N, H, gates, gOff, cs, hs, prev, nPeep ? p.peephole : null);
      }
      if (L.fgr) gatherIfo(L, N, H, gates, gOff, extra, t * N * 3 * H);
    },

    backwardStep(w, d, t, K) {
      const { N, H, gates, cs, extra, p } = w;
      const GH = G * H;
      const gOff = t * N * GH;
      const prev = t * N * H;
      if (!(plain && K.ops.lstmBackward?.(N, H, gates, gOff, cs, prev, d.dH, d.dcNext, d.dC, d.dcPrev, d.dAih))) {
        familyBackward(
          L,
          N,
          H,
          gates,
          gOff,
          cs,
          prev,
          d.dH,
          d.dcNext,
          d.dC,
          d.dcPrev,
          d.dAih,
          nPeep ? p.peephole : null,
          nPeep ? d.dp.peephole : null,
        );
      }
      if (L.fgr) {
        const das = s3For(gates, N * 3 * H);
        gatherIfo(L, N, H, d.dAih, gOff, das, 0);
        const NH = N * H;
        if (t > 0) {
          const sPrev = (t - 1) * N * 3 * H;
          K.gemm(true, false, 3 * H, 3 * H, N, das, 0, 3 * H, extra, sPrev, 3 * H, 1, d.dp.weight_gg, 0, 3 * H);
          K.gemm(false, false, N, 3 * H, 3 * H, das, 0, 3 * H, p.weight_gg, 0, 3 * H, 0, d.dcPrev, NH, 3 * H);
        } else d.dcPrev.fill(0, NH);
      }
      K.gemm(false, false, N, H, GH, d.dAih, gOff, GH, p.weight_hh, 0, H, 0, d.dhPrev, 0, H);
    },
  };
}

export const lstm: CellDescription<"lstm"> = {
  kind: "lstm",
  title: "LSTM",
  color: "#0072B2", // Okabe & Ito's blue
  summary: "long short-term memory with a forget gate (PyTorch's nn.LSTM); peepholes and Greff et al.'s variants",
  options: {
    forgetBias: option.numberOrNull(
      1,
      "the forget gate's bias at initialisation (Gers et al. 2000), default 1; null: the initialiser's (PyTorch)",
      "forget bias",
    ),
    peepholes: option.boolean(false, "peephole connections from c to the gates (Gers & Schmidhuber 2000)"),
    variant: option.oneOf(LSTM_VARIANTS, "full", 'one of Greff et al.\'s (2015) variants, or "full"'),
  },
  cell: (o) => lstmCell(o.variant as LstmVariant, o.peepholes as boolean, o.forgetBias as number | null),
  pytorch: {
    module: "LSTM",
    importOptions: { forgetBias: null },
    unexportable: (o) =>
      o.variant !== "full" || o.peepholes
        ? `the full LSTM without peepholes (PyTorch's), got variant "${o.variant}"` +
          `${o.peepholes ? " with peepholes" : ""}`
        : null,
  },
};
