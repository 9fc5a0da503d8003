/**
 * Checkpoints: a network's config, dtype and weights, as JSON (readable, exact: every float32
 * and float64 value round-trips through its shortest decimal form) or as safetensors (compact;
 * the config travels in __metadata__). Writes are atomic; loading validates everything before
 * it builds anything, and returns a new network rather than changing an existing one.
 */
import * as fs from "fs";
import { checkKeys, fail, GatescopeError } from "../errors";
import type { Kernels } from "../math/kernels";
import { dtypeOf, type Tensor } from "../math/tensor";
import type { ResolvedConfig } from "../model/config";
import { RecurrentNet } from "../model/recurrent";
import { writeFileAtomic } from "./atomic";
import { decodeSafetensors, encodeSafetensors } from "./safetensors";
import { decodeTensors, encodeTensors } from "./tensor-json";

export const CHECKPOINT_FORMAT = "gatescope.checkpoint";
export const CHECKPOINT_VERSION = 1;

/** A checkpoint's file format. */
export type CheckpointFormat = "json" | "safetensors";

function formatOf(path: string, format: unknown): CheckpointFormat {
  if (format !== undefined) {
    if (format !== "json" && format !== "safetensors") fail("checkpoint format", `"json" or "safetensors"`, format);
    return format;
  }
  if (path.endsWith(".json")) return "json";
  if (path.endsWith(".safetensors")) return "safetensors";
  return fail("checkpoint path", `a name ending in .json or .safetensors (or an explicit format)`, path);
}

/** Saves a network's config and weights (JSON or safetensors, by extension or `format`), atomically. */
export function saveCheckpoint(net: RecurrentNet, path: string, options: { format?: CheckpointFormat } = {}): void {
  checkKeys("saveCheckpoint options", options, ["format"]);
  const format = formatOf(path, options.format);
  if (format === "json") {
    const params = encodeTensors(net.params);
    writeFileAtomic(
      path,
      JSON.stringify({ format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, config: net.config, params }),
    );
  } else {
    writeFileAtomic(
      path,
      encodeSafetensors(net.params, {
        format: CHECKPOINT_FORMAT,
        version: String(CHECKPOINT_VERSION),
        config: JSON.stringify(net.config),
      }),
    );
  }
}

/** A `RecurrentNet` from a checkpoint, checked whole before anything is built. */
export function loadCheckpoint(
  path: string,
  options: { format?: CheckpointFormat; kernels?: Kernels } = {},
): RecurrentNet {
  checkKeys("loadCheckpoint options", options, ["format", "kernels"]);
  const format = formatOf(path, options.format);
  const bytes = fs.readFileSync(path);
  let config: unknown;
  let params: Record<string, unknown>;
  if (format === "json") {
    let doc: Record<string, unknown>;
    try {
      doc = JSON.parse(bytes.toString("utf8"));
    } catch (err) {
      throw new GatescopeError(
        `checkpoint ${path}: expected JSON, got unparseable text (${(err as Error).message}); the file may be ` +
          `truncated`,
      );
    }
    checkHeader(path, doc?.format, doc?.version);
    config = doc.config;
    params = decodeTensors(doc.params, `checkpoint ${path} params`);
  } else {
    const st = decodeSafetensors(bytes, `checkpoint ${path}`);
    checkHeader(path, st.metadata.format, Number(st.metadata.version));
    try {
      config = JSON.parse(st.metadata.config ?? "");
    } catch {
      throw new GatescopeError(
        `checkpoint ${path}: expected a JSON config in __metadata__.config, got ${JSON.stringify(st.metadata.config)}`,
      );
    }
    const dtype = (config as ResolvedConfig | null)?.dtype;
    for (const [name, t] of Object.entries(st.tensors)) {
      if (dtypeOf(t.data) !== dtype)
        fail(`checkpoint ${path} tensor ${name}`, `${dtype} as the config says`, dtypeOf(t.data));
    }
    params = st.tensors as Record<string, Tensor>;
  }
  try {
    return RecurrentNet.fromParams(config as ResolvedConfig, params, options.kernels);
  } catch (err) {
    throw new GatescopeError(`checkpoint ${path}: ${(err as Error).message}`);
  }
}

function checkHeader(path: string, format: unknown, version: unknown): void {
  if (format !== CHECKPOINT_FORMAT) fail(`checkpoint ${path}`, `format "${CHECKPOINT_FORMAT}"`, format);
  if (version !== CHECKPOINT_VERSION) fail(`checkpoint ${path}`, `version ${CHECKPOINT_VERSION}`, version);
}
