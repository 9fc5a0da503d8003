import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** A fresh temporary folder, removed after the suite. */
export function tmpDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `gatescope-${prefix}-`));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}
