#!/usr/bin/env node
// Builds the native backend (binding.gyp, native/src) with node-gyp, offline: Node's headers
// are the ones installed beside `node` (include/node), never a download. Runs at `npm ci`
// (install) and in `npm run build`, and only rebuilds when a source is newer than the addon.
// A packed gatescope carries prebuilds/linux-x64 and skips this. Where the addon cannot be
// built (no compiler, no headers) it says so and succeeds: gatescope then runs WebAssembly, and
// backendInfo() gives the reason. Never an install failure.
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const addon = path.join(root, "build", "Release", "gatescope.node");
const warn = (why) => console.warn(`gatescope: native backend not built (${why}); WebAssembly will be used`);

function newest(p) {
  const s = fs.statSync(p);
  return s.isDirectory() ? Math.max(...fs.readdirSync(p).map((f) => newest(path.join(p, f)))) : s.mtimeMs;
}

function main() {
  if (!fs.existsSync(path.join(root, "binding.gyp"))) return; // an installed package without sources
  // A packed install carries its binary; a repository (a .git beside) always builds its own.
  const prebuilt = path.join(root, "prebuilds", `${process.platform}-${process.arch}`);
  if (fs.existsSync(prebuilt) && !fs.existsSync(path.join(root, ".git"))) return;
  // The lineage decides the sources hash compiled in (scripts/kernel-id.js).
  const inputs = ["native/src", "binding.gyp", "scripts/kernel-lineage.json"];
  const sources = Math.max(...inputs.map((p) => newest(path.join(root, p))));
  if (fs.existsSync(addon) && fs.statSync(addon).mtimeMs > sources) return;
  const nodedir = path.resolve(path.dirname(process.execPath), "..");
  if (!fs.existsSync(path.join(nodedir, "include", "node", "node_api.h"))) {
    return warn(`no Node headers at ${path.join(nodedir, "include", "node")}`);
  }
  const gyp = process.env.npm_config_node_gyp ||
    path.join(nodedir, "lib", "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js");
  if (!fs.existsSync(gyp)) return warn(`node-gyp not found at ${gyp}`);
  const r = spawnSync(process.execPath, [gyp, "rebuild", `--nodedir=${nodedir}`], { cwd: root, encoding: "utf8" });
  if (r.status !== 0) {
    const lines = `${r.stdout}\n${r.stderr}`.split("\n").filter((l) => /error/i.test(l));
    return warn(lines.slice(0, 3).join(" | ") || `node-gyp exited with ${r.status}`);
  }
}

main();
