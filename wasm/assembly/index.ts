// gatescope's float32 WebAssembly SIMD kernels. Memory is imported and shared, so JS views
// into it stay valid when it grows; JS owns the layout and passes byte pointers.
export { gemm_nn, gemm_nt, gemm_tn, transpose, add_row_bias, sum_rows, set_pack, PACK_BYTES } from "./gemm";
export { lstm_forward, lstm_backward, gru_forward_gates, gru_forward_state, gru_backward_state,
  gru_backward_reset, rnn_forward, rnn_backward } from "./cells";

/** First byte free for the JS-managed workspace. */
export function heap_base(): usize {
  return (__heap_base + 15) & ~15;
}

/** exp on four lanes, exported for accuracy tests. */
export function exp_f32x4(src: usize, dst: usize): void {
  v128.store(dst, exp4(v128.load(src)));
}
import { exp4 } from "./activations";
