/**
 * The safetensors format (what PyTorch users save weights in): an 8-byte little-endian header
 * length n, n bytes of JSON {name: {dtype, shape, data_offsets: [begin, end]}, __metadata__?:
 * {string: string}}, then the raw little-endian tensor bytes, offsets relative to their start.
 *
 * Parsing is defensive: the header is bounded, every dtype, shape and offset range is checked,
 * ranges may neither overlap nor leave holes (the format's own rule), and nothing is returned
 * unless the whole file is valid. F32 and F64 are read and written; F16 and BF16 are read
 * (widened to float32), since PyTorch users often save half-precision weights.
 */
import * as fs from "fs";
import { GatescopeError } from "../errors";
import { alloc, sizeOf, type Tensor } from "../math/tensor";
import { writeFileAtomic } from "./atomic";

/** The safetensors reference implementation's own limit. */
export const MAX_HEADER_BYTES = 100_000_000;

const ITEM_SIZE: Record<string, number> = { F64: 8, F32: 4, F16: 2, BF16: 2 };

/** What a safetensors file holds. */
export interface SafetensorsContents {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
}

/** Safetensors bytes for the tensors (F32 or F64) and string metadata. */
export function encodeSafetensors(tensors: Record<string, Tensor>, metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  const names = Object.keys(tensors);
  for (const name of names) {
    const t = tensors[name];
    const bytes = t.data.BYTES_PER_ELEMENT * t.data.length;
    const dtype = t.data instanceof Float64Array ? "F64" : "F32";
    header[name] = { dtype, shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += " ".repeat((8 - (Buffer.byteLength(json) % 8)) % 8); // keeps tensor data 8-byte aligned
  const headerBytes = Buffer.from(json, "utf8");
  const out = Buffer.alloc(8 + headerBytes.length + offset);
  out.writeBigUInt64LE(BigInt(headerBytes.length), 0);
  headerBytes.copy(out, 8);
  let pos = 8 + headerBytes.length;
  for (const name of names) {
    const d = tensors[name].data;
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    if (d instanceof Float64Array) for (let i = 0; i < d.length; i++, pos += 8) view.setFloat64(pos, d[i], true);
    else for (let i = 0; i < d.length; i++, pos += 4) view.setFloat32(pos, d[i], true);
  }
  return out;
}

function bad(what: string, expected: string, got: string): never {
  throw new GatescopeError(`${what}: expected ${expected}, got ${got}`);
}

/** Tensors and metadata from safetensors bytes; a damaged file is an error saying what is wrong. */
export function decodeSafetensors(bytes: Uint8Array, what = "safetensors"): SafetensorsContents {
  if (bytes.length < 8) bad(what, "at least 8 bytes (the header length)", `${bytes.length} bytes`);
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n64 = buf.readBigUInt64LE(0);
  if (n64 > BigInt(Math.min(MAX_HEADER_BYTES, bytes.length - 8))) {
    const most = Math.min(MAX_HEADER_BYTES, bytes.length - 8);
    bad(what, `a header length of at most ${most} bytes (file is ${bytes.length} bytes)`, `${n64}`);
  }
  const n = Number(n64);
  if (n === 0 || buf[8] !== 0x7b) {
    const got = n === 0 ? "an empty header" : `byte 0x${buf[8].toString(16)}`;
    bad(`${what} header`, "a JSON object starting with '{'", got);
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(buf.subarray(8, 8 + n)));
  } catch (err) {
    bad(`${what} header`, "UTF-8 JSON", `unparseable bytes (${(err as Error).message})`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) {
    bad(`${what} header`, "a JSON object", typeof header);
  }
  const dataStart = 8 + n;
  const dataLen = bytes.length - dataStart;
  const view = new DataView(buf.buffer, buf.byteOffset + dataStart, dataLen);
  const metadata: Record<string, string> = {};
  const ranges: Array<[number, number, string]> = [];
  const tensors: Record<string, Tensor> = {};
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === "__metadata__") {
      if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
        bad(`${what} __metadata__`, "an object of strings", typeof entry);
      }
      for (const [k, v] of Object.entries(entry as object)) {
        if (typeof v !== "string") bad(`${what} __metadata__.${k}`, "a string", typeof v);
        metadata[k] = v;
      }
      continue;
    }
    const w = `${what} tensor "${name}"`;
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof e !== "object" || e === null) bad(w, "{dtype, shape, data_offsets}", typeof e);
    if (typeof e.dtype !== "string" || !(e.dtype in ITEM_SIZE)) {
      bad(`${w} dtype`, `one of ${Object.keys(ITEM_SIZE).join(", ")}`, JSON.stringify(e.dtype));
    }
    if (!Array.isArray(e.shape) || !e.shape.every((s) => Number.isSafeInteger(s) && s >= 0)) {
      bad(`${w} shape`, "an array of non-negative integers", JSON.stringify(e.shape));
    }
    const off = e.data_offsets;
    const natural = (o: unknown) => Number.isSafeInteger(o) && (o as number) >= 0;
    if (!Array.isArray(off) || off.length !== 2 || !off.every(natural) || off[0] > off[1] || off[1] > dataLen) {
      const past =
        Array.isArray(off) && off[1] > dataLen ? " (past the end: the file is truncated or the header is wrong)" : "";
      bad(`${w} data_offsets`, `[begin, end] with 0 ≤ begin ≤ end ≤ ${dataLen}`, JSON.stringify(off) + past);
    }
    const shape = e.shape as number[];
    const [begin, end] = off as number[];
    const item = ITEM_SIZE[e.dtype];
    if (end - begin !== sizeOf(shape) * item) {
      const need = `${sizeOf(shape) * item} bytes for ${e.dtype} of shape [${shape.join(", ")}]`;
      bad(`${w}`, need, `${end - begin} bytes`);
    }
    ranges.push([begin, end, name]);
    const data = alloc(e.dtype === "F64" ? "float64" : "float32", sizeOf(shape));
    for (let i = 0; i < data.length; i++) data[i] = readItem(view, begin + i * item, e.dtype);
    tensors[name] = { shape: shape.slice(), data };
  }
  ranges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let covered = 0;
  for (const [begin, end, name] of ranges) {
    if (begin !== covered) {
      const where = `data_offsets [${begin}, ${end}]`;
      bad(`${what} tensor "${name}"`, `data starting at byte ${covered} (no overlaps or holes)`, where);
    }
    covered = end;
  }
  if (covered !== dataLen) {
    bad(`${what} data`, `${covered} bytes after the header`, `${dataLen} bytes (truncated or trailing data)`);
  }
  return { tensors, metadata };
}

function readItem(view: DataView, pos: number, dtype: string): number {
  switch (dtype) {
    case "F64": return view.getFloat64(pos, true);
    case "F32": return view.getFloat32(pos, true);
    case "BF16": return bf16(view.getUint16(pos, true));
    default: return f16(view.getUint16(pos, true));
  }
}

const widen = new DataView(new ArrayBuffer(4));
function bf16(bits: number): number {
  widen.setUint32(0, bits << 16);
  return widen.getFloat32(0);
}

function f16(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Reads a .safetensors file. */
export function readSafetensors(path: string): SafetensorsContents {
  return decodeSafetensors(fs.readFileSync(path), path);
}

/** Writes a .safetensors file atomically. */
export function writeSafetensors(
  path: string,
  tensors: Record<string, Tensor>,
  metadata: Record<string, string> = {},
): void {
  writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}
