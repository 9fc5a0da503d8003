import { GatescopeError } from "../errors";
import { Rng } from "../math/rng";
import { addingTask } from "./adding";
import { copyTask } from "./copy";
import { temporalOrderTask } from "./temporal-order";
import { checkTaskConfig, type Batch, type Task, type TaskConfig } from "./task";

export * from "./task";
export { charLMTask, vocabularyOf, bitsPerNat, CHARLM_FACTS, type CharLMTask, type CharLMOptions } from "./charlm";

/** A long-memory task by name and length. */
export function makeTask(config: TaskConfig): Task {
  const { name, T } = checkTaskConfig(config);
  switch (name) {
    case "adding":
    case "adding_hs97":
      return addingTask(T, name);
    case "copy":
      return copyTask(T);
    case "temporal_order":
      return temporalOrderTask(T);
  }
}

/**
 * The seeds of every task's held-out sets. Validation (early stopping, "solved", selection of
 * weights and learning rates) and test (reported once, for the selected weights) are separate
 * streams, and neither is a training stream: training draws from Rng(run seed), and run seeds
 * stay far below both.
 */
export const TEST_SEED = 0x7e57;
export const VALIDATION_SEED = 0x5a11d;

/** A generated task's fixed held-out set; a text's are its splits, read as streams (task.streams.heldOut). */
function heldOut(task: Task, seed: number, size: number, which: string): Batch {
  if (task.streams)
    throw new GatescopeError(`${which} set of ${task.name}: expected a generated task, got a text (read its streams)`);
  return task.sample(new Rng(seed + task.T), size);
}

/** The fixed held-out test set of a task: the same for every run, model and training seed. */
export function testSet(task: Task, size = 1000): Batch {
  return heldOut(task, TEST_SEED, size, "test");
}

/** The fixed validation set of a task: what training decisions look at, never the test set. */
export function validationSet(task: Task, size = 1000): Batch {
  return heldOut(task, VALIDATION_SEED, size, "validation");
}

/** The fixed batch gradient-flow probes read: validation sequences, or a text's first validation chunk. */
export function probeBatch(task: Task, size = 128): Batch {
  return task.streams ? task.streams.heldOut("validation", size).chunk(0) : validationSet(task, size);
}

/** Batches of the same task stacked along N. */
export function stackBatches(parts: Batch[]): Batch {
  function cat<A extends Float64Array | Int32Array>(xs: A[]): A {
    const out = new (xs[0].constructor as new (n: number) => A)(xs.reduce((s, x) => s + x.length, 0));
    let off = 0;
    for (const x of xs) {
      out.set(x, off);
      off += x.length;
    }
    return out;
  }
  const N = parts.reduce((s, p) => s + p.x.shape[0], 0);
  const first = parts[0];
  return {
    x: { shape: [N, ...first.x.shape.slice(1)], data: cat(parts.map((p) => p.x.data as Float64Array)) },
    y: first.y
      ? { shape: [N, ...first.y.shape.slice(1)], data: cat(parts.map((p) => p.y!.data as Float64Array)) }
      : null,
    classes: first.classes ? cat(parts.map((p) => p.classes!)) : null,
    mask: first.mask ? cat(parts.map((p) => p.mask!)) : null,
  };
}

/**
 * A fixed training set of `size` sequences, as Arjovsky et al. (2016) train on 10^5 of them,
 * without holding it in memory: sequence i is always drawn from its own stream
 * Rng.derive(seed, i), and a minibatch is `N` indices drawn with replacement by `rng`.
 */
export function sampleFixedSet(task: Task, set: { size: number; seed: number }, rng: Rng, N: number): Batch {
  const parts: Batch[] = [];
  for (let n = 0; n < N; n++) parts.push(task.sample(Rng.derive(set.seed, rng.int(set.size)), 1));
  return stackBatches(parts);
}
