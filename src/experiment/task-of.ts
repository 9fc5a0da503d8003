/**
 * The task a run trains on, from the config its run spec holds: a generated task by name and length, or a
 * character-level language model on a text named by path, SHA-256 and vocabulary size. The text is read only
 * when a run trains or is scored (a spec expands, and a dry run times its step, without it) and must be the
 * one the spec names: another text — another package version, say — is refused, never mixed in.
 */
import { fail, GatescopeError } from "../errors";
import type { Rng } from "../math/rng";
import { zeros } from "../math/tensor";
import { readText } from "../text/corpus";
import {
  CHARLM_FACTS,
  charLMTask,
  checkTaskConfig,
  makeTask,
  type Batch,
  type Evaluation,
  type Task,
  type TaskConfig,
} from "../tasks";

/** The text a language-modelling run reads: a path (from the working directory), its SHA-256, its vocabulary size. */
export interface CorpusRef {
  path: string;
  sha256: string;
  vocabulary: number;
}

/** A language model's task config: chunk length T and its text. */
export interface CharLMConfig {
  name: "charlm";
  T: number;
  corpus: CorpusRef;
}

/** What a run spec names its task by. */
export type RunTask = TaskConfig | CharLMConfig;

/** Whether a run's task is a language model on a text (read as streams) rather than generated sequences. */
export const isCharLM = (c: RunTask): c is CharLMConfig => c.name === "charlm";

/** A task config as a spec gives it, checked: a generated task's, or a language model's with its corpus. */
export function checkRunTask(c: unknown, what = "task"): RunTask {
  if ((c as { name?: unknown })?.name !== "charlm") return checkTaskConfig(c, what);
  const { T, corpus } = c as CharLMConfig;
  if (!Number.isInteger(T) || T < 1) fail(`${what}.T`, "a positive integer", T);
  if (
    typeof corpus?.path !== "string" ||
    !/^[0-9a-f]{64}$/.test(corpus.sha256 ?? "") ||
    !(Number.isInteger(corpus.vocabulary) && corpus.vocabulary >= 2)
  )
    fail(`${what}.corpus`, "{path, sha256 (64 hex digits), vocabulary (≥ 2 characters)}", corpus);
  return { name: "charlm", T, corpus: { path: corpus.path, sha256: corpus.sha256, vocabulary: corpus.vocabulary } };
}

const tasks = new Map<string, Task>();

/** The task itself (a language model's reads and checks its text once per process). */
export function taskOf(config: RunTask): Task {
  if (!isCharLM(config)) return makeTask(config);
  const key = JSON.stringify(config);
  const known = tasks.get(key);
  if (known) return known;
  const { path, sha256, vocabulary } = config.corpus;
  const text = readText(path);
  if (text.sha256 !== sha256)
    throw new GatescopeError(
      `corpus ${path}: expected SHA-256 ${sha256} (the text these runs are specified on), got ${text.sha256}: ` +
        "build that text (gatescope data …), or make a spec of your own for this one",
    );
  if (text.vocabulary.length !== vocabulary)
    fail(`corpus ${path} vocabulary`, `${vocabulary} characters`, `${text.vocabulary.length}`);
  const task = charLMTask(text.text, { T: config.T, vocabulary: text.vocabulary });
  tasks.set(key, task);
  return task;
}

/** The widths and readout of a run's model, without reading any text: a language model's are its characters. */
export function shapeOf(config: RunTask): Pick<Task, "inputSize" | "outputSize" | "readout"> {
  if (!isCharLM(config)) return makeTask(config);
  return { inputSize: config.corpus.vocabulary, outputSize: config.corpus.vocabulary, readout: "every" };
}

/** A training batch of the run's shape, without reading any text (what a dry run times a step on). */
export function shapedBatch(config: RunTask, rng: Rng, N: number): Batch {
  if (!isCharLM(config)) return makeTask(config).sample(rng, N);
  const { T } = config;
  const V = config.corpus.vocabulary;
  const x = zeros("float64", [N, T, V]);
  const classes = Int32Array.from({ length: N * T }, () => rng.int(V));
  for (let p = 0; p < N * T; p++) x.data[p * V + rng.int(V)] = 1;
  return { x, y: null, classes, mask: null };
}

/** A task's loss, metric, baseline formula and criterion by name and length, without reading any text. */
export function taskFacts(config: {
  name: string;
  T: number;
}): Pick<Task, "metricName" | "baselineFormula" | "criterion" | "metricOnly" | "loss" | "reported"> {
  return config.name === "charlm" ? { ...CHARLM_FACTS, loss: "ce" } : makeTask(checkTaskConfig(config));
}

/** Whether measures count as solved, without reading any text (a language model never is). */
export function solvedBy(config: RunTask, e: Omit<Evaluation, "solved">): boolean {
  return isCharLM(config) ? false : makeTask(config).solvedBy(e);
}
