#!/usr/bin/env node
// Builds the two kernel files from wasm/assembly: plain SIMD (every WebAssembly SIMD runtime) and
// relaxed SIMD (fused multiply-add), which the backend prefers where the runtime validates it.
"use strict";
const { execFileSync } = require("child_process");
const fs = require("fs");
const path = require("path");
const { arithmeticSources } = require("./kernel-id");

const root = path.resolve(__dirname, "..");
const asc = require.resolve("assemblyscript/bin/asc.js", { paths: [root] });
const common = ["wasm/assembly/index.ts", "-O3", "--noAssert", "--runtime", "stub", "--importMemory", "--sharedMemory",
  "--initialMemory", "1", "--maximumMemory", "65536"];
const builds = [["kernels.wasm", "simd,threads"], ["kernels-relaxed.wasm", "simd,threads,relaxed-simd"]];
for (const [file, features] of builds) {
  execFileSync(process.execPath, [asc, ...common, "--enable", features, "-o", `wasm/build/${file}`], {
    cwd: root,
    stdio: "inherit",
  });
}
// The sources' hash beside the builds they made (scripts/kernel-id.js): src/backend/arithmetic.ts reads it into
// the kernel build id.
const id = JSON.stringify({ sources: arithmeticSources("wasm") });
fs.writeFileSync(path.join(root, "wasm", "build", "kernels-id.json"), id);
