/**
 * Resumable training checkpoints: weights, optimizer state, RNG state, step and history, exact
 * (atomic write). A checkpoint only resumes the run that wrote it: model, task and training config
 * must match, so a resumed run equals an uninterrupted one bit for bit.
 *
 * Three files. PATH (JSON, version 3): everything but the tensors and the per-step records, tens of
 * kB at any step. Its tensors file (`<PATH>.<sha256[:16]>.tensors`): the weights, the best weights so
 * far, the optimizer's buffers and a text stream's carried state as their little-endian bytes, each
 * at an offset PATH names, with the file's length and sha256 — named by its hash, so that the file a
 * PATH names is never rewritten under it (a new one is written first, then PATH, then the old one goes). Its steps log
 * (`stepsLogPath`): one row of float64 per step (step, loss, lr, gradient norms, clipped, wall ms,
 * each parameter's gradient norm), only ever appended to, its first `count` rows and their sha256
 * named in PATH, which is written after the rows: rows past `count` (a write cut short) are cut off
 * on resume; a log that does not match is no checkpoint. Version 2 (tensors inline, base64) is still
 * read.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as nodePath from "path";
import { GatescopeError, fail } from "../errors";
import { zeros, type Tensor } from "../math/tensor";
import { Rng } from "../math/rng";
import { checkOptimizerState, type OptimizerState } from "../optim/optimizer";
import type { RecurrentState, SequenceModel } from "../model/sequence-model";
import type { Task } from "../tasks";
import { writeFileAtomic } from "../io/atomic";
import { gatescopeVersion } from "../package-root";
import { decodeTensors, fromBase64 } from "../io/tensor-json";
import { checkTrainConfig, type CheckedTrainConfig, type History, type StepRecord, type TrainConfig } from "./config";

const CKPT_FORMAT = "gatescope.train-checkpoint";

/** What a training checkpoint holds, read and checked against the run it resumes. */
export interface CheckpointContents {
  /** The steps done when it was written. */
  step: number;
  params: Record<string, Tensor>;
  optimizer: OptimizerState;
  rng: number[];
  history: History;
  /** The weights with the lowest validation metric so far, for selection (null before any evaluation). */
  best: { step: number; metric: number; params: Record<string, Tensor> } | null;
  /** Wall time the run had taken when this was written, in milliseconds, over every piece it ran in. */
  elapsedMs: number;
  /** The process CPU time it had taken, likewise. */
  cpuMs: number;
  /** The state a text's streams carry into the next step's chunk (null: zeros, or not a text). */
  carry: RecurrentState | null;
}

/** What must match for a checkpoint to be resumed: everything but steps and checkpointing itself, and the stamp. */
function identity(model: SequenceModel, task: Task, c: CheckedTrainConfig) {
  const { steps: _s, checkpoint, ...rest } = c;
  const stamp = checkpoint?.stamp === undefined ? {} : { stamp: checkpoint.stamp };
  const which = { name: task.name, T: task.T, ...(task.text ? { text: task.text } : {}) };
  return JSON.parse(JSON.stringify({ model: model.config, task: which, train: rest, ...stamp }));
}

const base = (path: string) => path.replace(/\.json$/, "");

/** The steps log beside a checkpoint. */
export const stepsLogPath = (path: string): string => `${base(path)}.steps.f64`;

const tensorsName = (path: string, hash: string) => `${nodePath.basename(base(path))}.${hash.slice(0, 16)}.tensors`;

/** Every tensors file of the checkpoint at `path` in its directory (one, but for a write cut short). */
function tensorsFiles(path: string): string[] {
  const dir = nodePath.dirname(path);
  const prefix = `${nodePath.basename(base(path))}.`;
  const names = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  return names
    .filter((n) => n.startsWith(prefix) && /^[0-9a-f]{16}\.tensors$/.test(n.slice(prefix.length)))
    .map((n) => nodePath.join(dir, n));
}

/** A checkpoint's files, for whoever removes or commits it. */
export const checkpointFiles = (path: string): string[] => [path, stepsLogPath(path), ...tensorsFiles(path)];

/** Tensors laid end to end, each 8-byte aligned, and the references {shape, dtype, offset} PATH keeps. */
class TensorPack {
  private readonly parts: Uint8Array[] = [];
  private size = 0;

