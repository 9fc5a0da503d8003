#!/usr/bin/env node
// `npm pack` (prepack): the native addon prebuilt for this platform into prebuilds/<platform>-<arch>
// (prebuildify, Node-API, stripped), so an installed gatescope loads it (node-gyp-build) and needs
// no compiler. Offline, like build-native.js: Node's headers from beside `node`. Where it cannot
// be built the package ships without it and runs WebAssembly.
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const nodedir = path.resolve(path.dirname(process.execPath), "..");
const gyp = process.env.npm_config_node_gyp ||
  path.join(nodedir, "lib", "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js");
fs.rmSync(path.join(root, "prebuilds"), { recursive: true, force: true });
const r = spawnSync(process.execPath, [require.resolve("prebuildify/bin.js"), "--napi", "--strip"], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, npm_config_nodedir: nodedir, PREBUILD_NODE_GYP: gyp },
});
if (r.status !== 0) console.warn("gatescope: no prebuilt native addon in this package; WebAssembly will be used");
else {
  // prebuildify moves the addon it built out of build/Release: put a copy back, so this checkout
  // (and a test run that packs it) keeps loading its own build.
  const built = path.join(root, "build", "Release", "gatescope.node");
  const prebuilt = path.join(root, "prebuilds", `${process.platform}-${process.arch}`, "gatescope.node");
  if (!fs.existsSync(built) && fs.existsSync(prebuilt)) fs.copyFileSync(prebuilt, built);
}
