#!/usr/bin/env node
// `npm run notebooks [-- [--kernel tslab|deno|both] [--out DIR] [--python PATH] [--charts-optional] NOTEBOOK...]`:
// registers project-local kernels (tslab's, and Deno's `deno jupyter`; nothing in the user's own
// Jupyter changes), executes the notebooks with real Jupyter under each chosen kernel (a notebook
// in a `gatescope init` folder with that folder's kernel), gives every chart a static image, writes
// the executed notebooks and their HTML exports (MathJax and require.js beside them) to
// build/notebooks/<kernel>/, and checks the exports in headless Chromium (checkCharts).
// `npm run jupyter` opens them interactively, with both kernels to choose from.
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const { KERNELS, kernelChoice, kernelSpecJson } = require(path.join(ROOT, "dist", "src", "cli", "kernels.js"));
const JUPYTER_DATA = path.join(ROOT, ".jupyter", "share", "jupyter");
// The first Python with Jupyter and nbconvert (python3, /usr/bin/python3, python), or --python PATH.
let PYTHON = null;
// MathJax 2 (what nbconvert's template configures) and require.js from npm, copied beside the HTML
// exports, so they render offline on any machine (not from system paths only Debian has).
const ASSETS = [
  "--mathjax-url",
  "mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
  "--require-js-url",
  "requirejs/require.js",
];
const MATHJAX_PARTS = [
  "MathJax.js",
  "config/TeX-AMS_CHTML-full.js",
  "extensions/Safe.js",
  "extensions/MathMenu.js",
  "extensions/MathZoom.js",
  "extensions/TeX",
  "jax/input/TeX",
  "jax/output/CommonHTML",
  "jax/element",
  "fonts/HTML-CSS/TeX/woff",
];

function copyAssets(out) {
  const from = path.dirname(require.resolve("mathjax/package.json", { paths: [ROOT] }));
  for (const part of MATHJAX_PARTS)
    fs.cpSync(path.join(from, part), path.join(out, "mathjax", part), { recursive: true });
  fs.cpSync(require.resolve("requirejs/require.js", { paths: [ROOT] }), path.join(out, "requirejs", "require.js"));
}

/** node_modules/gatescope → this folder: notebooks import "gatescope" as an installed package. */
function linkSelf() {
  const link = path.join(ROOT, "node_modules", "gatescope");
  try {
    if (fs.realpathSync(link) === ROOT) return;
    fs.rmSync(link, { recursive: true, force: true });
  } catch {
    /* not there yet */
  }
  fs.symlinkSync(ROOT, link, "dir");
}

function registerKernel(kind) {
  const { name } = KERNELS[kind];
  const bin = path.join(ROOT, "node_modules", ".bin", kind);
  if (!fs.existsSync(bin)) throw new Error(`expected ${kind} at ${bin}: run npm ci first`);
  const spec = path.join(ROOT, ".jupyter", "kernelspec", name);
  fs.mkdirSync(spec, { recursive: true });
  fs.writeFileSync(path.join(spec, "kernel.json"), kernelSpecJson(kind, bin));
  const r = spawnSync(
    PYTHON,
    ["-m", "jupyter", "kernelspec", "install", "--replace", "--name", name, "--prefix", path.join(ROOT, ".jupyter")]
      .concat(spec),
    { encoding: "utf8" },
  );
  if (r.error || r.status !== 0) {
    throw new Error(
      "jupyter kernelspec install failed (apt-get install jupyter-nbconvert jupyter-client): " +
        (r.error ? r.error.message : r.stderr),
    );
  }
}

/** The nearest folder above `dir`, short of this project, with a kernel `name` of its own (`gatescope init`). */
function ownKernel(dir, name) {
  for (let d = dir; d !== path.dirname(d) && d !== ROOT; d = path.dirname(d)) {
    const data = path.join(d, ".jupyter", "share", "jupyter");
    if (fs.existsSync(path.join(data, "kernels", name, "kernel.json"))) return data;
  }
  return null;
}

/**
 * Each export in headless Chromium, twice. With scripts: every chart drawn (its static image
 * gone), equations typeset, no page error, and nothing fetched from outside the export's folder
 * (such requests are refused and counted). Without scripts, as GitHub and nbviewer show it: every
 * chart's static image loaded.
 */
async function checkCharts(htmlFiles, chartsOptional, folder) {
  const { launchChromium } = require(path.join(ROOT, "dist", "src", "viz", "browser.js"));
  const browser = await launchChromium();
  const failures = [];
  const inFolder = (url) => url.startsWith("data:") || url.startsWith(`file://${path.resolve(folder)}/`);
  try {
    for (const file of htmlFiles) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors = [];
      const outside = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.route("**/*", (route) => {
        if (inFolder(route.request().url())) return route.continue();
        outside.push(route.request().url());
        return route.abort();
      });
      await page.goto(`file://${file}`, { waitUntil: "load" });
      const count = () =>
        page.evaluate(
          "[document.querySelectorAll('.gatescope-plot').length, " +
            "Array.from(document.querySelectorAll('.gatescope-plot[data-gatescope-rendered]'))" +
            ".filter((el) => el.querySelector('.main-svg') && " +
            "!el.querySelector('img[data-gatescope-static]')).length, " +
            "document.querySelectorAll('.MathJax_CHTML').length, " +
            "document.querySelectorAll('script[type^=\"math/tex\"]').length]",
        );
      let [plots, drawn, typeset, math] = await count();
      for (let i = 0; i < 100 && (drawn < plots || typeset < math); i++) {
        await new Promise((r) => setTimeout(r, 100));
        [plots, drawn, typeset, math] = await count();
      }
      await page.screenshot({ path: file.replace(/\.html$/, ".png"), fullPage: true });
      await page.close();
      const still = await browser.newPage({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: false });
      await still.goto(`file://${file}`, { waitUntil: "load" });
      const images = await still.evaluate(
        "Array.from(document.querySelectorAll('.gatescope-plot'))" +
          ".filter((el) => { const img = el.querySelector('img[data-gatescope-static]'); " +
          "return img && img.complete && img.naturalWidth > 100; }).length",
      );
      await still.close();
      const ok =
        (plots > 0 || chartsOptional) &&
        drawn === plots &&
        images === plots &&
        typeset === math &&
        errors.length === 0 &&
        outside.length === 0;
      console.log(
        `${ok ? "PASS" : "FAIL"} charts ${path.basename(file)}: ${drawn} of ${plots} drawn, ` +
          `${images} of ${plots} static images shown without scripts, ${typeset} of ${math} equations typeset, ` +
          `${outside.length} requests outside the folder` +
          `${outside.length ? ` (${outside.slice(0, 3).join(", ")})` : ""}` +
          `${errors.length ? `; page errors: ${errors.join("; ")}` : ""}`,
      );
      if (!ok) failures.push(file);
    }
  } finally {
    await browser.close();
  }
  return failures;
}

