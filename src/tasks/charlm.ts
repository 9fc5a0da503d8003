/**
 * Character-level language modelling (Karpathy, Johnson & Fei-Fei 2015), batched as char-rnn batches: a text cut
 * into training, validation and test splits, each read as contiguous streams; at every step the model reads a
 * character and predicts the next, scored by softmax cross-entropy in nats and bits per character.
 *
 *   ids        each character (code point) as its index in the vocabulary (default: the text's distinct
 *              characters in code-point order, as a corpus manifest lists them)
 *   splits     the first `split[0]` of the text, then the next `split[1]`, then the rest — contiguous
 *   streams    a split of L characters read by N streams: stream n reads positions [n·S, (n+1)·S),
 *              S = ⌊(L − 1)/N⌋; at position p the input is onehot(id[p]) and the target id[p + 1]
 *   training   step s reads chunk k = s mod ⌊S/T⌋ of every stream (T characters each): the hidden state
 *              carries from chunk k to chunk k + 1 (no gradient crosses), and starts at zero at k = 0
 *   held out   the whole split as ⌈S/T⌉ chunks (the last may be shorter), the state carried likewise;
 *              the metric is the mean over every character read
 *   baseline   the training split's character frequencies (add-one), scored on the test split
 */
import { createHash } from "crypto";
import { GatescopeError, fail } from "../errors";
import { positiveInt } from "../checks";
import type { Rng } from "../math/rng";
import { zeros, type Tensor } from "../math/tensor";
import { softmaxCrossEntropy } from "../model/losses";
import { argmaxAt, type Batch, type Evaluation, type HeldOutStreams, type Split, type Task } from "./task";

/** How a text becomes a language-modelling task. */
export interface CharLMOptions {
  /** Characters per chunk: the truncated-BPTT window. */
  T: number;
  /** Default: the text's distinct characters in code-point order. */
  vocabulary?: readonly string[];
  /** Fractions of the text for training, validation and test (default 0.8, 0.1, 0.1), in that order. */
  split?: readonly [number, number, number];
}

/** A language-modelling task on a text, with the text's vocabulary and its encoding. */
export interface CharLMTask extends Task {
  readonly name: "charlm";
  readonly vocabulary: readonly string[];
  /** Each character's index in the vocabulary; throws naming the first character outside it. */
  encode(text: string, what?: string): Uint16Array;
  /** The characters of vocabulary indices. */
  decode(ids: ArrayLike<number>): string;
  /** Vocabulary indices as one sequence the model reads: one-hot, 1×T×V. */
  oneHot(ids: ArrayLike<number>): Tensor;
  /** The characters of one split, e.g. the test text a probe reads. */
  splitText(which: Split | "training"): string;
}

/** The distinct characters of a text, in code-point order (as a corpus manifest lists them). */
export function vocabularyOf(text: string): string[] {
  return [...new Set(text)].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
}

/** What a language-modelling task says of itself whatever its text (for reports that read no corpus). */
export const CHARLM_FACTS = {
  metricName: "cross-entropy (nats per character)",
  baselineFormula: "the training split's character frequencies (add-one) on the test split",
  criterion: "none: a language model is judged by its cross-entropy, never solved",
  metricOnly: true,
  reported: { bits_per_char: "bits per character", accuracy: "accuracy (most likely next character)" },
} as const;

/** Nats to bits. */
export const bitsPerNat = 1 / Math.LN2;
/** Training, validation and test fractions of a text, unless a task names its own. */
export const CHARLM_SPLIT = [0.8, 0.1, 0.1] as const;

