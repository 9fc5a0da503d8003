/**
 * Results and checkpoints land whole or not at all, as SQLite's and PostgreSQL's write paths
 * promise: every byte goes to a temporary file in the same folder (a short write is retried, a
 * full disk is an error), the file is fsynced, renamed over the target, and the folder is
 * fsynced so the rename survives a crash. On any failure the temporary file is removed and the
 * old target is untouched. Temporary files left by a killed process are removed by the next
 * write to the same target.
 */
import * as fs from "fs";
import * as path from "path";
import { GatescopeError } from "../errors";

let counter = 0;

const tempPrefix = (target: string) => `.${path.basename(target)}.tmp-`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM"; // exists, someone else's
  }
}

/** Removes the temporary files of `target` whose writer process is gone. */
export function removeStaleTemps(target: string): void {
  const dir = path.dirname(target);
  const prefix = tempPrefix(target);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const m = name.startsWith(prefix) ? /^(\d+)-\d+$/.exec(name.slice(prefix.length)) : null;
    if (m && Number(m[1]) !== process.pid && !alive(Number(m[1]))) fs.rmSync(path.join(dir, name), { force: true });
  }
}

function fsyncDir(dir: string): void {
  let fd: number | null = null;
  try {
    fd = fs.openSync(dir, "r");
    fs.fsyncSync(fd);
  } catch (err) {
    // Some file systems refuse to fsync a directory; the rename itself has happened.
    if (!["EISDIR", "EINVAL", "EPERM", "EBADF"].includes((err as NodeJS.ErrnoException).code ?? "")) throw err;
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}

/** Writes whole or not at all: a temporary file, fsynced and renamed over the target. */
export function writeFileAtomic(target: string, data: string | Uint8Array): void {
  removeStaleTemps(target);
  const tmp = path.join(path.dirname(target), `${tempPrefix(target)}${process.pid}-${counter++}`);
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  let fd: number | null = null;
  let written = 0;
  let renamed = false;
  try {
    fd = fs.openSync(tmp, "wx");
    while (written < bytes.length) {
      const n = fs.writeSync(fd, bytes, written, bytes.length - written);
      if (n <= 0) throw Object.assign(new Error("the write made no progress"), { code: "EIO" });
      written += n;
    }
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = null;
    fs.renameSync(tmp, target);
    renamed = true;
    fsyncDir(path.dirname(target));
  } catch (err) {
    if (fd !== null) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    const e = err as NodeJS.ErrnoException;
    // After the rename the new file is in place; only its survival of a crash is in doubt.
    const state = renamed
      ? "the new file is in place, but its folder could not be synced to disk"
      : "the previous file, if any, is unchanged";
    throw new GatescopeError(
      `writing ${target}: expected all ${bytes.length} bytes written and renamed into place, got ` +
        `${e.code ?? "an error"} after ${written} bytes (${e.message}); ${state}`,
    );
  }
}