  add(shape: number[], data: Float32Array | Float64Array) {
    const offset = this.size;
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const pad = (8 - (bytes.length % 8)) % 8;
    this.parts.push(bytes, new Uint8Array(pad));
    this.size += bytes.length + pad;
    return { shape, dtype: data instanceof Float32Array ? "float32" : "float64", offset };
  }

  all(ts: Record<string, Tensor>) {
    return Object.fromEntries(Object.entries(ts).map(([k, t]) => [k, this.add(t.shape, t.data)]));
  }

  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}


/** The fixed fields of a steps-log row, then one gradient norm per parameter in the log's `params` order. */
const STEP_FIELDS = ["step", "loss", "lr", "gradNorm", "gradNormClipped", "clipped", "wallMs"] as const;

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

/** The steps log's bytes (empty where there is none). */
function readLog(path: string): Buffer {
  try {
    return fs.readFileSync(stepsLogPath(path));
  } catch {
    return Buffer.alloc(0);
  }
}

/** A run that starts from step 0 starts its steps log anew. */
export function startStepsLog(path: string): void {
  fs.rmSync(stepsLogPath(path), { force: true });
}

export function writeTrainCheckpoint(
  path: string,
  k: CheckpointContents & { model: SequenceModel; task: Task; config: CheckedTrainConfig },
): void {
  const steps = k.history.steps;
  const params = Object.keys(k.params);
  const width = (STEP_FIELDS.length + params.length) * 8;
  let log = readLog(path);
  let onDisk = Math.floor(log.length / width);
  if (onDisk > steps.length) [log, onDisk] = [Buffer.alloc(0), 0]; // not this run's: begin it again
  if (log.length !== onDisk * width) fs.writeFileSync(stepsLogPath(path), log.subarray(0, onDisk * width));
  const rows = new Float64Array((steps.length - onDisk) * (width / 8));
  steps.slice(onDisk).forEach((r, i) => {
    const row = [...STEP_FIELDS.map((f) => Number(r[f])), ...params.map((p) => r.paramGradNorms[p])];
    rows.set(row, (i * width) / 8);
  });
  // Appended first, so that PATH never names rows that are not there.
  fs.appendFileSync(stepsLogPath(path), new Uint8Array(rows.buffer));
  const count = steps.length;
  const written = Buffer.concat([log.subarray(0, onDisk * width), new Uint8Array(rows.buffer)]);
  const pack = new TensorPack();
  const weights = pack.all(k.params);
  const best = k.best && { step: k.best.step, metric: k.best.metric, params: pack.all(k.best.params) };
  // A buffer has its parameter's dtype (the optimizer allocates it alike): float32 values stay exact in float32.
  const buffers = Object.fromEntries(
    Object.entries(k.optimizer.buffers).map(([key, b]) => {
      const p = k.params[key.slice(key.indexOf(":") + 1)];
      return [key, pack.add(p.shape, p.data instanceof Float32Array ? Float32Array.from(b) : Float64Array.from(b))];
    }),
  );
  const carry = k.carry && pack.all(k.carry as Record<string, Tensor>);
  const bytes = pack.bytes();
  const hash = sha256(bytes);
  const file = nodePath.join(nodePath.dirname(path), tensorsName(path, hash));
  const stale = tensorsFiles(path).filter((f) => f !== file);
  if (!fs.existsSync(file)) writeFileAtomic(file, bytes);
  writeFileAtomic(
    path,
    JSON.stringify({
      format: CKPT_FORMAT,
      version: 3,
      written_by: `gatescope ${gatescopeVersion()}`,
      identity: identity(k.model, k.task, k.config),
      step: k.step,
      rng: k.rng,
      tensors: { file: nodePath.basename(file), bytes: bytes.length, sha256: hash },
      optimizer: { step: k.optimizer.step, buffers },
      params: weights,
      steps: { params, count, sha256: sha256(written.subarray(0, count * width)) },
      evals: k.history.evals,
      gradFlow: k.history.gradFlow,
      elapsedMs: k.elapsedMs,
      cpuMs: k.cpuMs,
      best,
      ...(carry ? { carry } : {}),
    }),
  );
  for (const f of stale) fs.rmSync(f, { force: true });
}

/**
 * A version-3 checkpoint's tensor references made inline ({shape, dtype, base64}, version 2's form), read from the
 * tensors file PATH names, whose length and sha256 must match.
 */
