/**
 * A second thread for one model: a worker over the same shared wasm memory that computes one
 * half of a matrix product's output columns while the calling thread computes the other. Each
 * output is summed in the same order as on one thread, so results are identical for 1 and 2.
 * Synchronisation is by spinning on a shared word (a job takes tens of microseconds; waking a
 * sleeping thread takes about as long), falling back to Atomics.wait when idle. A posted half is
 * claimed by whichever thread gets to it first: if the worker has not started it by the time the
 * caller finishes its own half (asleep, or scheduled on the caller's core), the caller runs it,
 * so two threads are never slower than one by more than the handshake.
 */
import * as path from "path";
import { Worker } from "worker_threads";
import { GatescopeError } from "../errors";
import { CONTROL, OPS, type Op, type WorkerData } from "./protocol";

const START_TIMEOUT_MS = 10000;

export class Pool {
  private readonly worker: Worker;
  private readonly ctl: Int32Array;
  private readonly args: Float64Array;
  private seq = 0;

  constructor(
    module: object,
    memory: object,
    pack: number,
    private readonly local: Record<Op, (...args: number[]) => void>,
  ) {
    const control = new SharedArrayBuffer(CONTROL.bytes);
    this.ctl = new Int32Array(control, 0, CONTROL.words);
    this.args = new Float64Array(control, CONTROL.argsByte, CONTROL.args);
    const data: WorkerData = { module, memory, control, pack };
    this.worker = new Worker(path.join(__dirname, "worker.js"), { workerData: data });
    this.worker.unref(); // an idle pool never keeps the process alive
    this.worker.on("error", () => {}); // a worker that cannot start says so through `ready`, below
    // Its events cannot reach a thread blocked in a time loop, so a worker that fails to start
    // must be caught here, before any job is posted.
    Atomics.wait(this.ctl, CONTROL.ready, 0, START_TIMEOUT_MS);
    const ready = Atomics.load(this.ctl, CONTROL.ready);
    if (ready !== 1) {
      void this.worker.terminate();
      const got = ready === 0 ? `no answer in ${START_TIMEOUT_MS / 1000} s` : "a failure to instantiate the kernels";
      throw new GatescopeError(`wasm worker: expected it to start, got ${got}; using one thread`);
    }
  }

  /** Starts exports[op](a0, …) on the worker; `join` waits for it. */
  post(
    op: Op,
    a0: number,
    a1: number,
    a2: number,
    a3: number,
    a4: number,
    a5: number,
    a6: number,
    a7: number,
    a8: number,
    a9 = 0,
    a10 = 0,
  ): void {
    const a = this.args;
    a[0] = a0;
    a[1] = a1;
    a[2] = a2;
    a[3] = a3;
    a[4] = a4;
    a[5] = a5;
    a[6] = a6;
    a[7] = a7;
    a[8] = a8;
    a[9] = a9;
    a[10] = a10;
    this.ctl[CONTROL.op] = OPS.indexOf(op);
    this.publish();
  }

  private publish(): void {
    this.seq++;
    Atomics.store(this.ctl, CONTROL.claim, this.seq);
    Atomics.store(this.ctl, CONTROL.seq, this.seq);
    Atomics.notify(this.ctl, CONTROL.seq);
  }

  /** Waits for the posted half, or runs it here if the worker has not claimed it. */
  join(): void {
    const ctl = this.ctl;
    if (Atomics.compareExchange(ctl, CONTROL.claim, this.seq, 0) === this.seq) {
      const a = this.args;
      this.local[OPS[ctl[CONTROL.op]]](a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10]);
      return;
    }
    for (let spins = 0; Atomics.load(ctl, CONTROL.done) !== this.seq; spins++) {
      if (spins > CONTROL.spins) {
        Atomics.wait(ctl, CONTROL.done, Atomics.load(ctl, CONTROL.done), 1000);
        spins = 0;
      }
    }
    if (ctl[CONTROL.failed])
      throw new GatescopeError("wasm worker: expected its half of a product, got a failure (see above); please report");
  }

  close(): void {
    this.ctl[CONTROL.op] = -1;
    this.publish();
  }
}
