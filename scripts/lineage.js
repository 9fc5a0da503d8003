#!/usr/bin/env node
// `node scripts/lineage.js [--check]` (after `npm run build && npm run build:test`): runs the arithmetic battery
// (test/helpers/battery.ts) in every build this machine runs and keeps scripts/kernel-lineage.json true.
// - sources whose classes are recorded: each build's fingerprint must equal its record, or the bits moved
//   under unchanged sources (a compiler's doing) and this fails;
// - new sources (a kernel edit): if every build's fingerprint equals those recorded for older sources, the new
//   sources are written as computing those bits — rebuild, and the builds report the older hash, so committed
//   runs keep their kernel build id; otherwise the new arithmetic's fingerprints are recorded under its own
//   hash, and runs made with the older one will be redone, never mixed.
// The battery cannot see a rounding change on a path it does not take; it takes every product route, every
// step op and a training run of every built-in cell (see the battery for what that covers).
// --check writes nothing and fails where a write is due.
"use strict";
const { sourcesHash, arithmeticSources, readLineage, recordOf, olderEqual, LINEAGE } = require("./kernel-id");

const dist = (m) => require(`../dist-test/${m}`);
const { kernelsByName } = dist("src/backend");
const { loadNative } = dist("src/backend/native");
const { wasmArithmetic } = dist("src/backend/wasm");
const { writeFileAtomic } = dist("src/io/atomic");
const { battery, fingerprint } = dist("test/helpers/battery");

const check = process.argv.includes("--check");

/** Every build this machine runs, by kind, with what it says of itself and its battery's fingerprint. */
async function measure() {
  const names = [
    ...loadNative().info().available.map((isa) => `native-${isa}`),
    ...["simd", "relaxed-simd"].filter((b) => wasmArithmetic(b)).map((b) => `wasm-${b}`),
  ];
  const byKind = { native: [], wasm: [] };
  for (const name of names) {
    const k = kernelsByName(name);
    byKind[name.split("-")[0]].push({ name, ...k.arithmetic, fingerprint: fingerprint(await battery(k)) });
  }
  return byKind;
}

async function main() {
  const lineage = readLineage();
  let due = false;
  for (const [kind, builds] of Object.entries(await measure())) {
    for (const [a, b] of builds.flatMap((a) => builds.map((b) => [a, b]))) {
      if (a.rules === b.rules && a.fingerprint !== b.fingerprint) {
        throw new Error(`${b.name}: expected the bits of ${a.name}, whose rules it shares, got another fingerprint`);
      }
    }
    const actual = sourcesHash(kind), root = arithmeticSources(kind, lineage);
    const stale = builds.find((b) => b.sources !== root);
    if (stale) throw new Error(`${stale.name}: expected a build of sources ${root}, got ${stale.sources}: rebuild`);
    const missing = builds.filter((b) => !recordOf(lineage, kind, root, b.rules));
    for (const b of builds.filter((b) => !missing.includes(b))) {
      const want = recordOf(lineage, kind, root, b.rules).fingerprint;
      if (want !== b.fingerprint) {
        throw new Error(`${b.name}: expected the fingerprint recorded for sources ${root}, ${want}, ` +
          `got ${b.fingerprint}${actual === root ? "" : ` (sources ${actual} claim its bits: wrongly)`}`);
      }
      console.log(`${b.name}: ${b.fingerprint}, as recorded for sources ${root}`);
    }
    if (missing.length === 0) continue;
    if (actual !== root) {
      throw new Error(`${missing[0].name}: sources ${actual} claim the bits of ${root}, which has no record for ` +
        `"${missing[0].rules}": nothing proves the claim for it`);
    }
    due = true;
    const older = missing.length === builds.length ? olderEqual(lineage, kind, builds) : undefined;
    if (older) {
      lineage.same[kind][actual] = older;
      console.log(`${kind} sources ${actual}: every build computes what sources ${older} did; rebuild to report it`);
    } else {
      for (const b of missing.filter((b, i) => missing.findIndex((m) => m.rules === b.rules) === i)) {
        lineage.fingerprints.push({ kind, sources: root, rules: b.rules, fingerprint: b.fingerprint });
      }
      console.log(`${kind} sources ${root}: new arithmetic for ${missing.map((b) => b.name).join(", ")}, recorded`);
    }
  }
  if (due && check) throw new Error(`${LINEAGE}: expected it up to date, got a write due (run without --check)`);
  if (due) writeFileAtomic(LINEAGE, `${JSON.stringify(lineage, null, 2)}\n`);
}

main().catch((e) => {
  console.error(`lineage: ${e.message}`);
  process.exit(1);
});
