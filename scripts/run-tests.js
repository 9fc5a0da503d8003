#!/usr/bin/env node
// Runs the compiled mocha suite and ends with the plain summary line CI reads:
// "N passed, N failed" (", N skipped" when any were skipped). Exit code 1 on any failure.
"use strict";
const path = require("path");
const fs = require("fs");
const Mocha = require("mocha");

const root = path.resolve(__dirname, "..");
const TIMEOUT_MS = 120000; // some suites start real processes (the CLI, Python)
const mocha = new Mocha({ reporter: "spec", timeout: TIMEOUT_MS });
const walk = (dir) => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
  e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith(".test.js") ? [path.join(dir, e.name)] : []);
const files = walk(path.join(root, "dist-test", "test")).sort();
const only = process.argv.slice(2);
for (const f of files) if (only.length === 0 || only.some((o) => f.includes(o))) mocha.addFile(f);

const runner = mocha.run(() => {
  const { passes, failures, pending } = runner.stats;
  console.log(`${passes} passed, ${failures} failed${pending ? `, ${pending} skipped` : ""}`);
  process.exitCode = failures > 0 || passes === 0 ? 1 : 0;
});