/** A language-modelling task on `text`: its splits, streams, baseline and vocabulary (see the header). */
export function charLMTask(text: string, options: CharLMOptions): CharLMTask {
  if (typeof text !== "string" || text.length === 0) fail("charLMTask text", "a non-empty string", text);
  const T = positiveInt(options?.T, "charLMTask T");
  const vocabulary = options.vocabulary ? [...options.vocabulary] : vocabularyOf(text);
  const V = vocabulary.length;
  if (V < 2 || V > 65535 || new Set(vocabulary).size !== V || !vocabulary.every((c) => [...c].length === 1))
    fail("charLMTask vocabulary", "2 to 65 535 distinct single characters", vocabulary);
  const index = new Map(vocabulary.map((c, i) => [c, i]));
  const encode = (s: string, what = "text"): Uint16Array => {
    const chars = Array.from(s);
    const ids = new Uint16Array(chars.length);
    chars.forEach((c, p) => {
      const i = index.get(c);
      if (i === undefined)
        fail(`${what} character ${p}`, `one of the ${V} characters of the vocabulary`, `${JSON.stringify(c)}`);
      ids[p] = i!;
    });
    return ids;
  };
  const decode = (xs: ArrayLike<number>): string => Array.from(xs, (i) => vocabulary[i]).join("");
  const split = options.split ?? CHARLM_SPLIT;
  if (split.length !== 3 || !split.every((f) => f > 0) || Math.abs(split[0] + split[1] + split[2] - 1) > 1e-9)
    fail("charLMTask split", "three positive fractions that sum to 1 (training, validation, test)", split);
  const ids = encode(text);
  const cut1 = Math.round(ids.length * split[0]);
  const cut2 = cut1 + Math.round(ids.length * split[1]);
  const splits: Record<Split | "training", Uint16Array> = {
    training: ids.subarray(0, cut1),
    validation: ids.subarray(cut1, cut2),
    test: ids.subarray(cut2),
  };

  /** Stream n's positions in a split: [n·S, (n+1)·S) with S = ⌊(L − 1)/N⌋, so every position has a next one. */
  const streamLength = (which: keyof typeof splits, N: number): number => {
    const S = Math.floor((splits[which].length - 1) / N);
    if (S < 1)
      throw new GatescopeError(
        `charlm ${which} split: expected at least ${N + 1} characters for ${N} streams, got ${splits[which].length}`,
      );
    return S;
  };
  /** Positions [start_n, start_n + len) of a split, one row per start: one-hot inputs, next-character classes. */
  const read = (which: keyof typeof splits, starts: number[], len: number): Batch => {
    const data = splits[which];
    const N = starts.length;
    const x = zeros("float64", [N, len, V]);
    const classes = new Int32Array(N * len);
    starts.forEach((start, n) => {
      for (let t = 0; t < len; t++) {
        x.data[(n * len + t) * V + data[start + t]] = 1;
        classes[n * len + t] = data[start + t + 1];
      }
    });
    return { x, y: null, classes, mask: null };
  };
  /** Chunk [a, a + len) of streams [from, to), each S characters long. */
  const chunk = (which: keyof typeof splits, S: number, a: number, len: number, from: number, to: number) =>
    read(which, Array.from({ length: to - from }, (_, n) => (from + n) * S + a), len);

  const chunksPerEpoch = (N: number): number => {
    const k = Math.floor(streamLength("training", N) / T);
    if (k < 1)
      throw new GatescopeError(
        `charlm training split: expected ≥ ${N * T + 1} characters for ${N} streams of T = ${T}, ` +
          `got ${splits.training.length}`,
      );
    return k;
  };

  // The trivial predictor: log-frequencies of the training split, add-one smoothed so no character has −∞.
  const counts = new Float64Array(V).fill(1);
  for (const i of splits.training) counts[i]++;
  const total = counts.reduce((a, b) => a + b, 0);
  const logq = Array.from(counts, (c) => Math.log(c / total));
  let baseline = 0;
  for (const i of splits.test.subarray(1)) baseline -= logq[i];
  baseline /= splits.test.length - 1;

  const evaluate = (prediction: Tensor, batch: Batch): Evaluation => {
    const metric = softmaxCrossEntropy(prediction, batch.classes!).loss;
    const P = batch.classes!.length;
    let right = 0;
    for (let p = 0; p < P; p++) if (argmaxAt(prediction.data, p * V, V) === batch.classes![p]) right++;
    return { metric, extra: { bits_per_char: metric * bitsPerNat, accuracy: right / P }, solved: false };
  };
  const sha256 = createHash("sha256").update(text, "utf8").digest("hex");
  return {
    name: "charlm",
    T,
    length: T,
    inputSize: V,
    outputSize: V,
    loss: "ce",
    readout: "every",
    ...CHARLM_FACTS,
    baseline,
    vocabulary,
    text: { sha256, characters: ids.length, split: [...split] },
    encode,
    decode,
    splitText: (which) => decode(splits[which]),
    oneHot(ids: ArrayLike<number>): Tensor {
      const x = zeros("float64", [1, ids.length, V]);
      for (let t = 0; t < ids.length; t++) x.data[t * V + ids[t]] = 1;
      return x;
    },
    sample(rng: Rng, N: number): Batch {
      // N windows at random places in the training split, each read from a zero state.
      const S = streamLength("training", 1);
      if (S < T) fail("charlm training split", `more than ${T} characters for a window of T = ${T}`, S + 1);
      return read("training", Array.from({ length: N }, () => rng.int(S - T + 1)), T);
    },
    streams: {
      chunksPerEpoch,
      trainBatch(step: number, N: number): Batch {
        const k = step % chunksPerEpoch(N);
        return chunk("training", streamLength("training", N), k * T, T, 0, N);
      },
      heldOut(which: Split, N: number): HeldOutStreams {
        const S = streamLength(which, N);
        return {
          chunks: Math.ceil(S / T),
          chunk: (k, from = 0, to = N) => chunk(which, S, k * T, Math.min(T, S - k * T), from, to),
        };
      },
    },
    evaluate,
    solvedBy: () => false,
    trivialPrediction(batch: Batch): Tensor {
      const P = batch.classes!.length;
      const out = zeros("float64", [...batch.x.shape.slice(0, 2), V]);
      for (let p = 0; p < P; p++) out.data.set(logq, p * V);
      return out;
    },
  };
}
