// Generated from native/src/kernels.h's STEP_SHAPES by scripts/step-widths.js: edit those, not this.

/** Each step kernel's buffers as row widths in H-wide blocks; the order is the native op numbers'. */
export const STEP_KERNELS = {
  lstm_forward: [4, 1, 1, 1], // gates, cPrev, cNext, hNext
  lstm_backward: [4, 1, 1, 1, 1, 1, 1, 4], // gates, cPrev, cCur, dH, dcNext, dC, dcPrev, dA
  gru_forward_gates: [3, 3, 1, 1], // gates, scratch, hPrev, extra
  gru_forward_state: [3, 3, 1, 1], // gates, scratch, hPrev, hNext
  gru_backward_state: [3, 1, 1, 3, 1], // gates, hPrev, dH, dA, dhPrev
  gru_backward_reset: [3, 1, 1, 1, 3, 3, 1], // gates, hPrev, extra, drh, dA, dAhh, dhPrev
  rnn_forward: [1, 1], // a, hNext
  rnn_backward: [1, 1, 1, 1], // a, hNext, dH, dA
} as const;