function inlineTensors(path: string, doc: Record<string, unknown>): void {
  const t = doc.tensors as { file?: unknown; bytes?: unknown; sha256?: unknown } | undefined;
  if (typeof t?.file !== "string" || !Number.isInteger(t.bytes) || typeof t.sha256 !== "string")
    fail(`training checkpoint ${path} tensors`, "{file, bytes, sha256}", t);
  const file = nodePath.join(nodePath.dirname(path), nodePath.basename(t!.file as string));
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    bytes = Buffer.alloc(0);
  }
  if (bytes.length !== t!.bytes || sha256(bytes) !== t!.sha256)
    fail(`training checkpoint ${path} tensors file`, `${t!.bytes} bytes matching its sha256`, `${bytes.length} bytes`);
  const inline = (ref: unknown, what: string) => {
    const r = ref as { shape?: unknown; dtype?: unknown; offset?: unknown } | undefined;
    const width = r?.dtype === "float32" ? 4 : r?.dtype === "float64" ? 8 : 0;
    const length = Array.isArray(r?.shape) ? (r!.shape as number[]).reduce((a, b) => a * b, 1) : NaN;
    const [from, to] = [r?.offset as number, (r?.offset as number) + length * width];
    if (!width || !Number.isInteger(length) || !Number.isInteger(from) || from < 0 || !(to <= bytes.length))
      fail(`training checkpoint ${path} ${what}`, "{shape, dtype, offset} inside the tensors file", ref);
    return { shape: r!.shape, dtype: r!.dtype, base64: bytes.subarray(from, to).toString("base64") };
  };
  const each = (refs: unknown, what: string) =>
    typeof refs === "object" && refs !== null
      ? Object.fromEntries(Object.entries(refs).map(([k, ref]) => [k, inline(ref, `${what}.${k}`)]))
      : refs;
  doc.params = each(doc.params, "params");
  const o = doc.optimizer as { buffers?: unknown } | undefined;
  if (o) o.buffers = each(o.buffers, "optimizer buffers");
  const b = doc.best as { params?: unknown } | null | undefined;
  if (b && typeof b === "object") b.params = each(b.params, "best.params");
  if (doc.carry !== undefined) doc.carry = each(doc.carry, "carry");
}

/** The step records PATH names, read back from its log, which is cut to them; throws where they are not there. */
function readSteps(path: string, doc: Record<string, unknown>): StepRecord[] {
  const s = doc.steps as { params?: unknown; count?: unknown; sha256?: unknown } | undefined;
  if (!Array.isArray(s?.params) || !Number.isInteger(s?.count) || typeof s?.sha256 !== "string")
    fail(`training checkpoint ${path} steps`, "{params, count, sha256}", s);
  const params = s!.params as string[];
  const count = s!.count as number;
  const width = (STEP_FIELDS.length + params.length) * 8;
  const log = readLog(path);
  if (log.length < count * width || sha256(log.subarray(0, count * width)) !== s!.sha256)
    fail(`training checkpoint ${path} steps log`, `${count} steps matching its sha256`, `${log.length} bytes`);
  if (log.length > count * width) fs.truncateSync(stepsLogPath(path), count * width);
  const values = new Float64Array(new Uint8Array(log.subarray(0, count * width)).buffer);
  const n = width / 8;
  return Array.from({ length: count }, (_, i) => {
    const row = values.subarray(i * n, (i + 1) * n);
    const [step, loss, lr, gradNorm, gradNormClipped, clipped, wallMs] = row;
    const paramGradNorms = Object.fromEntries(params.map((p, j) => [p, row[STEP_FIELDS.length + j]]));
    return { step, loss, lr, gradNorm, gradNormClipped, clipped: clipped === 1, paramGradNorms, wallMs };
  });
}

/** A checkpoint opened for a run: what it holds, or why it cannot resume it (another config or stamp, damaged). */
export type OpenedCheckpoint = { contents: CheckpointContents; problem: null } | { contents: null; problem: string };

/** The checkpoint at `path`, read once and checked against this run: a problem is a reason to start over. */
export function openCheckpoint(path: string, model: SequenceModel, task: Task, config: TrainConfig): OpenedCheckpoint {
  try {
    return { contents: readTrainCheckpoint(path, model, task, checkTrainConfig(config)), problem: null };
  } catch (err) {
    if (err instanceof GatescopeError) return { contents: null, problem: err.message };
    throw err;
  }
}

/** The step the checkpoint at `path` has reached, or null where there is no readable one (nothing else is checked). */
export function checkpointStep(path: string): number | null {
  try {
    const { step } = JSON.parse(fs.readFileSync(path, "utf8"));
    return Number.isInteger(step) ? step : null;
  } catch {
    return null;
  }
}

