#!/usr/bin/env node
// `npm run docs`: builds the API reference (TypeDoc → build/docs/, every warning an error: a public
// export without a doc comment fails), checks that every relative link in README.md and docs/*.md
// resolves, and that every generated block in them equals what the committed files give today.
// `--write` rewrites the generated blocks instead of checking them; `--no-api` skips TypeDoc; paths
// given after the options check those pages instead of README.md and docs/*.md.
//
// A generated block is the text between
//   <!-- generated: NAME ARG... -->   and   <!-- end generated -->
// where NAME is one of GENERATORS below. Numbers the docs quote that no committed file holds
// (timings, bench ratios, mutation scores) are dated and attributed to their command instead.
"use strict";
const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");

const root = path.resolve(__dirname, "..");
const gs = require(path.join(root, "dist/src"));

const named = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const DOCS = named.length
  ? named.map((f) => path.relative(root, path.resolve(f)))
  : ["README.md", ...fs.readdirSync(path.join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

const fmt = (x) => (Math.abs(x) >= 0.01 ? x.toPrecision(3) : x.toPrecision(2));

/** One row per task and T, one column per cell: test metric [95 % CI], solved / seeds. */
function resultsTable(dir) {
  const results = gs.readResults(path.join(root, dir, "results.json"));
  const cells = [...new Set(results.summary.map((r) => r.cell))];
  const rows = new Map();
  for (const r of results.summary) {
    const key = `${r.task} | ${r.T}`;
    if (!rows.has(key)) rows.set(key, new Map());
    const [lo, hi] = r.metric_ci95;
    const toMake = r.runs_missing === 1 ? "1 run to make" : `${r.runs_missing} runs to make`;
    // A language model is never solved: its cross-entropy in bits per character instead (the same mean, scaled).
    const made = gs.metricOnly(r)
      ? `${fmt(r.metric_mean * gs.bitsPerNat)} bits/char, ${r.seeds} seeds`
      : `${r.solved}/${r.seeds} solved`;
    const missing = r.runs_missing ? ` (${toMake})` : "";
    rows.get(key).set(r.cell, `${fmt(r.metric_mean)} [${fmt(lo)}, ${fmt(hi)}], ${made}${missing}`);
  }
  const m = results.manifest;
  return [
    `From [\`${dir}/results.json\`](${relTo(dir)}/results.json) ` +
      `(${results.runs.length} runs, ${gs.madeWith(m)}):`,
    "",
    `| task | T | ${cells.join(" | ")} |`,
    `|---|---|${cells.map(() => "---").join("|")}|`,
    ...[...rows].map(([key, byCell]) => `| ${key} | ${cells.map((c) => byCell.get(c) ?? "—").join(" | ")} |`),
  ].join("\n");
}

/** Each preset's run count: staged pilots and chosen runs, and what a full sweep would be. */
function presetTable() {
  const lines = [
    "| preset | cells | runs | pilots | at the chosen rate | single-rate rows | as a full sweep |",
    "|---|---|---|---|---|---|---|",
  ];
  for (const name of gs.PRESETS) {
    const spec = gs.preset(name, 0);
    const runs = gs.expand(spec);
    const staged = spec.lrSelection === "staged";
    const stage = (s) => runs.filter((r) => r.stage === s).length;
    const full = gs.rows(spec).reduce((n, r) => n + r.lrs.length * r.seeds.length, 0);
    const single = runs.length - stage("pilot") - stage("chosen");
    const cols = staged ? [stage("pilot"), stage("chosen"), single] : ["—", "—", "—"];
    lines.push(`| \`${name}\` | ${spec.cells.length} | ${runs.length} | ${cols.join(" | ")} | ${full} |`);
  }
  return lines.join("\n");
}

const CELL_TITLES = { lstm: "LSTM", gru: "GRU", rnn_tanh: "RNN tanh", irnn: "IRNN", urnn: "uRNN", charlm: "char-LM" };

/**
 * A committed `npm run bench` JSON (bench/results/) as the docs show it: `steps` — ms per training step beside
 * PyTorch and tfjs, with when, where and by which command it was measured; `threads` — two threads against one;
 * `urnn` — the uRNN beside the tanh RNN of the same size.
 */
function benchTable(file, part) {
  const b = JSON.parse(fs.readFileSync(path.join(root, file), "utf8"));
  const f = (x, digits = 1) => (x === null || x === undefined ? "—" : x.toFixed(digits));
  const ms = (m) => f(m && m.step_ms);
  const made = `[\`${file}\`](${relTo(file)}), ` +
    `\`${b.command}\` on ${b.cpu}, ${b.date.slice(0, 10)} (${b.wall_s.toFixed(0)} s, ${b.backend.name})`;
  const rows = b.rows.filter((r) => r.workload.cell !== "urnn");
  if (part === "steps") {
    // Benches from 8 December 2026 on also give each step's product GFLOP/s beside the native product peak.
    const peak = b.product_peak_gflops;
    const rate = (r, t) => r.gflops && r.gflops[`native_${t}t`]
      ? `${f(r.gflops[`native_${t}t`], 0)} (${f((100 * r.gflops[`native_${t}t`]) / peak[t], 0)} %)` : "—";
    return [
      `From ${made}; ms per step, ratio = gatescope ÷ PyTorch on as many threads, lower is better` +
        (peak
          ? `; GFLOP/s of the step's matrix products (counted as it makes them) and their share of the native ` +
            `product peak, a 1024³ float32 product: ${f(peak[1], 0)} GFLOP/s on 1 thread, ${f(peak[2], 0)} on 2:`
          : ":"),
      "",
      "| cell | H | native 1 thread | PyTorch 1 thread | ratio | native 2 threads | PyTorch 2 threads | ratio | " +
        `wasm 1 / 2 threads | tfjs-wasm (× slower than native) |${peak ? " GFLOP/s 1 / 2 threads (% of peak) |" : ""}`,
      `|---|---|---|---|---|---|---|---|---|---|${peak ? "---|" : ""}`,
      ...rows.map((r) => {
        const q = r.ratios;
        const tf = r.tfjs_wasm ? `${f(r.tfjs_wasm.step_ms, 0)} (${f(q.tfjs_wasm_speedup, 0)}×)` : "—";
        return `| ${CELL_TITLES[r.workload.cell] ?? r.workload.cell} | ${r.workload.H} | ${ms(r.native_1t)} | ` +
          `${ms(r.torch_1t)} | ${f(q.native_1t_vs_torch_1t, 2)} | ${ms(r.native_2t)} | ${ms(r.torch_2t)} | ` +
          `${f(q.native_2t_vs_torch_2t, 2)} | ${ms(r.wasm_1t)} / ${ms(r.wasm_2t)} | ${tf} |` +
          (peak ? ` ${rate(r, 1)} / ${rate(r, 2)} |` : "");
      }),
      "",
      // The worst float32 gradient error of either fast backend, per cell, and the peak memory the bench measured.
      `Gradient check, float32 against the float64 reference, scale-normalised, worst over sizes and backends: ` +
        [...new Set(b.rows.map((r) => r.workload.cell))].map((cell) => {
          const worst = Math.max(...b.rows.filter((r) => r.workload.cell === cell)
            .map((r) => Math.max(r.grad_error.native, r.grad_error.wasm)));
          return `${CELL_TITLES[cell] ?? cell} ${worst.toExponential(1)}`;
        }).join(", ") +
        (b.peak_rss_mib.largest
          ? `. Peak memory of a fresh process training the ${CELL_TITLES[b.peak_rss_mib.largest.cell]} at H = ` +
            `${b.peak_rss_mib.largest.H}: native ${f(b.peak_rss_mib.largest.native, 0)} MiB, wasm ` +
            `${f(b.peak_rss_mib.largest.wasm, 0)} MiB.`
          : "."),
    ].join("\n");
  }
  if (part === "threads") {
    // One thread's time ÷ two threads', per backend: above 1, two are faster.
    const range = (one, two, keep) => {
      const xs = rows.filter(keep).map((r) => r[one] && r[two] && r[one].step_ms / r[two].step_ms)
        .filter((x) => x);
      return xs.length ? `${f(Math.min(...xs), 2)}–${f(Math.max(...xs), 2)}×` : "—";
    };
    const big = (r) => r.workload.H >= 128, small = (r) => r.workload.H < 128;
    return `Two threads against one (from ${made}), one thread's time ÷ two threads' — above 1, two are faster: ` +
      `native ${range("native_1t", "native_2t", big)} at H ≥ 128 and ` +
      `${range("native_1t", "native_2t", small)} at H = 32; ` +
      `PyTorch ${range("torch_1t", "torch_2t", () => true)}; wasm ${range("wasm_1t", "wasm_2t", big)} at H ≥ 128. ` +
      `With a CPU-bound process beside it on the other core, native ` +
      `${range("native_1t_busy", "native_2t_busy", () => true)} (every size).`;
  }
  if (part === "urnn") {
    const urnn = b.rows.filter((r) => r.workload.cell === "urnn");
    const tanh = (H) => b.rows.find((r) => r.workload.cell === "rnn_tanh" && r.workload.H === H);
    return [
      `From ${made}; ms per step, N = ${urnn[0].workload.N}, T = ${urnn[0].workload.T}; ratio = uRNN ÷ tanh RNN ` +
        "on the same backend and threads:",
      "",
      "| H | tanh RNN native 1 / 2 threads | uRNN native 1 / 2 threads | ratio 1 / 2 threads | " +
        "tanh RNN wasm 1 thread | uRNN wasm 1 thread |",
      "|---|---|---|---|---|---|",
      ...urnn.map((u) => {
        const t = tanh(u.workload.H);
        const r = (k) => (t && t[k] && u[k] ? f(u[k].step_ms / t[k].step_ms, 2) : "—");
        return `| ${u.workload.H} | ${ms(t && t.native_1t)} / ${ms(t && t.native_2t)} | ${ms(u.native_1t)} / ` +
          `${ms(u.native_2t)} | ${r("native_1t")} / ${r("native_2t")} | ${ms(t && t.wasm_1t)} | ${ms(u.wasm_1t)} |`;
      }),
    ].join("\n");
  }
  throw new Error(`bench block: expected a part steps, threads or urnn, got ${part}`);
}

/** The PyTorch golden files and the kinds they cover. */
function torchFixtures(dir) {
  const files = fs.readdirSync(path.join(root, dir)).filter((f) => f.endsWith(".json"));
  const kinds = [...new Set(files.map((f) => JSON.parse(fs.readFileSync(path.join(root, dir, f), "utf8")).kind))];
  return `${files.length} PyTorch golden files in \`${dir}\`, covering ${kinds.sort().join(", ")}.`;
}

const GENERATORS = { results: resultsTable, presets: presetTable, "torch-fixtures": torchFixtures, bench: benchTable };
let currentDoc = "README.md";
const relTo = (p) => path.relative(path.dirname(path.join(root, currentDoc)), path.join(root, p)) || ".";

const BLOCK = /(<!-- generated: ([^>]*?) -->\n)([\s\S]*?)(<!-- end generated -->)/g;
const write = process.argv.includes("--write");
const problems = [];

for (const doc of DOCS) {
  currentDoc = doc;
  const file = path.join(root, doc);
  const text = fs.readFileSync(file, "utf8");
  const next = text.replace(BLOCK, (all, open, call, body, close) => {
    const [name, ...args] = call.trim().split(/\s+/);
    if (!GENERATORS[name]) {
      problems.push(`${doc}: generated block "${name}": expected one of ${Object.keys(GENERATORS).join(", ")}`);
      return all;
    }
    const fresh = `${GENERATORS[name](...args)}\n`;
    if (!write && fresh !== body)
      problems.push(`${doc}: generated block "${call.trim()}" is stale: run npm run docs -- --write`);
    return open + fresh + close;
  });
  if (write && next !== text) fs.writeFileSync(file, next);

  // Relative links (not http(s), not mailto, not pure anchors) must name a file or folder that exists.
  const prose = text.replace(/^```[\s\S]*?^```$/gm, "");
  for (const m of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = m[1].split("#")[0];
    if (!target || /^[a-z]+:/i.test(target)) continue;
    const exists = fs.existsSync(path.resolve(path.dirname(file), target));
    if (!exists) problems.push(`${doc}: link to ${m[1]}: no such file`);
  }
}

if (!process.argv.includes("--no-api")) {
  const typedoc = path.join(root, "node_modules/typedoc/bin/typedoc");
  const r = spawnSync(process.execPath, [typedoc], { cwd: root, encoding: "utf8" });
  if (r.status !== 0) problems.push(`typedoc (warnings are errors):\n${r.stdout}${r.stderr}`);
  else console.log("API reference: build/docs/index.html");
}

for (const p of problems) console.error(p);
const verdict = problems.length ? `${problems.length} problem(s)` : "links resolve, generated blocks current";
console.log(`${DOCS.length} documents checked: ${verdict}`);
process.exitCode = problems.length ? 1 : 0;
