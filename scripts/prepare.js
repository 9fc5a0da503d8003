#!/usr/bin/env node
// npm runs `prepare` when it installs gatescope from a git URL (a clone with no build: build it,
// with the dev dependencies npm installed for that) and for a linked folder (`file:` — already
// built, and perhaps without dev dependencies: leave it). `npm pack` builds through `prepack`.
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const built = [
  "dist/src/index.js",
  "dist/kernel-lib/index.js",
  "wasm/build/kernels.wasm",
  "wasm/build/kernels-relaxed.wasm",
];
if (!built.every((f) => fs.existsSync(path.join(root, f)))) {
  const r = spawnSync("npm", ["run", "build"], { cwd: root, stdio: "inherit" });
  process.exitCode = r.error ? 1 : (r.status ?? 1);
}
