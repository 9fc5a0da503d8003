/**
 * LSTM in the form PyTorch, Keras and cuDNN compute: Hochreiter & Schmidhuber's 1997 cell with
 * Gers et al.'s (2000) forget gate and unscaled tanh (the 1997 cell had no forget gate, scaled
 * squashing functions and a truncated gradient), PyTorch's gate order i, f, g, o and its two
 * bias vectors:
 *
 *   a_t = x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh          N×4H, blocks [i | f | g | o]
 *   i = σ(a_i)   f = σ(a_f)   g = tanh(a_g)   o = σ(a_o)     each N×H
 *   c_t = c_{t−1}∘f + g∘i
 *   h_t = tanh(c_t)∘o
 *
 * Shapes: x_t N×D, h and c N×H, W_ih 4H×D, W_hh 4H×H. The gates buffer keeps the activated
 * i, f, g, o of every step (the trace), cs keeps every c_t. Backward, per step, with dh the
 * total ∂L/∂h_t and dc' the ∂L/∂c_t arriving from step t+1:
 *
 *   dc = dc' + dh∘o∘(1 − tanh²c_t)     do = dh∘tanh c_t
 *   di = dc∘g    dg = dc∘i    df = dc∘c_{t−1}    dc_{t−1} = dc∘f
 *   da = [di∘i(1−i) | df∘f(1−f) | dg∘(1−g²) | do∘o(1−o)]
 *   dh_{t−1} = da W_hh
 * Memory: 4·T·N·H for gates plus 2·(T+1)·N·H for h and c, per layer.
 */
import type { Cell, CellOps } from "./cell";
import { sigmoid } from "../math/kernels";

/** Reference gate math. prev = t·N·H: c_{t−1} at cs[prev], c_t and h_t at cs/hs[prev + N·H]. */
export const lstmOps: Pick<CellOps, "lstmForward" | "lstmBackward"> = {
  lstmForward(N, H, gates, gOff, cs, hs, prev) {
    const next = prev + N * H;
    for (let n = 0; n < N; n++) {
      const row = gOff + n * 4 * H;
      for (let j = 0; j < H; j++) {
        const i = sigmoid(gates[row + j]);
        const f = sigmoid(gates[row + H + j]);
        const g = Math.tanh(gates[row + 2 * H + j]);
        const o = sigmoid(gates[row + 3 * H + j]);
        gates[row + j] = i;
        gates[row + H + j] = f;
        gates[row + 2 * H + j] = g;
        gates[row + 3 * H + j] = o;
        const c = cs[prev + n * H + j] * f + g * i;
        cs[next + n * H + j] = c;
        hs[next + n * H + j] = Math.tanh(c) * o;
      }
    }
  },

  /** dH, dC at [prev] (row t); dcNext, dcPrev (N×H) at 0; dA at gOff. */
  lstmBackward(N, H, gates, gOff, cs, prev, dH, dcNext, dC, dcPrev, dA) {
    const cur = prev + N * H;
    for (let n = 0; n < N; n++) {
      const row = gOff + n * 4 * H;
      for (let j = 0; j < H; j++) {
        const k = n * H + j;
        const i = gates[row + j];
        const f = gates[row + H + j];
        const g = gates[row + 2 * H + j];
        const o = gates[row + 3 * H + j];
        const tc = Math.tanh(cs[cur + k]);
        const dh = dH[prev + k];
        const dc = dcNext[k] + dh * o * (1 - tc * tc);
        dC[prev + k] = dc;
        dcPrev[k] = dc * f;
        dA[row + j] = dc * g * i * (1 - i);
        dA[row + H + j] = dc * cs[prev + k] * f * (1 - f);
        dA[row + 2 * H + j] = dc * i * (1 - g * g);
        dA[row + 3 * H + j] = dh * tc * o * (1 - o);
      }
    }
  },
};

export const lstmCell: Cell = {
  G: 4,
  hasCellState: true,
  separateHiddenGrad: false,
  usesExtra: false,
  trace: {
    i: { buffer: "gates", column: 0 },
    f: { buffer: "gates", column: 1 },
    g: { buffer: "gates", column: 2 },
    o: { buffer: "gates", column: 3 },
    c: { buffer: "cs", column: 0 },
    h: { buffer: "hs", column: 0 },
  },
  hiddenInputs: [{ row0: 0, rows: 4, src: "hsPrev" }],

  forwardStep(w, t, K) {
    const { N, H, gates, hs, cs, p } = w;
    const G4 = 4 * H;
    const gOff = t * N * G4;
    const prev = t * N * H;
    K.gemm(false, true, N, G4, H, hs, prev, H, p.Whh, 0, H, 1, gates, gOff, G4);
    K.addRowBias(N, G4, p.bhh, 0, gates, gOff, G4);
    K.ops.lstmForward(N, H, gates, gOff, cs, hs, prev);
  },

  backwardStep(w, d, t, K) {
    const { N, H, gates, cs, p } = w;
    const G4 = 4 * H;
    const gOff = t * N * G4;
    K.ops.lstmBackward(N, H, gates, gOff, cs, t * N * H, d.dH, d.dcNext, d.dC, d.dcPrev, d.dAih);
    K.gemm(false, false, N, H, G4, d.dAih, gOff, G4, p.Whh, 0, H, 0, d.dhPrev, 0, H);
  },
};
