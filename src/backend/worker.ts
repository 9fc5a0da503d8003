/**
 * The second thread of the wasm backend (see pool.ts): the same kernels over the same shared
 * memory, running one half of a split matrix product at a time. It spins briefly between
 * jobs, since the time loop posts one every few tens of microseconds, then sleeps.
 */
import { workerData } from "worker_threads";
import { CONTROL, OPS, type WorkerData } from "./protocol";

declare const WebAssembly: { Instance: new (module: object, imports: object) => { exports: unknown } };

// Not `module`: a CommonJS file cannot declare that name, and Node would then load it as ES.
const { module: compiled, memory, control, pack } = workerData as WorkerData;
const ctl = new Int32Array(control, 0, CONTROL.words);
const args = new Float64Array(control, CONTROL.argsByte, CONTROL.args);
type Kernels = Record<string, (...args: number[]) => void>;

/** Instantiates the kernels, or says it could not (the caller then stays on one thread). */
function instantiate(): Kernels | null {
  try {
    const abort = () => {
      throw new Error("wasm abort");
    };
    const kernels = new WebAssembly.Instance(compiled, { env: { memory, abort } }).exports as Kernels;
    kernels.set_pack(pack);
    Atomics.store(ctl, CONTROL.ready, 1);
    return kernels;
  } catch {
    Atomics.store(ctl, CONTROL.ready, -1);
    return null;
  } finally {
    Atomics.notify(ctl, CONTROL.ready);
  }
}

function serve(kernels: Kernels): void {
  let seen = 0;
  for (;;) {
    for (let spins = 0; Atomics.load(ctl, CONTROL.seq) === seen; spins++) {
      if (spins > CONTROL.spins) {
        Atomics.wait(ctl, CONTROL.seq, seen);
        spins = 0;
      }
    }
    seen = Atomics.load(ctl, CONTROL.seq);
    // The job is ours only if the caller has not taken it back (see Pool.join).
    if (Atomics.compareExchange(ctl, CONTROL.claim, seen, -seen) === seen) {
      const op = OPS[ctl[CONTROL.op]];
      if (op === undefined) return; // the pool is closing
      try {
        // A wasm export ignores arguments past its own; a fixed arity allocates nothing per job.
        kernels[op](args[0], args[1], args[2], args[3], args[4], args[5], args[6], args[7], args[8], args[9], args[10]);
      } catch (err) {
        ctl[CONTROL.failed] = 1;
        console.error(`gatescope wasm worker: ${(err as Error).message}`);
      }
    }
    Atomics.store(ctl, CONTROL.done, seen);
    Atomics.notify(ctl, CONTROL.done);
  }
}

const kernels = instantiate();
if (kernels) serve(kernels);