/** Executes `notebooks` under one kernel into `out`, adds static images, checks the exports. */
async function runUnder(kind, notebooks, out, chartsOptional) {
  const { name, linger } = KERNELS[kind];
  // A notebook in a folder made by `gatescope init` runs with that folder's own kernel.
  const groups = new Map();
  for (const nb of notebooks) {
    const jupyterPath = ownKernel(path.dirname(nb), name) ?? JUPYTER_DATA;
    groups.set(jupyterPath, [...(groups.get(jupyterPath) ?? []), nb]);
  }
  console.log(`kernel ${name}: ${notebooks.length} notebook(s) → ${out}`);
  let status = 0;
  for (const [jupyterPath, group] of groups) {
    const r = spawnSync(
      PYTHON,
      [
        path.join(ROOT, "scripts", "run_notebooks.py"),
        ...["--kernel", name, "--linger", String(linger), "--out", out],
        ...ASSETS,
        ...group,
      ],
      { stdio: "inherit", env: { ...process.env, JUPYTER_PATH: jupyterPath } },
    );
    if (r.error) throw new Error(`could not run ${PYTHON}: ${r.error.message}`);
    status = status || r.status;
  }
  copyAssets(out);
  const executed = notebooks.map((n) => path.join(out, path.basename(n))).filter((f) => fs.existsSync(f));
  if (status === 0) {
    // A PNG beside every chart (for viewers that run no scripts), then the HTML again with them.
    const { addStaticImages } = require(path.join(ROOT, "dist", "src", "viz", "static-images.js"));
    for (const nb of executed) await addStaticImages(nb);
    const r = spawnSync(
      PYTHON,
      [path.join(ROOT, "scripts", "run_notebooks.py"), "--html-only", ...ASSETS, "--out", out, ...executed],
      { stdio: "inherit" },
    );
    status = r.error ? 1 : r.status;
  }
  const html = executed.map((f) => f.replace(/\.ipynb$/, ".html"));
  const chartFailures = status === 0 ? await checkCharts(html, chartsOptional, out) : [];
  return status === 0 && chartFailures.length === 0;
}

async function main() {
  const args = process.argv.slice(2);
  const interactive = args[0] === "--jupyter";
  linkSelf();
  let out = path.join(ROOT, "build", "notebooks");
  const chosen = [];
  let kernels = kernelChoice("both", "--kernel");
  let chartsOptional = false; // a notebook that draws nothing passes (README snippets)
  for (let i = interactive ? 1 : 0; i < args.length; i++) {
    if (args[i] === "--out") out = path.resolve(args[++i]);
    else if (args[i] === "--kernel") kernels = kernelChoice(String(args[++i]), "--kernel");
    else if (args[i] === "--charts-optional") chartsOptional = true;
    else if (args[i] === "--python") PYTHON = String(args[++i]);
    else chosen.push(args[i]); // notebooks to run, or (--jupyter) Jupyter's own arguments
  }
  const { findJupyterPython } = require(path.join(ROOT, "dist", "src", "cli", "init.js"));
  const modules = interactive ? ["notebook"] : ["jupyter_client", "nbformat", "nbconvert"];
  PYTHON = findJupyterPython(PYTHON, modules, "notebooks");
  for (const kind of kernels) registerKernel(kind);
  if (interactive) {
    const extra = process.getuid && process.getuid() === 0 ? ["--allow-root"] : []; // Jupyter refuses root otherwise
    const r = spawnSync(
      PYTHON,
      ["-m", "notebook", "--notebook-dir", path.join(ROOT, "notebooks"), ...extra, ...chosen],
      { stdio: "inherit", env: { ...process.env, JUPYTER_PATH: JUPYTER_DATA } },
    );
    if (r.error) throw new Error(`could not start Jupyter (apt-get install jupyter-notebook): ${r.error.message}`);
    process.exitCode = r.status ?? 1;
    return;
  }
  const notebooks = (
    chosen.length
      ? chosen
      : fs
          .readdirSync(path.join(ROOT, "notebooks"))
          .filter((f) => f.endsWith(".ipynb"))
          .sort()
          .map((f) => path.join("notebooks", f))
  ).map((f) => path.resolve(f));
  let ok = true;
  for (const kind of kernels) ok = (await runUnder(kind, notebooks, path.join(out, kind), chartsOptional)) && ok;
  process.exitCode = ok ? 0 : 1;
}

main().catch((err) => {
  console.error(err.message.startsWith("notebooks: ") ? err.message : `notebooks: ${err.message}`);
  process.exitCode = 1;
});
