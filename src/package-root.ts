/**
 * Where the installed gatescope package lives (the nearest package.json named "gatescope"
 * above this file), for files shipped beside the code: the wasm kernels, the version.
 */
import * as fs from "fs";
import * as path from "path";

let cached: { root: string; version: string } | undefined;

export function gatescopePackage(): { root: string; version: string } {
  if (cached) return cached;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const pj = path.join(dir, "package.json");
    if (fs.existsSync(pj)) {
      const doc = JSON.parse(fs.readFileSync(pj, "utf8"));
      if (doc.name === "gatescope") return (cached = { root: dir, version: String(doc.version) });
    }
    if (path.dirname(dir) === dir) throw new Error(`no gatescope package.json above ${__dirname}`);
  }
}

/** The version that writes a file (run files, checkpoints), or "unknown" from a copy without its package.json. */
export function gatescopeVersion(): string {
  try {
    return gatescopePackage().version;
  } catch {
    return "unknown";
  }
}
