/**
 * A character model looked inside on real text (Karpathy, Johnson & Fei-Fei 2015): every gate's saturation over a
 * whole held-out split, read as streams chunk by chunk with the state carried (as it is scored), and the states of
 * one layer over a passage, for colouring the text; and windows spread over a split, for the cells that track what
 * `textFeatures` computes.
 */
import { fail } from "../errors";
import { dtypeOf, zeros, type Tensor } from "../math/tensor";
import type { RecurrentState, SequenceModel } from "../model/sequence-model";
import { addSaturation, saturationOf, type GateSaturation } from "../probe/gates";
import type { CharLMTask, Split } from "../tasks";
import { textFeatures, type TextFeature } from "./features";

/** Each unit's fraction of a split's characters with each σ gate left- (< 0.1) and right-saturated (> 0.9). */
export function splitSaturation(model: SequenceModel, task: CharLMTask, split: Split, streams = 100): GateSaturation[] {
  const held = task.streams!.heldOut(split, streams);
  let state: RecurrentState | undefined;
  let total: GateSaturation[] | null = null;
  for (let k = 0; k < held.chunks; k++)
    state = model.readWith(held.chunk(k).x, state, (trace) => {
      const s = saturationOf(trace);
      total = total ? addSaturation(total, s) : s;
    });
  return total!;
}

/**
 * What `names` (cell-declared: "c", "h", "f", …) hold at every character of `passage` in `layer` (default: the top
 * one), read as one sequence from a zero state: tensors 1×T×H, T the passage's characters.
 */
export function readPassage(
  model: SequenceModel,
  task: CharLMTask,
  passage: string,
  names: string[],
  layer?: number,
): Record<string, Tensor> {
  const ids = task.encode(passage, "readPassage passage");
  if (ids.length === 0) fail("readPassage passage", "at least one character", passage);
  const out: Record<string, Tensor> = {};
  model.readWith(task.oneHot(ids), undefined, (trace) => {
    for (const name of names) out[name] = trace.get(name, layer);
  });
  return out;
}

/** Windows of a split as a model reads them: their text, the features of their characters, the traced states. */
export interface TextWindows {
  /** Each window's characters, its context left out. */
  texts: string[];
  /** textFeatures of each window read with its context, windows one after another: N·length values each. */
  features: Record<TextFeature, number[]>;
  /** Per traced name, per layer: N×length×H. */
  states: Record<string, Tensor[]>;
}

/**
 * `count` windows spread evenly over a split, each `length` characters read from a zero state after `context`
 * characters before it: the state and the features both see the context (a window may start inside a comment or
 * a bracket), and only the window is kept. A finder pooled over windows from the whole split is not at the mercy
 * of the few files one passage holds.
 */
export function readWindows(
  model: SequenceModel,
  task: CharLMTask,
  split: Split,
  names: string[],
  options: { count: number; length: number; context: number },
): TextWindows {
  const { count, length, context } = options;
  const chars = Array.from(task.splitText(split));
  const span = context + length;
  if (!(Number.isInteger(count) && count >= 1 && Number.isInteger(length) && length >= 1 && context >= 0))
    fail("readWindows options", "integers count ≥ 1, length ≥ 1 and context ≥ 0", options);
  if (count * span > chars.length)
    fail(`readWindows ${split} split`, `at least ${count * span} characters for ${count} windows`, chars.length);
  const gap = (chars.length - span) / Math.max(1, count - 1);
  const starts = Array.from({ length: count }, (_, n) => Math.floor(n * gap));
  const windows = starts.map((a) => chars.slice(a, a + span).join(""));
  // The windows one after another as one sequence is, row for row, the batch of count sequences of span each.
  const hot = task.oneHot(task.encode(windows.join(""), "readWindows"));
  const x = { ...hot, shape: [count, span, task.vocabulary.length] };
  const states: Record<string, Tensor[]> = {};
  model.readWith(x, undefined, (trace) => {
    for (const name of names)
      states[name] = Array.from({ length: trace.numLayers }, (_, layer) => {
        const all = trace.get(name, layer);
        const H = all.shape[2];
        const kept = zeros(dtypeOf(all.data), [count, length, H]);
        for (let n = 0; n < count; n++)
          kept.data.set(all.data.subarray((n * span + context) * H, (n + 1) * span * H), n * length * H);
        return kept;
      });
  });
  const features = {} as Record<TextFeature, number[]>;
  for (const w of windows)
    for (const [name, values] of Object.entries(textFeatures(w)) as Array<[TextFeature, number[]]>) {
      const kept = (features[name] ??= []);
      for (let t = context; t < values.length; t++) kept.push(values[t]);
    }
  return { texts: starts.map((a) => chars.slice(a + context, a + span).join("")), features, states };
}
