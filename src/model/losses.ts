/**
 * Losses with exact gradients. Both average over the positions a mask keeps (all positions
 * when there is no mask), so steps that carry no target — the blanks of the copy task, every
 * step but the last of the adding problem — neither count nor receive gradient.
 * A position is every index of the tensor but the last axis (N×T, or N); a mask has that shape
 * and holds 0 or 1.
 *
 *   mse:  L = Σ_p m_p Σ_o (y_po − t_po)² / (O·Σ_p m_p)          (torch MSELoss over kept elements)
 *         ∂L/∂y_po = 2 m_p (y_po − t_po) / (O·Σ m)
 *   softmax cross-entropy, class targets c_p:
 *         L = −Σ_p m_p log softmax(y_p)_{c_p} / Σ_p m_p        (torch CrossEntropyLoss, mean)
 *         ∂L/∂y_p = m_p (softmax(y_p) − onehot(c_p)) / Σ m
 */
import { GatescopeError, fail, shapeString } from "../errors";
import { dtypeOf, sizeOf, toTensor, zeros, type Tensor } from "../math/tensor";

/** A loss value and its gradient with respect to the prediction. */
export interface LossResult {
  loss: number;
  /** ∂L/∂prediction, same shape as the prediction. */
  grad: Tensor;
  /** Positions that counted. */
  count: number;
}

function maskOf(mask: unknown, positions: number[], what: string): Float64Array | null {
  if (mask === undefined || mask === null) return null;
  const m = toTensor(mask, "float64", positions, `${what} mask (${shapeString(positions)})`).data as Float64Array;
  for (let i = 0; i < m.length; i++) {
    if (m[i] !== 0 && m[i] !== 1) {
      throw new GatescopeError(`${what} mask: expected 0 or 1, got ${m[i]} at flat index ${i}`);
    }
  }
  return m;
}

function kept(mask: Float64Array | null, positions: number, what: string): number {
  const count = mask ? mask.reduce((a, b) => a + b, 0) : positions;
  if (count === 0) {
    throw new GatescopeError(
      `${what}: expected at least one position with a target, got none (empty input or all-zero mask)`,
    );
  }
  return count;
}

/** Mean squared error over the (optionally masked) elements, and its gradient. */
export function mse(prediction: Tensor, target: unknown, mask?: unknown): LossResult {
  const dtype = dtypeOf(prediction.data);
  const t = toTensor(target, dtype, prediction.shape, `mse target ${shapeString(prediction.shape)}`);
  const O = prediction.shape[prediction.shape.length - 1] ?? 1;
  const positions = prediction.shape.slice(0, -1);
  const m = maskOf(mask, positions, "mse");
  const count = kept(m, sizeOf(positions), "mse");
  const grad = zeros(dtype, prediction.shape);
  const scale = 1 / (count * O);
  let sum = 0;
  for (let p = 0; p < sizeOf(positions); p++) {
    if (m && m[p] === 0) continue;
    for (let o = 0; o < O; o++) {
      const i = p * O + o;
      const e = prediction.data[i] - t.data[i];
      sum += e * e;
      grad.data[i] = 2 * e * scale;
    }
  }
  return { loss: sum * scale, grad, count };
}

/** `targets`: class indices, one per position (shape = logits' shape without the last axis). */
export function softmaxCrossEntropy(
  logits: Tensor,
  targets: ArrayLike<number> | number[][],
  mask?: unknown,
): LossResult {
  const dtype = dtypeOf(logits.data);
  const C = logits.shape[logits.shape.length - 1];
  if (logits.shape.length < 2 || !(C >= 1)) {
    fail("softmaxCrossEntropy logits", "shape [..., C] with C ≥ 1 classes", `shape ${shapeString(logits.shape)}`);
  }
  const positions = logits.shape.slice(0, -1);
  const P = sizeOf(positions);
  const flat = Array.isArray(targets)
    ? ((targets as unknown[]).flat(Infinity) as number[])
    : Array.from(targets as ArrayLike<number>);
  if (flat.length !== P) {
    fail("softmaxCrossEntropy targets", `${P} class indices (one per position of ${shapeString(positions)})`, targets);
  }
  const m = maskOf(mask, positions, "softmaxCrossEntropy");
  const count = kept(m, P, "softmaxCrossEntropy");
  const grad = zeros(dtype, logits.shape);
  let sum = 0;
  for (let p = 0; p < P; p++) {
    if (m && m[p] === 0) continue;
    const c = flat[p];
    if (!Number.isInteger(c) || c < 0 || c >= C) {
      fail(`softmaxCrossEntropy target at position ${p}`, `an integer class in [0, ${C - 1}]`, c);
    }
    const row = p * C;
    let max = -Infinity;
    for (let k = 0; k < C; k++) max = Math.max(max, logits.data[row + k]);
    let z = 0;
    for (let k = 0; k < C; k++) z += Math.exp(logits.data[row + k] - max);
    const logZ = max + Math.log(z);
    sum += logZ - logits.data[row + c];
    for (let k = 0; k < C; k++) grad.data[row + k] = Math.exp(logits.data[row + k] - logZ) / count;
    grad.data[row + c] -= 1 / count;
  }
  return { loss: sum / count, grad, count };
}
