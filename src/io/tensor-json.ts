/**
 * Tensors in JSON files (both checkpoint formats): {shape, data} with plain numbers. Decoding
 * checks every entry is a finite number — JSON has no NaN, and a null must not become 0.
 */
import { fail } from "../errors";
import { cloneTensor, type Tensor } from "../math/tensor";

export interface JsonTensor {
  shape: number[];
  data: number[];
}

export function encodeTensors(ts: Record<string, Tensor>): Record<string, JsonTensor> {
  return Object.fromEntries(
    Object.entries(ts).map(([name, t]) => [name, { shape: t.shape, data: Array.from(t.data) }]),
  );
}

/**
 * The tensors in `raw`. With `like`, exactly like's names, each with like's size, returned in
 * like's dtype; without, every entry as a Float64 tensor of the shape it states.
 */
export function decodeTensors(raw: unknown, what: string, like?: Record<string, Tensor>): Record<string, Tensor> {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) fail(what, "an object of {shape, data}", raw);
  const entries = raw as Record<string, { shape?: unknown; data?: unknown } | undefined>;
  const out: Record<string, Tensor> = {};
  for (const name of like ? Object.keys(like) : Object.keys(entries)) {
    const p = entries[name];
    if (!Array.isArray(p?.data) || (!like && !Array.isArray(p?.shape)))
      fail(`${what}.${name}`, "{shape: number[], data: number[]}", p);
    const data = p!.data as unknown[];
    if (like && data.length !== like[name].data.length) fail(`${what}.${name}`, `${like[name].data.length} numbers`, p);
    const bad = data.findIndex((v) => typeof v !== "number" || !Number.isFinite(v));
    if (bad >= 0) fail(`${what}.${name}[${bad}]`, "a finite number", data[bad]);
    if (like) {
      out[name] = cloneTensor(like[name]);
      out[name].data.set(data as number[]);
    } else out[name] = { shape: p!.shape as number[], data: Float64Array.from(data as number[]) };
  }
  return out;
}
