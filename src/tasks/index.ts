import { Rng } from "../math/rng";
import { addingTask } from "./adding";
import { copyTask } from "./copy";
import { temporalOrderTask } from "./temporal-order";
import { checkTaskConfig, type Batch, type Task, type TaskConfig } from "./task";

export * from "./task";

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

/** The seed of every task's held-out test set: fixed, and never a training seed's stream. */
export const TEST_SEED = 0x7e57;

/** The fixed held-out test set of a task: the same for every run, model and training seed. */
export function testSet(task: Task, size = 1000): Batch {
  return task.sample(new Rng(TEST_SEED + task.T), size);
}
