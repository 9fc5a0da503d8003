/**
 * A stop request that crosses threads: the pool sets it when the process gets SIGTERM or SIGINT, and every run —
 * in this thread or a pool worker's — sees it at its next step, writes its checkpoint there and stops.
 */
import type { StopSignal } from "../train/train";

/** The signals a pool stops on, by the number the flag holds (0: not stopped). */
const SIGNALS = ["", "SIGTERM", "SIGINT"] as const;

/** A stop request shared across threads: set by a signal, read by every run at its next step. */
export class StopFlag {
  /** Shared memory: posted to a worker thread, it is the same cell there (wrap it in a StopFlag again). */
  readonly cell: Int32Array;

  constructor(cell: Int32Array = new Int32Array(new SharedArrayBuffer(4))) {
    this.cell = cell;
  }

  /** Asks every run that reads this flag to stop, naming the signal. */
  set(by: "SIGTERM" | "SIGINT"): void {
    Atomics.store(this.cell, 0, SIGNALS.indexOf(by));
  }

  /**
   * Sets the flag when this process gets SIGTERM (Slurm's pre-emption, a session's end) or SIGINT, until the
   * returned function is called.
   */
  onSignals(): () => void {
    const on = (sig: "SIGTERM" | "SIGINT") => this.set(sig);
    for (const sig of ["SIGTERM", "SIGINT"] as const) process.once(sig, on);
    return () => {
      for (const sig of ["SIGTERM", "SIGINT"] as const) process.off(sig, on);
    };
  }

  /** The signal that set the flag, or null. */
  get reason(): string | null {
    return SIGNALS[Atomics.load(this.cell, 0)] || null;
  }

  /** What training reads. */
  signal(): StopSignal {
    const reason = () => this.reason;
    return {
      get aborted() {
        return reason() !== null;
      },
      get reason() {
        return reason() ?? undefined;
      },
    };
  }
}
