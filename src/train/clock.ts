/**
 * CPU time a run took, for run records: the process's where the run has it to itself (run-one, Slurm tasks, a
 * pool of one), the worker thread's where runs share a pool process (Linux only; elsewhere not measured: NaN).
 */
import * as fs from "fs";

/** User + system CPU time of this process, every thread, in milliseconds. */
export const processCpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/**
 * The calling thread's user + system CPU time in milliseconds (/proc/thread-self/stat, fields 14 and 15, in
 * Linux's fixed 100 ticks a second), or NaN where the OS does not say. A native kernel's second thread, when a
 * run uses one, is its own thread and not counted.
 */
export function threadCpuMs(): number {
  try {
    const stat = fs.readFileSync("/proc/thread-self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // the name in parentheses may hold spaces
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}
