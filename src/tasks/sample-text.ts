/**
 * Text from a character-level language model, as char-rnn samples it: the model reads a primer, then draws each
 * next character from softmax(logits / τ) and reads it in turn, the state carried throughout.
 *   τ = 1: the model's own distribution; τ → 0: ever closer to its most likely character; τ > 1: flatter.
 */
import { fail } from "../errors";
import type { Rng } from "../math/rng";
import type { RecurrentState, SequenceModel } from "../model/sequence-model";
import type { CharLMTask } from "./charlm";

/** What to sample. */
export interface SampleTextOptions {
  /** The characters the model reads first (at least one, each in the vocabulary). */
  prefix: string;
  /** How many characters to draw after it. */
  length: number;
  /** Default 1. */
  temperature?: number;
}

/** The prefix followed by `length` characters drawn from the model, one at a time, with `rng`. */
export function sampleText(model: SequenceModel, task: CharLMTask, options: SampleTextOptions, rng: Rng): string {
  const V = task.vocabulary.length;
  if (model.rnn.config.inputSize !== V || model.head.outputSize !== V)
    fail(
      "sampleText model",
      `inputs and outputs of the task's ${V} characters`,
      `inputSize ${model.rnn.config.inputSize}, outputSize ${model.head.outputSize}`,
    );
  const { prefix, length } = options;
  const temperature = options.temperature ?? 1;
  if (typeof prefix !== "string" || prefix.length === 0) fail("sampleText prefix", "a non-empty string", prefix);
  if (!Number.isInteger(length) || length < 0) fail("sampleText length", "an integer ≥ 0", length);
  if (!(temperature > 0 && Number.isFinite(temperature)))
    fail("sampleText temperature", "a finite number > 0", temperature);
  const ids = Array.from(task.encode(prefix, "sampleText prefix"));
  let input = ids;
  let state: RecurrentState | undefined;
  const drawn: number[] = [];
  for (let k = 0; k < length; k++) {
    const r = model.tryPredict(task.oneHot(input), state);
    if (r.nonFinite !== null) fail("sampleText", "finite activations", r.nonFinite);
    state = r.state;
    // softmax(logits/τ) at the last position, shifted by its maximum so exp stays finite.
    const logits = r.prediction.data.subarray((input.length - 1) * V, input.length * V);
    let max = -Infinity;
    for (let c = 0; c < V; c++) max = Math.max(max, logits[c] / temperature);
    const p = Array.from(logits, (l) => Math.exp(l / temperature - max));
    let u = rng.uniform() * p.reduce((a, b) => a + b, 0);
    let c = 0;
    while (c < V - 1 && u >= p[c]) u -= p[c++];
    drawn.push(c);
    input = [c];
  }
  return prefix + task.decode(drawn);
}
