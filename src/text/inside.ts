/**
 * A character model looked inside on real text (Karpathy, Johnson & Fei-Fei 2015): every gate's saturation over a
 * whole held-out split, read as streams chunk by chunk with the state carried (as it is scored), and the states of
 * one layer over a passage, for the cells that track what `textFeatures` computes and for colouring the text.
 */
import { fail } from "../errors";
import type { Tensor } from "../math/tensor";
import type { RecurrentState, SequenceModel } from "../model/sequence-model";
import { addSaturation, saturationOf, type GateSaturation } from "../probe/gates";
import type { CharLMTask, Split } from "../tasks";

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
