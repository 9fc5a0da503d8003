/**
 * Tensors in JSON files (both checkpoint formats): {shape, data} with plain numbers, readable by anyone, or
 * {shape, dtype, base64}, the array's little-endian bytes — exact too, and a third of the size, for files
 * written often (training checkpoints). Decoding checks every entry is a finite number — JSON has no NaN, and
 * a null must not become 0.
 */
import { fail } from "../errors";
import { cloneTensor, type DType, type Tensor } from "../math/tensor";

export type JsonTensor = { shape: number[]; data: number[] } | { shape: number[]; dtype: DType; base64: string };

/** An array's bytes as base64, and back (this library runs on little-endian hosts only: x86-64, arm64). */
export const toBase64 = (a: Float32Array | Float64Array): string =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");

export function fromBase64(s: unknown, dtype: unknown, what: string): Float32Array | Float64Array {
  if (typeof s !== "string" || (dtype !== "float32" && dtype !== "float64"))
    fail(what, '{dtype: "float32" | "float64", base64}', { dtype, base64: typeof s });
  const bytes = Buffer.from(s, "base64");
  const width = dtype === "float32" ? 4 : 8;
  if (bytes.length % width !== 0) fail(what, `a multiple of ${width} bytes`, `${bytes.length} bytes`);
  const copy = new Uint8Array(bytes); // aligned, and not a view of Node's shared pool
  return dtype === "float32" ? new Float32Array(copy.buffer) : new Float64Array(copy.buffer);
}

export function encodeTensors(ts: Record<string, Tensor>, binary = false): Record<string, JsonTensor> {
  return Object.fromEntries(
    Object.entries(ts).map(([name, t]) => [
      name,
      binary
        ? { shape: t.shape, dtype: t.data instanceof Float32Array ? "float32" : "float64", base64: toBase64(t.data) }
        : { shape: t.shape, data: Array.from(t.data) },
    ]),
  );
}

/**
 * The tensors in `raw`. With `like`, exactly like's names, each with like's size, returned in
 * like's dtype; without, every entry as a Float64 tensor of the shape it states.
 */
export function decodeTensors(raw: unknown, what: string, like?: Record<string, Tensor>): Record<string, Tensor> {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) fail(what, "an object of {shape, data}", raw);
  const entries = raw as Record<string, unknown>;
  const out: Record<string, Tensor> = {};
  for (const name of like ? Object.keys(like) : Object.keys(entries)) {
    const p = entries[name] as { shape?: unknown; data?: unknown; dtype?: unknown; base64?: unknown } | undefined;
    const binary = typeof p?.base64 === "string";
    if ((!binary && !Array.isArray(p?.data)) || (!like && !Array.isArray(p?.shape)))
      fail(`${what}.${name}`, "{shape: number[], data: number[]} or {shape, dtype, base64}", p);
    const data = (binary ? Array.from(fromBase64(p!.base64, p!.dtype, `${what}.${name}`)) : p!.data) as unknown[];
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
