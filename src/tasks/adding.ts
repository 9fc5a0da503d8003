/**
 * The adding problem, in its two published forms. Input: two channels per step, a value and
 * a marker; exactly two steps are marked; the target, read at the last step, is a function of
 * the two marked values. Regression with MSE on a last-step linear readout.
 *
 * "adding" (Arjovsky, Shah & Bengio 2016; Le et al. 2015): values U[0, 1]; one marker uniform
 *   in the first half, one in the second; target X1 + X2. Predicting 1 always gives
 *   MSE = Var(X1 + X2) = 2/12 ≈ 0.167. Solved: test MSE < 0.01 (6% of the baseline).
 * "adding_hs97" (adapted from Hochreiter & Schmidhuber 1997, experiment 4): values U[−1, 1];
 *   "we first randomly select and mark one of the first ten pairs (whose first component is
 *   called X1). Then we randomly select and mark one of the first T/2 − 1 still unmarked pairs"
 *   (X2); marker channel −1 at the first and last step unless marked; "X1 is set to zero in the
 *   rare case where the first pair of the sequence got marked"; target 0.5 + (X1 + X2)/4.
 *   (We zero the first pair's value whichever mark lands there.) Predicting 0.5 gives MSE =
 *   (2 − P(first pair marked))·(1/3)/16 ≈ 0.0392 at T = 100 (stated exactly by `baseline`).
 *   Solved: HS97's own measure (tasks/hs97.ts): a sequence is wrong when its absolute error is
 *   ≥ 0.04, and at most 3 of 2560 may be, as for their LSTM.
 *   Deviations, stated: their lengths vary in [T, T + T/10], ours are fixed at T so batches stay
 *   rectangular; they stop when the *training* stream's average error is below 0.01 and the last
 *   2000 sequences were all right, we judge on a held-out validation set.
 */
import type { Rng } from "../math/rng";
import { zeros, type Tensor } from "../math/tensor";
import { mse } from "../model/losses";
import { HS97_CRITERION, hs97Measures, hs97Solved } from "./hs97";
import type { Batch, Evaluation, Task } from "./task";

function sample(rng: Rng, N: number, T: number, hs97: boolean): Batch {
  const x = zeros("float64", [N, T, 2]);
  const y = zeros("float64", [N, 1]);
  for (let n = 0; n < N; n++) {
    const base = n * T * 2;
    for (let t = 0; t < T; t++) x.data[base + 2 * t] = hs97 ? rng.range(-1, 1) : rng.uniform();
    let a: number, b: number;
    if (hs97) {
      a = rng.int(Math.min(10, T));
      const k = rng.int(Math.floor(T / 2) - 1); // the k-th of the first T/2 − 1 unmarked pairs
      b = k < a ? k : k + 1;
      x.data[base + 1] = -1;
      x.data[base + 2 * (T - 1) + 1] = -1;
      if (a === 0 || b === 0) x.data[base] = 0; // a marked first pair carries the value 0
    } else {
      const half = Math.floor(T / 2);
      a = rng.int(half);
      b = half + rng.int(T - half);
    }
    x.data[base + 2 * a + 1] = 1;
    x.data[base + 2 * b + 1] = 1;
    const sum = x.data[base + 2 * a] + x.data[base + 2 * b];
    y.data[n] = hs97 ? 0.5 + sum / 4 : sum;
  }
  return { x, y, classes: null, mask: null };
}

/**
 * Which input does the network remember? The least-squares fit prediction ≈ a·X_first +
 * b·X_second + c over a batch, X ordered by position: a network that adds both has a = b = 1
 * ("adding") or ¼ ("adding_hs97"); one that forgot the early value has a ≈ 0 and still b > 0.
 */
export function memoryWeights(prediction: Tensor, batch: Batch): [number, number] {
  const N = prediction.data.length;
  const T = batch.x.shape[1];
  // Normal equations for [x1, x2, 1]: symmetric 3×3, solved by Cramer's rule.
  let s11 = 0,
    s12 = 0,
    s1 = 0,
    s22 = 0,
    s2 = 0,
    y1 = 0,
    y2 = 0,
    y0 = 0;
  for (let n = 0; n < N; n++) {
    const v: number[] = [];
    for (let t = 0; t < T && v.length < 2; t++)
      if (batch.x.data[(n * T + t) * 2 + 1] === 1) v.push(batch.x.data[(n * T + t) * 2]);
    const [a, b] = v;
    const y = prediction.data[n];
    s11 += a * a;
    s12 += a * b;
    s1 += a;
    s22 += b * b;
    s2 += b;
    y1 += a * y;
    y2 += b * y;
    y0 += y;
  }
  const det3 = (m: number[]) =>
    m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
  const A = [s11, s12, s1, s12, s22, s2, s1, s2, N];
  const d = det3(A);
  // Too few or too alike sequences leave the fit undetermined: say so (NaN) rather than invent numbers.
  if (!(Math.abs(d) > 1e-9 * s11 * s22 * N)) return [NaN, NaN];
  const a = det3([y1, s12, s1, y2, s22, s2, y0, s2, N]) / d;
  const b = det3([s11, y1, s1, s12, y2, s2, s1, y0, N]) / d;
  return [a, b];
}

export function addingTask(T: number, variant: "adding" | "adding_hs97"): Task {
  const hs97 = variant === "adding_hs97";
  const solvedBy = (e: Omit<Evaluation, "solved">) => (hs97 ? hs97Solved(e) : e.metric < 0.01);
  return {
    name: variant,
    T,
    length: T,
    inputSize: 2,
    outputSize: 1,
    loss: "mse",
    readout: "last",
    metricName: "MSE",
    // hs97: the first pair is marked when X1 lands there (1 in 10) or X2 does (k = 0 while X1 is later).
    baseline: hs97 ? (2 - (0.1 + 0.9 / (Math.floor(T / 2) - 1))) / 48 : 1 / 6,
    baselineFormula: hs97 ? "predict 0.5: (2 − P(first pair marked))·(1/3)/16" : "predict 1: Var(X1+X2) = 2/12",
    criterion: hs97 ? `${HS97_CRITERION}, wrong: |error| ≥ 0.04` : "MSE < 0.01",
    sample: (rng, N) => sample(rng, N, T, hs97),
    evaluate(prediction: Tensor, batch: Batch) {
      const metric = mse(prediction, batch.y).loss;
      let worst = 0;
      let within = 0;
      for (let n = 0; n < prediction.data.length; n++) {
        const e = Math.abs(prediction.data[n] - batch.y!.data[n]);
        worst = Math.max(worst, e);
        if (e < 0.04) within++;
      }
      const N = prediction.data.length;
      const [weight_first, weight_second] = memoryWeights(prediction, batch);
      const extra = { max_abs_error: worst, fraction_within_0_04: within / N, weight_first, weight_second };
      const e = hs97 ? hs97Measures(metric, N - within, N, extra) : { metric, extra };
      return { ...e, solved: solvedBy(e) };
    },
    solvedBy,
    trivialPrediction(batch) {
      const p = zeros("float64", batch.y!.shape);
      p.data.fill(hs97 ? 0.5 : 1);
      return p;
    },
  };
}
