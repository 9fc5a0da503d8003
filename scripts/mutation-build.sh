#!/usr/bin/env bash
# Stryker's build step, run inside its sandbox (.stryker-tmp/sandbox-*): the wasm kernels, the
# compiled tests and the build. The sandbox may not have node_modules yet; the project's is two levels up.
set -euo pipefail
nm=node_modules
[ -d "$nm/typescript" ] || nm=../../node_modules
node scripts/build-wasm.js # finds assemblyscript up the tree, as Node resolves it
node "$nm/typescript/bin/tsc" -p tsconfig.json
# The CLI tests run dist/src (in a child process, where no mutant is active: they test the suite's own wiring).
node "$nm/typescript/bin/tsc" -p tsconfig.build.json
