/**
 * The adding problem, in its two published forms. Input: two channels per step, a value and
 * a marker; exactly two steps are marked; the target, read at the last step, is a function of
 * the two marked values. Regression with MSE on a last-step linear readout.
 *
 * "adding" (Arjovsky, Shah & Bengio 2016; Le et al. 2015): values U[0, 1]; one marker uniform
 *   in the first half, one in the second; target X1 + X2. Predicting 1 always gives
 *   MSE = Var(X1 + X2) = 2/12 ≈ 0.167. Solved: test MSE < 0.01 (6% of the baseline).
 * "adding_hs97" (Hochreiter & Schmidhuber 1997, experiment 4): values U[−1, 1]; the first
 *   marker among the first 10 steps, the second among the first T/2 − 1; marker channel −1 at
 *   the first and last step unless marked; target 0.5 + (X1 + X2)/4. Predicting 0.5 gives
 *   MSE = 2·(1/3)/16 = 1/24 ≈ 0.0417. Solved (their criterion): every test sequence's absolute
 *   error < 0.04. Their sequence lengths vary in [T, T + T/10]; ours are fixed at T, so batches
 *   stay rectangular.
 */
import type { Rng } from "../math/rng";
import { zeros, type Tensor } from "../math/tensor";
import { mse } from "../model/losses";
import type { Batch, Task } from "./task";

function sample(rng: Rng, N: number, T: number, hs97: boolean): Batch {
  const x = zeros("float64", [N, T, 2]);
  const y = zeros("float64", [N, 1]);
  for (let n = 0; n < N; n++) {
    const base = n * T * 2;
    for (let t = 0; t < T; t++) x.data[base + 2 * t] = hs97 ? rng.range(-1, 1) : rng.uniform();
    let a: number, b: number;
    if (hs97) {
      a = rng.int(Math.min(10, T));
      do b = rng.int(Math.max(2, Math.floor(T / 2) - 1)); while (b === a);
      x.data[base + 1] = -1;
      x.data[base + 2 * (T - 1) + 1] = -1;
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

export function addingTask(T: number, variant: "adding" | "adding_hs97"): Task {
  const hs97 = variant === "adding_hs97";
  return {
    name: variant, T, length: T, inputSize: 2, outputSize: 1, loss: "mse", readout: "last", metricName: "MSE",
    baseline: hs97 ? 1 / 24 : 1 / 6,
    baselineFormula: hs97 ? "predict 0.5: Var((X1+X2)/4) = 1/24" : "predict 1: Var(X1+X2) = 2/12",
    criterion: hs97 ? "every test sequence's |error| < 0.04 (Hochreiter & Schmidhuber 1997)" : "test MSE < 0.01",
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
      const fraction = within / prediction.data.length;
      return { metric, extra: { max_abs_error: worst, fraction_within_0_04: fraction }, solved: hs97 ? worst < 0.04 : metric < 0.01 };
    },
    trivialPrediction(batch) {
      const p = zeros("float64", batch.y!.shape);
      p.data.fill(hs97 ? 0.5 : 1);
      return p;
    },
  };
}
