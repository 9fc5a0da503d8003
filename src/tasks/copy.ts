/**
 * Copy memory (Arjovsky, Shah & Bengio 2016). Alphabet of 10: 0 blank, 1–8 symbols, 9
 * delimiter. Input (length T + 20, one-hot): 10 symbols drawn from 1–8, T − 1 blanks, the
 * delimiter, 10 blanks. Target at every step: blank, except the last 10 steps, which must
 * repeat the 10 symbols. Cross-entropy over all T + 20 steps, every-step readout.
 * Baseline: blanks, then a uniform guess over the 8 symbols for the last 10 steps:
 * 10·ln 8 / (T + 20) nats. Solved: ≥ 99% of the recalled symbols right on a held-out set.
 */
import type { Rng } from "../math/rng";
import { zeros, type Tensor } from "../math/tensor";
import { softmaxCrossEntropy } from "../model/losses";
import { argmaxAt, type Batch, type Evaluation, type Task } from "./task";

const SYMBOLS = 8,
  RECALL = 10,
  CLASSES = 10,
  BLANK = 0,
  DELIM = 9;

export function copyTask(T: number): Task {
  const len = T + 2 * RECALL;
  const solvedBy = (e: Omit<Evaluation, "solved">) => e.extra.recall_accuracy >= 0.99;
  return {
    name: "copy",
    T,
    length: len,
    inputSize: CLASSES,
    outputSize: CLASSES,
    loss: "ce",
    readout: "every",
    metricName: "cross-entropy (nats)",
    baseline: (RECALL * Math.log(SYMBOLS)) / len,
    baselineFormula: "blanks, then uniform over 8 symbols: 10·ln 8/(T+20)",
    criterion: "≥ 99% of recalled symbols correct",
    sample(rng: Rng, N: number): Batch {
      const x = zeros("float64", [N, len, CLASSES]);
      const classes = new Int32Array(N * len);
      for (let n = 0; n < N; n++) {
        const seq = new Int32Array(len);
        for (let t = 0; t < RECALL; t++) seq[t] = 1 + rng.int(SYMBOLS);
        seq[T + RECALL - 1] = DELIM;
        for (let t = 0; t < len; t++) x.data[(n * len + t) * CLASSES + seq[t]] = 1;
        // Every step before the recall window keeps the class array's initial 0, which is BLANK.
        for (let t = 0; t < RECALL; t++) classes[n * len + len - RECALL + t] = seq[t];
      }
      return { x, y: null, classes, mask: null };
    },
    evaluate(prediction: Tensor, batch: Batch) {
      const metric = softmaxCrossEntropy(prediction, batch.classes!).loss;
      const N = prediction.shape[0];
      let right = 0;
      for (let n = 0; n < N; n++) {
        for (let t = len - RECALL; t < len; t++) {
          if (argmaxAt(prediction.data, (n * len + t) * CLASSES, CLASSES) === batch.classes![n * len + t]) right++;
        }
      }
      const accuracy = right / (N * RECALL);
      const e = { metric, extra: { recall_accuracy: accuracy } };
      return { ...e, solved: solvedBy(e) };
    },
    solvedBy,
    trivialPrediction(batch) {
      // Logits: certain blank before the recall window, uniform over the symbols inside it.
      const N = batch.x.shape[0];
      const p = zeros("float64", [N, len, CLASSES]);
      for (let n = 0; n < N; n++) {
        for (let t = 0; t < len; t++) {
          const row = (n * len + t) * CLASSES;
          p.data.fill(-1e9, row, row + CLASSES);
          if (t < len - RECALL) p.data[row + BLANK] = 0;
          else p.data.fill(0, row + 1, row + 1 + SYMBOLS);
        }
      }
      return p;
    },
  };
}
