/**
 * Tensors are plain `{shape, data}` records over row-major typed arrays. Public APIs speak
 * batch-first shapes (N×T×D); the engine works time-major (T×N×D) internally so that one
 * time step is one contiguous N×(·) block.
 */
import { GatescopeError, fail, shapeString } from "../errors";

/** Element type of a tensor: float32 for speed, float64 for exact checks. */
export type DType = "float32" | "float64";
/** The typed array behind a tensor. */
export type FloatArray = Float32Array | Float64Array;

/** A dense row-major array with its shape, e.g. N×T×D. */
export interface Tensor {
  shape: number[];
  data: FloatArray;
}

/** Anything a user may pass where a tensor is wanted. */
export type TensorLike = Tensor | FloatArray | number[] | number[][] | number[][][] | number[][][][];

export const DTYPES: readonly DType[] = ["float32", "float64"];

export function checkDType(dtype: unknown, what = "dtype"): DType {
  if (dtype !== "float32" && dtype !== "float64") fail(what, `"float32" or "float64"`, dtype);
  return dtype;
}

/** No single buffer may exceed this: bigger sizes are refused before anything is allocated. */
export const MAX_ARRAY_BYTES = 2 ** 31;

export function bytesOf(dtype: DType, size: number): number {
  return size * (dtype === "float64" ? 8 : 4);
}

/** A zeroed typed array of `size` values; refuses anything past the 2 GiB array bound before allocating. */
export function alloc(dtype: DType, size: number): FloatArray {
  if (bytesOf(dtype, size) > MAX_ARRAY_BYTES) {
    throw new GatescopeError(
      `allocation: expected at most ${MAX_ARRAY_BYTES / 2 ** 30} GiB per array, got ${size} ${dtype} values ` +
        `(${(bytesOf(dtype, size) / 2 ** 30).toFixed(1)} GiB); use smaller sizes or batches`,
    );
  }
  return dtype === "float64" ? new Float64Array(size) : new Float32Array(size);
}

export function dtypeOf(data: FloatArray): DType {
  return data instanceof Float64Array ? "float64" : "float32";
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/** A tensor of zeros of the given shape. */
export function zeros(dtype: DType, shape: number[]): Tensor {
  return { shape: shape.slice(), data: alloc(dtype, sizeOf(shape)) };
}

/** A copy of `t` with its own data, optionally cast to another dtype. */
export function cloneTensor(t: Tensor, dtype: DType = dtypeOf(t.data)): Tensor {
  const data = alloc(dtype, t.data.length);
  data.set(t.data);
  return { shape: t.shape.slice(), data };
}

export function isTensor(v: unknown): v is Tensor {
  return (
    typeof v === "object" &&
    v !== null &&
    Array.isArray((v as Tensor).shape) &&
    ((v as Tensor).data instanceof Float32Array || (v as Tensor).data instanceof Float64Array)
  );
}

/** Shape of a rectangular nested array; throws naming the first ragged row. */
function nestedShape(v: unknown, what: string): number[] {
  const shape: number[] = [];
  let cur: unknown = v;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    if (cur.length === 0) break;
    cur = cur[0];
  }
  const check = (node: unknown, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (typeof node !== "number") fail(`${what}${path}`, "a number", node);
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      fail(`${what}${path}`, `an array of length ${shape[depth]} (the tensor is ragged)`, node);
    }
    for (let i = 0; i < node.length; i++) check(node[i], depth + 1, `${path}[${i}]`);
  };
  check(v, 0, "");
  return shape;
}

function flattenInto(v: unknown, out: FloatArray, pos: { i: number }): void {
  if (Array.isArray(v)) for (const x of v) flattenInto(x, out, pos);
  else out[pos.i++] = v as number;
}

/**
 * Converts and validates: the result has exactly `shape` (a -1 entry matches any size),
 * the requested dtype, and only finite values. The input is copied, never aliased.
 */
export function toTensor(value: unknown, dtype: DType, shape: readonly number[] | null, what: string): Tensor {
  let t: Tensor;
  if (isTensor(value)) {
    if (sizeOf(value.shape) !== value.data.length) {
      fail(what, `data of length ${sizeOf(value.shape)} for shape ${shapeString(value.shape)}`, value.data);
    }
    t = cloneTensor(value, dtype);
  } else if (value instanceof Float32Array || value instanceof Float64Array) {
    if (!shape || shape.some((s) => s < 0))
      fail(what, "a tensor {shape, data} or nested array (a flat typed array has no shape)", value);
    if (value.length !== sizeOf(shape))
      fail(what, `a typed array of length ${sizeOf(shape)} for shape ${shapeString(shape)}`, value);
    t = { shape: shape.slice(), data: alloc(dtype, value.length) };
    t.data.set(value);
  } else if (Array.isArray(value)) {
    const s = nestedShape(value, what);
    t = { shape: s, data: alloc(dtype, sizeOf(s)) };
    flattenInto(value, t.data, { i: 0 });
  } else {
    return fail(what, "a tensor {shape, data}, a typed array or a nested number array", value);
  }
  if (shape) {
    const ok = t.shape.length === shape.length && shape.every((s, i) => s < 0 || s === t.shape[i]);
    if (!ok) {
      throw new GatescopeError(
        `${what}: expected shape ${shapeString(shape.map((s) => (s < 0 ? -1 : s))).replace(
          /-1/g,
          "*",
        )}, got ${shapeString(t.shape)}`,
      );
    }
  }
  checkFinite(t.data, what);
  return t;
}

export function checkFinite(data: ArrayLike<number>, what: string): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new GatescopeError(`${what}: expected finite numbers, got ${data[i]} at flat index ${i}`);
    }
  }
}

/** Nested plain arrays, for JSON and for PyTorch users. */
export function toNested(t: Tensor): unknown {
  const build = (depth: number, offset: number): unknown => {
    if (depth === t.shape.length) return t.data[offset];
    const stride = sizeOf(t.shape.slice(depth + 1));
    const out: unknown[] = [];
    for (let i = 0; i < t.shape[depth]; i++) out.push(build(depth + 1, offset + i * stride));
    return out;
  };
  return build(0, 0);
}

/** Swaps the first two axes of an A×B×C buffer: batch-first ↔ time-major. */
export function swap01(src: ArrayLike<number>, A: number, B: number, C: number, dst: FloatArray): FloatArray {
  // Rows of C move whole: a typed array's set() copies a long row many times faster than a loop (not a short one).
  const rows = C >= 32 && ArrayBuffer.isView(src) && src.constructor === dst.constructor ? (src as FloatArray) : null;
  for (let a = 0; a < A; a++) {
    for (let b = 0; b < B; b++) {
      const s = (a * B + b) * C;
      const d = (b * A + a) * C;
      if (rows) dst.set(rows.subarray(s, s + C), d);
      else for (let c = 0; c < C; c++) dst[d + c] = src[s + c];
    }
  }
  return dst;
}
