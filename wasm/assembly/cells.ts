// The per-step gate math of each cell, four hidden units at a time. These are float32 SIMD
// twins of the reference functions in src/cells/{lstm,gru,rnn}.ts — same arguments, same
// buffers, same equations (see those files' headers); H must be a multiple of 4.
// Pointers are byte addresses of the first element the step touches.
import { sigmoid4, tanh4, splat } from "./activations";

@inline function ld(p: usize): v128 { return v128.load(p); }
@inline function st(p: usize, v: v128): void { v128.store(p, v); }
@inline function add(a: v128, b: v128): v128 { return f32x4.add(a, b); }
@inline function sub(a: v128, b: v128): v128 { return f32x4.sub(a, b); }
@inline function mul(a: v128, b: v128): v128 { return f32x4.mul(a, b); }
@inline function oneMinus(a: v128): v128 { return f32x4.sub(splat(1.0), a); }

// ---- LSTM: gates row [i | f | g | o]; c_t = c_{t−1}∘f + g∘i; h_t = tanh(c_t)∘o --------------

export function lstm_forward(N: i32, H: i32, gates: usize, cPrev: usize, cNext: usize, hNext: usize): void {
  const HB = <usize>H * 4;
  for (let n = 0; n < N; n++) {
    const row = gates + <usize>n * 4 * HB;
    const s = <usize>n * HB;
    for (let j: usize = 0; j < HB; j += 16) {
      const i = sigmoid4(ld(row + j));
      const f = sigmoid4(ld(row + HB + j));
      const g = tanh4(ld(row + 2 * HB + j));
      const o = sigmoid4(ld(row + 3 * HB + j));
      st(row + j, i); st(row + HB + j, f); st(row + 2 * HB + j, g); st(row + 3 * HB + j, o);
      const c = add(mul(ld(cPrev + s + j), f), mul(g, i));
      st(cNext + s + j, c);
      st(hNext + s + j, mul(tanh4(c), o));
    }
  }
}

export function lstm_backward(N: i32, H: i32, gates: usize, cPrev: usize, cCur: usize, dH: usize,
  dcNext: usize, dC: usize, dcPrev: usize, dA: usize): void {
  const HB = <usize>H * 4;
  for (let n = 0; n < N; n++) {
    const row = gates + <usize>n * 4 * HB;
    const drow = dA + <usize>n * 4 * HB;
    const s = <usize>n * HB;
    for (let j: usize = 0; j < HB; j += 16) {
      const i = ld(row + j), f = ld(row + HB + j), g = ld(row + 2 * HB + j), o = ld(row + 3 * HB + j);
      const tc = tanh4(ld(cCur + s + j));
      const dh = ld(dH + s + j);
      const dc = add(ld(dcNext + s + j), mul(mul(dh, o), oneMinus(mul(tc, tc))));
      st(dC + s + j, dc);
      st(dcPrev + s + j, mul(dc, f));
      st(drow + j, mul(mul(dc, g), mul(i, oneMinus(i))));
      st(drow + HB + j, mul(mul(dc, ld(cPrev + s + j)), mul(f, oneMinus(f))));
      st(drow + 2 * HB + j, mul(mul(dc, i), oneMinus(mul(g, g))));
      st(drow + 3 * HB + j, mul(mul(dh, tc), mul(o, oneMinus(o))));
    }
  }
}

// ---- GRU: gates row [r | z | n]; scratch row = h_{t−1} W_hhᵀ + b_hh (N×3H) ------------------

export function gru_forward_gates(
  N: i32, H: i32, gates: usize, scratch: usize, hPrev: usize, extra: usize, after: bool,
): void {
  const HB = <usize>H * 4;
  for (let n = 0; n < N; n++) {
    const row = gates + <usize>n * 3 * HB;
    const srow = scratch + <usize>n * 3 * HB;
    const s = <usize>n * HB;
    for (let j: usize = 0; j < HB; j += 16) {
      const r = sigmoid4(add(ld(row + j), ld(srow + j)));
      st(row + j, r);
      st(row + HB + j, sigmoid4(add(ld(row + HB + j), ld(srow + HB + j))));
      st(extra + s + j, after ? ld(srow + 2 * HB + j) : mul(r, ld(hPrev + s + j)));
    }
  }
}

