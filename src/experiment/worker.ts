/** Piscina worker: runs one experiment and reports progress through the port it was given. */
import type { MessagePort } from "worker_threads";
import { runOne, type RunResult } from "./run";
import type { RunSpec } from "./spec";

export default async function work({ spec, port }: { spec: RunSpec; port: MessagePort }): Promise<RunResult> {
  try {
    return await runOne(spec, (step, steps) => port.postMessage({ id: spec.id, step, steps }));
  } finally {
    port.close();
  }
}
