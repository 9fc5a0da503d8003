#!/usr/bin/env node
// The hash of the sources that decide a backend's arithmetic: the kernels, the routes calls take to them and
// the build's flags — not the argument checks or the threading around them. binding.gyp asks for the native
// one (`node scripts/kernel-id.js native`) and compiles it into the addon; build-wasm.js writes the wasm one
// beside its builds. src/backend/arithmetic.ts joins it with each build's rounding rules into a kernel build
// id, so a change to any of these files gives runs a new id and can never mix with older ones unnoticed —
// unless kernel-lineage.json says these sources compute what older ones did, which scripts/lineage.js writes
// only when the arithmetic battery (test/helpers/battery.ts) proves it and the suite proves again on every run.
// Then the builds report the older hash, and runs made with it stay theirs.
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

const LINEAGE = path.join(__dirname, "kernel-lineage.json");

/**
 * {same: {kind: {sources → older sources with equal bits}}, fingerprints: [{kind, sources, rules, fingerprint}]}:
 * which source changes kept the arithmetic, and each recorded class's battery fingerprint.
 */
function readLineage() {
  return JSON.parse(fs.readFileSync(LINEAGE, "utf8"));
}

/** The hash builds of these sources report: the oldest sources proven to compute the same bits. */
function arithmeticSources(kind, lineage = readLineage()) {
  let s = sourcesHash(kind);
  while (lineage.same[kind][s]) s = lineage.same[kind][s];
  return s;
}

/** The recorded fingerprint of one class: `kind` builds of these sources and rules, or undefined. */
const recordOf = (lineage, kind, sources, rules) =>
  lineage.fingerprints.find((r) => r.kind === kind && r.sources === sources && r.rules === rules);

/**
 * Older sources whose recorded fingerprints equal every measured build's ([{rules, fingerprint}], one per
 * rules these sources build), so that new sources may claim their bits; or undefined.
 */
function olderEqual(lineage, kind, measured) {
  const candidates = new Set(lineage.fingerprints.filter((r) => r.kind === kind).map((r) => r.sources));
  const equal = (s) => measured.every((m) => recordOf(lineage, kind, s, m.rules)?.fingerprint === m.fingerprint);
  return [...candidates].find(equal);
}

module.exports = { sourcesHash, arithmeticSources, readLineage, recordOf, olderEqual, LINEAGE, SOURCES };

if (require.main === module) {
  const kind = process.argv[2];
  if (!SOURCES[kind]) {
    console.error(`kernel-id: expected "native" or "wasm", got ${JSON.stringify(kind)}`);
    process.exit(2);
  }
  process.stdout.write(arithmeticSources(kind));
}