export function gru_forward_state(
  N: i32, H: i32, gates: usize, scratch: usize, hPrev: usize, hNext: usize, after: bool,
): void {
  const HB = <usize>H * 4;
  for (let n = 0; n < N; n++) {
    const row = gates + <usize>n * 3 * HB;
    const srow = scratch + <usize>n * 3 * HB;
    const s = <usize>n * HB;
    for (let j: usize = 0; j < HB; j += 16) {
      const r = ld(row + j), z = ld(row + HB + j);
      const hidden = after ? mul(r, ld(srow + 2 * HB + j)) : ld(srow + 2 * HB + j);
      const nn = tanh4(add(ld(row + 2 * HB + j), hidden));
      st(row + 2 * HB + j, nn);
      st(hNext + s + j, add(mul(oneMinus(z), nn), mul(z, ld(hPrev + s + j))));
    }
  }
}

export function gru_backward_state(
  N: i32, H: i32, gates: usize, hPrev: usize, dH: usize, dA: usize, dhPrev: usize,
): void {
  const HB = <usize>H * 4;
  for (let n = 0; n < N; n++) {
    const row = gates + <usize>n * 3 * HB;
    const drow = dA + <usize>n * 3 * HB;
    const s = <usize>n * HB;
    for (let j: usize = 0; j < HB; j += 16) {
      const z = ld(row + HB + j), nn = ld(row + 2 * HB + j);
      const dh = ld(dH + s + j);
      st(drow + HB + j, mul(mul(dh, sub(ld(hPrev + s + j), nn)), mul(z, oneMinus(z))));
      st(drow + 2 * HB + j, mul(mul(dh, oneMinus(z)), oneMinus(mul(nn, nn))));
      st(dhPrev + s + j, mul(dh, z));
    }
  }
}

export function gru_backward_reset(N: i32, H: i32, gates: usize, hPrev: usize, extra: usize, drh: usize,
  dA: usize, dAhh: usize, dhPrev: usize, after: bool): void {
  const HB = <usize>H * 4;
  for (let n = 0; n < N; n++) {
    const row = gates + <usize>n * 3 * HB;
    const drow = dA + <usize>n * 3 * HB;
    const hrow = dAhh + <usize>n * 3 * HB;
    const s = <usize>n * HB;
    for (let j: usize = 0; j < HB; j += 16) {
      const r = ld(row + j);
      const dan = ld(drow + 2 * HB + j);
      const dr = after ? mul(dan, ld(extra + s + j)) : mul(ld(drh + s + j), ld(hPrev + s + j));
      const dar = mul(dr, mul(r, oneMinus(r)));
      st(drow + j, dar);
      if (after) {
        st(hrow + j, dar);
        st(hrow + HB + j, ld(drow + HB + j));
        st(hrow + 2 * HB + j, mul(dan, r));
      } else {
        st(dhPrev + s + j, add(ld(dhPrev + s + j), mul(ld(drh + s + j), r)));
      }
    }
  }
}

// ---- vanilla RNN: h_t = φ(a_t) -----------------------------------------------------------

export function rnn_forward(count: i32, a: usize, hNext: usize, relu: bool): void {
  const B = <usize>count * 4;
  for (let k: usize = 0; k < B; k += 16) {
    const v = ld(a + k);
    st(hNext + k, relu ? f32x4.max(v, splat(0)) : tanh4(v));
  }
}

export function rnn_backward(count: i32, a: usize, hNext: usize, dH: usize, dA: usize, relu: bool): void {
  const B = <usize>count * 4;
  for (let k: usize = 0; k < B; k += 16) {
    const dh = ld(dH + k);
    if (relu) st(dA + k, v128.and(dh, f32x4.gt(ld(a + k), splat(0))));
    else {
      const h = ld(hNext + k);
      st(dA + k, mul(dh, oneMinus(mul(h, h))));
    }
  }
}

