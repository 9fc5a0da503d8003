/**
 * A trained model in one safetensors file, for notebooks that load rather than train: the recurrent stack's
 * weights under PyTorch's names (weight_ih_l0, …) and the readout's (head.weight, head.bias), with the model's
 * config, a language model's vocabulary and where the weights came from in __metadata__. Written atomically;
 * loading checks the file whole — and, when asked, its cell and vocabulary — before it builds anything.
 */
import * as fs from "fs";
import * as path from "path";
import { gatescopePackage } from "../package-root";
import { checkKeys, fail, GatescopeError } from "../errors";
import type { Kernels } from "../math/kernels";
import { Rng } from "../math/rng";
import { dtypeOf } from "../math/tensor";
import { SequenceModel, type SequenceModelConfig } from "../model/sequence-model";
import { decodeSafetensors, writeSafetensors } from "./safetensors";

const MODEL_FORMAT = "gatescope.model";
const MODEL_VERSION = "1";

/** The character models gatescope ships, trained by the charlm preset (one per cell, 2 layers, seed 0). */
export type ShippedModel = "lstm-2" | "gru-2" | "rnn-2";

/**
 * Where a shipped model's file is: results/charlm/weights/ in the installed package, made by
 * `npx gatescope run-one results/charlm --index I --weights FILE` (bit for bit; its source says which I).
 */
export function shippedWeights(name: ShippedModel): string {
  if (!["lstm-2", "gru-2", "rnn-2"].includes(name)) fail("shippedWeights", '"lstm-2", "gru-2" or "rnn-2"', name);
  return path.join(gatescopePackage().root, "results", "charlm", "weights", `${name}.safetensors`);
}

/** What a model file says besides its weights. */
export interface ModelFileInfo {
  /** The characters a language model reads and predicts, in order; null for other models. */
  vocabulary: string[] | null;
  /** Where the weights came from (a run's id and the command that makes them again), as the writer said. */
  source: string;
}

/** Writes the model's config and every weight, and what `info` says, atomically. */
export function saveModel(model: SequenceModel, path: string, info: Partial<ModelFileInfo> = {}): void {
  checkKeys("saveModel info", info, ["vocabulary", "source"]);
  if (info.vocabulary && info.vocabulary.length !== model.head.outputSize)
    fail("saveModel vocabulary", `${model.head.outputSize} characters (the readout's width)`, info.vocabulary.length);
  writeSafetensors(path, model.params(), {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    config: JSON.stringify(model.config),
    ...(info.vocabulary ? { vocabulary: JSON.stringify(info.vocabulary) } : {}),
    source: info.source ?? "",
  });
}

/** What `loadModel` checks the file against before it builds anything. */
export interface LoadModelOptions {
  kernels?: Kernels;
  /** The cell the caller expects (the config's `kind`). */
  kind?: string;
  /** The vocabulary the caller reads with: the file's must be the same characters in the same order. */
  vocabulary?: readonly string[];
}

/** A model from a file `saveModel` wrote, and what the file says of it. */
export function loadModel(path: string, options: LoadModelOptions = {}): { model: SequenceModel } & ModelFileInfo {
  checkKeys("loadModel options", options, ["kernels", "kind", "vocabulary"]);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(path);
  } catch (err) {
    throw new GatescopeError(`model ${path}: expected a readable file, got ${(err as Error).message}`);
  }
  const st = decodeSafetensors(bytes, `model ${path}`);
  const m = st.metadata;
  if (m.format !== MODEL_FORMAT || m.version !== MODEL_VERSION)
    fail(`model ${path}`, `format "${MODEL_FORMAT}" version ${MODEL_VERSION}`, `${m.format} ${m.version}`);
  const parse = (key: string): unknown => {
    try {
      return JSON.parse(m[key]);
    } catch {
      return fail(`model ${path} __metadata__.${key}`, "JSON", m[key]);
    }
  };
  const config = parse("config") as SequenceModelConfig;
  const vocabulary = m.vocabulary === undefined ? null : (parse("vocabulary") as string[]);
  if (options.kind !== undefined && config?.rnn?.kind !== options.kind)
    fail(`model ${path}`, `a ${options.kind} model`, `a ${config?.rnn?.kind} model`);
  if (options.vocabulary !== undefined && JSON.stringify(vocabulary) !== JSON.stringify(options.vocabulary)) {
    const got = vocabulary ? `${vocabulary.length} characters (${JSON.stringify(vocabulary.join(""))})` : "none";
    fail(
      `model ${path} vocabulary`,
      `the ${options.vocabulary.length} characters read with (${JSON.stringify(options.vocabulary.join(""))})`,
      got,
    );
  }
  let model: SequenceModel;
  try {
    model = new SequenceModel(config, new Rng(0), options.kernels);
    const want = model.params();
    const names = Object.keys(want);
    const extra = Object.keys(st.tensors).filter((k) => !(k in want));
    const missing = names.filter((k) => !(k in st.tensors));
    if (extra.length || missing.length)
      fail("weights", `exactly [${names.join(", ")}]`, `missing [${missing}], unexpected [${extra}]`);
    for (const k of names) {
      const t = st.tensors[k];
      if (dtypeOf(t.data) !== model.rnn.config.dtype || t.data.length !== want[k].data.length)
        fail(`weight ${k}`, `${want[k].data.length} ${model.rnn.config.dtype} values`, t.data.length);
    }
    for (const k of names) want[k].data.set(st.tensors[k].data);
  } catch (err) {
    throw new GatescopeError(`model ${path}: ${(err as Error).message}`);
  }
  return { model, vocabulary, source: m.source ?? "" };
}
