/**
 * Temporal order (adapted from Hochreiter & Schmidhuber 1997, experiment 6a). Alphabet of 8,
 * one-hot: a, b, c, d (distractors), B, E, X, Y. "The sequence starts with an E, ends with a B
 * (the 'trigger symbol') and otherwise consists of randomly chosen symbols from the set
 * {a, b, c, d} except for two elements at positions t1 and t2 that are either X or Y";
 * t1 ∈ [0.1T, 0.2T] and t2 ∈ [0.5T, 0.6T] (10–20 and 50–60 for T = 100, as in the paper).
 * Class at the last step: XX, XY, YX or YY. Baseline: chance, cross-entropy ln 4 ≈ 1.386 nats
 * (accuracy 25%). Solved: HS97's own measure (tasks/hs97.ts): a sequence is wrong when any
 * output misses its target by ≥ 0.3 — here the softmax's probabilities against the one-hot
 * target, so right means p(class) > 0.7 — and at most 3 of 2560 may be. Accuracy (the argmax)
 * is reported beside it.
 * Deviations, stated: their length varies in [100, 110], ours is fixed at T; their outputs are
 * independent sigmoids, ours one softmax.
 */
import type { Rng } from "../math/rng";
import { zeros, type Tensor } from "../math/tensor";
import { softmaxCrossEntropy } from "../model/losses";
import { HS97_CRITERION, hs97Measures, hs97Solved } from "./hs97";
import { argmaxAt, type Batch, type Task } from "./task";

const A = 0,
  Bsym = 4,
  E = 5,
  X = 6,
  Y = 7,
  ALPHABET = 8,
  CLASSES = 4;

export function temporalOrderTask(T: number): Task {
  return {
    name: "temporal_order",
    T,
    length: T,
    inputSize: ALPHABET,
    outputSize: CLASSES,
    loss: "ce",
    readout: "last",
    metricName: "cross-entropy (nats)",
    baseline: Math.log(CLASSES),
    baselineFormula: "chance over 4 classes: ln 4",
    criterion: `${HS97_CRITERION}, wrong: any output's |error| ≥ 0.3`,
    sample(rng: Rng, N: number): Batch {
      const x = zeros("float64", [N, T, ALPHABET]);
      const classes = new Int32Array(N);
      const lo1 = Math.round(0.1 * T),
        hi1 = Math.round(0.2 * T),
        lo2 = Math.round(0.5 * T),
        hi2 = Math.round(0.6 * T);
      for (let n = 0; n < N; n++) {
        const seq = new Int32Array(T);
        for (let t = 1; t < T - 1; t++) seq[t] = A + rng.int(4);
        seq[0] = E;
        seq[T - 1] = Bsym; // the trigger: the answer is read here
        const t1 = lo1 + rng.int(hi1 - lo1 + 1),
          t2 = lo2 + rng.int(hi2 - lo2 + 1);
        const s1 = rng.int(2),
          s2 = rng.int(2);
        seq[t1] = s1 ? Y : X;
        seq[t2] = s2 ? Y : X;
        classes[n] = 2 * s1 + s2;
        for (let t = 0; t < T; t++) x.data[(n * T + t) * ALPHABET + seq[t]] = 1;
      }
      return { x, y: null, classes, mask: null };
    },
    evaluate(prediction: Tensor, batch: Batch) {
      const metric = softmaxCrossEntropy(prediction, batch.classes!).loss;
      const N = prediction.shape[0];
      let right = 0,
        wrong = 0;
      for (let n = 0; n < N; n++) {
        const row = n * CLASSES;
        if (argmaxAt(prediction.data, row, CLASSES) === batch.classes![n]) right++;
        // softmax of the row, then HS97's per-output test |p_k − [k = class]| < 0.3
        const max = prediction.data[row + argmaxAt(prediction.data, row, CLASSES)];
        let sum = 0;
        for (let k = 0; k < CLASSES; k++) sum += Math.exp(prediction.data[row + k] - max);
        for (let k = 0; k < CLASSES; k++) {
          const p = Math.exp(prediction.data[row + k] - max) / sum;
          if (Math.abs(p - (k === batch.classes![n] ? 1 : 0)) >= 0.3) {
            wrong++;
            break;
          }
        }
      }
      const e = hs97Measures(metric, wrong, N, { accuracy: right / N });
      return { ...e, solved: hs97Solved(e) };
    },
    solvedBy: hs97Solved,
    trivialPrediction(batch) {
      return zeros("float64", [batch.x.shape[0], CLASSES]);
    },
  };
}
