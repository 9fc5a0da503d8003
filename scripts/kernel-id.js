#!/usr/bin/env node
// The hash of the sources that decide a backend's arithmetic: the kernels, the routes calls take to them and
// the build's flags — not the argument checks or the threading around them. binding.gyp asks for the native
// one (`node scripts/kernel-id.js native`) and compiles it into the addon; build-wasm.js writes the wasm one
// beside its builds. src/backend/arithmetic.ts joins it with each build's rounding rules into a kernel build
// id, so a change to any of these files gives runs a new id and can never mix with older ones unnoticed.
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const SOURCES = {
  native: ["binding.gyp", ...["kernels.h", "kernels.inl", "simd.h", "unitary.inl", "route.h", "kernels_base.cc",
    "kernels_avx2.cc", "kernels_avx512.cc"].map((f) => `native/src/${f}`)],
  wasm: ["scripts/build-wasm.js", ...["activations.ts", "cells.ts", "gemm.ts", "index.ts", "simd.ts"]
    .map((f) => `wasm/assembly/${f}`)],
};

/** sha256 over each file's name and bytes, in the list's order: 16 hex digits. */
function sourcesHash(kind) {
  const h = crypto.createHash("sha256");
  for (const f of SOURCES[kind]) {
    // Line endings are normalised so a checkout on Windows hashes as on Linux.
    h.update(`${f}\n`).update(fs.readFileSync(path.join(root, f), "utf8").replace(/\r\n/g, "\n"));
  }
  return h.digest("hex").slice(0, 16);
}

module.exports = { sourcesHash, SOURCES };

if (require.main === module) {
  const kind = process.argv[2];
  if (!SOURCES[kind]) {
    console.error(`kernel-id: expected "native" or "wasm", got ${JSON.stringify(kind)}`);
    process.exit(2);
  }
  process.stdout.write(sourcesHash(kind));
}
