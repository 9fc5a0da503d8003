#!/usr/bin/env node
// `node scripts/step-widths.js [--check]`: writes src/backend/step-widths.ts from native/src/kernels.h's
// STEP_SHAPES, the one table of the step kernels' buffer widths, so the TypeScript side cannot drift from the
// kernels; --check fails if the committed file is not what kernels.h gives (the suite runs it).
"use strict";
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const HEADER = path.join(root, "native/src/kernels.h");
const OUT = path.join(root, "src/backend/step-widths.ts");

/** kernels.h's STEP_SHAPES rows: {name, widths, comment}, in op order. */
function shapes() {
  const text = fs.readFileSync(HEADER, "utf8");
  const table = /STEP_SHAPES\[STEP_OPS\] = \{\n([\s\S]*?)\n\};/.exec(text);
  if (!table) throw new Error(`${HEADER}: expected a STEP_SHAPES table, got none`);
  return table[1].split("\n").map((line) => {
    const m = /^\s*\{"(\w+)", (\d+), \{([\d, ]+)\}\},\s*\/\/ (.*)$/.exec(line);
    if (!m) throw new Error(`${HEADER}: expected {"name", buffers, {widths}}, // buffers, got ${line.trim()}`);
    const widths = m[3].split(", ").map(Number);
    if (widths.length !== Number(m[2])) {
      throw new Error(`${HEADER}: ${m[1]}: expected ${m[2]} widths, got ${widths.length}`);
    }
    return { name: m[1], widths, comment: m[4] };
  });
}

function source() {
  const snake = (name) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  const rows = shapes().map((s) => `  ${snake(s.name)}: [${s.widths.join(", ")}], // ${s.comment}`);
  return [
    "// Generated from native/src/kernels.h's STEP_SHAPES by scripts/step-widths.js: edit those, not this.",
    "",
    "/** Each step kernel's buffers as row widths in H-wide blocks; the order is the native op numbers'. */",
    "export const STEP_KERNELS = {",
    ...rows,
    "} as const;",
    "",
  ].join("\n");
}

const want = source();
if (process.argv.includes("--check")) {
  const got = fs.existsSync(OUT) ? fs.readFileSync(OUT, "utf8") : "";
  if (got !== want) {
    console.error(`step-widths: ${OUT}: expected what kernels.h gives, got another table: node scripts/step-widths.js`);
    process.exit(1);
  }
} else fs.writeFileSync(OUT, want);