export function readTrainCheckpoint(
  path: string,
  model: SequenceModel,
  task: Task,
  c: CheckedTrainConfig,
): CheckpointContents {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(fs.readFileSync(path, "utf8"));
  } catch (err) {
    throw new GatescopeError(`training checkpoint ${path}: expected readable JSON, got ${(err as Error).message}`);
  }
  if (doc.format !== CKPT_FORMAT || (doc.version !== 2 && doc.version !== 3))
    fail(`training checkpoint ${path}`, `format "${CKPT_FORMAT}" version 2 or 3`, `${doc.format} ${doc.version}`);
  if (doc.version === 3) inlineTensors(path, doc);
  const want = JSON.stringify(identity(model, task, c));
  if (JSON.stringify(doc.identity) !== want) {
    throw new GatescopeError(
      `training checkpoint ${path}: expected the same model, task and training config as this run, got a different one`,
    );
  }
  const live = model.params();
  const decode = (raw: unknown, what: string) => decodeTensors(raw, `training checkpoint ${path} ${what}`, live);
  const params = decode(doc.params, "params");
  const { evals, gradFlow } = doc as { evals: History["evals"]; gradFlow: History["gradFlow"] };
  if (!Array.isArray(evals) || !Array.isArray(gradFlow))
    fail(`training checkpoint ${path} history`, "evals and gradFlow arrays", { evals, gradFlow });
  const o = doc.optimizer as { step?: unknown; buffers?: Record<string, unknown> } | undefined;
  if (typeof o?.buffers !== "object" || o.buffers === null)
    fail(`training checkpoint ${path} optimizer`, "{step, buffers}", o);
  const buffers = Object.fromEntries(
    Object.entries(o!.buffers!).map(([k, b]) => {
      const { dtype, base64 } = (b ?? {}) as { dtype?: unknown; base64?: unknown };
      return [k, Array.from(fromBase64(base64, dtype, `training checkpoint ${path} optimizer ${k}`))];
    }),
  );
  // What train applies after reading — the optimizer's state, the RNG's — is checked here too, so that a checkpoint
  // that reads is one that resumes (else it would fail every retry instead of starting the run over).
  const optimizer = { step: o!.step, buffers } as OptimizerState;
  checkOptimizerState(optimizer, live, `training checkpoint ${path} optimizer state`);
  try {
    Rng.fromState(doc.rng as number[]);
  } catch (err) {
    throw new GatescopeError(`training checkpoint ${path}: ${(err as Error).message}`);
  }
  if (!Number.isInteger(doc.step) || (doc.step as number) < 0 || (doc.step as number) > c.steps)
    fail(`training checkpoint ${path} step`, `an integer in [0, ${c.steps}]`, doc.step);
  const b = doc.best as { step: number; metric: number; params: unknown } | null | undefined;
  if (b !== null && (typeof b !== "object" || !Number.isInteger(b.step) || typeof b.metric !== "number")) {
    fail(`training checkpoint ${path} best`, "null or {step, metric, params}", b);
  }
  const best = b ? { step: b.step, metric: b.metric, params: decode(b.params, "best.params") } : null;
  let carry: RecurrentState | null = null;
  if (doc.carry !== undefined) {
    const { numLayers: L, hiddenSize: H } = model.rnn.config;
    const like = zeros(model.rnn.config.dtype, [L, c.batchSize, H]);
    const keys = model.rnn.cell.hasCellState ? ["h0", "c0"] : ["h0"];
    const shapes = Object.fromEntries(keys.map((k) => [k, like]));
    carry = decodeTensors(doc.carry, `training checkpoint ${path} carry`, shapes);
  }
  // Checkpoints from before a time was recorded resume with the earlier pieces' time unknown: counted as 0.
  const time = (k: "elapsedMs" | "cpuMs"): number => {
    const ms = doc[k] ?? 0;
    if (typeof ms !== "number" || !(ms >= 0)) fail(`training checkpoint ${path} ${k}`, "a number ≥ 0", ms);
    return ms;
  };
  return {
    step: doc.step as number,
    params,
    optimizer,
    rng: doc.rng as number[],
    history: { steps: readSteps(path, doc), evals, gradFlow },
    best,
    elapsedMs: time("elapsedMs"),
    cpuMs: time("cpuMs"),
    carry,
  };
}
