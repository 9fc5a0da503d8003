/**
 * Edits a tensor of a version-3 training checkpoint as a damaged or hand-made file would have it: the tensor's
 * bytes change in a new tensors file beside the checkpoint, which the document (to be written by the caller)
 * then names, with its true length and sha256 — so what is tested is the value, not the file's hash.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

interface Ref {
  shape: number[];
  dtype: "float32" | "float64";
  offset: number;
}

export function editTensor(
  ckpt: string,
  doc: { tensors: { file: string; bytes: number; sha256: string } },
  ref: Ref,
  edit: (values: Float32Array | Float64Array) => void,
): void {
  const bytes = new Uint8Array(fs.readFileSync(path.join(path.dirname(ckpt), doc.tensors.file)));
  const n = ref.shape.reduce((a, b) => a * b, 1);
  const values =
    ref.dtype === "float32"
      ? new Float32Array(bytes.buffer, ref.offset, n)
      : new Float64Array(bytes.buffer, ref.offset, n);
  edit(values);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const file = `${path.basename(ckpt, ".json")}.${sha256.slice(0, 16)}.tensors`;
  fs.writeFileSync(path.join(path.dirname(ckpt), file), bytes);
  doc.tensors = { file, bytes: bytes.length, sha256 };
}
