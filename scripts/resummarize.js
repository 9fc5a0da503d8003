#!/usr/bin/env node
// `node scripts/resummarize.js DIR`: rewrites DIR's results.json summary, summary.md and report.html
// from the run records inside its results.json, without running anything — for when the
// published claims, their judging or the report change and committed results must follow.
// The runs, manifest and missing list are kept as they are.
"use strict";
const path = require("path");
const { readResults } = require("../dist/src/experiment/results");
const { reportHtml } = require("../dist/src/experiment/report");
const { summaryMarkdown } = require("../dist/src/experiment/tables");
const { writeFileAtomic } = require("../dist/src/io/atomic");

const dir = process.argv[2];
if (!dir) {
  console.error("usage: node scripts/resummarize.js DIR (a folder with results.json)");
  process.exit(2);
}
const file = readResults(path.join(dir, "results.json")); // derives the summary from the runs
writeFileAtomic(path.join(dir, "results.json"), JSON.stringify(file));
writeFileAtomic(path.join(dir, "report.html"), reportHtml(file));
writeFileAtomic(path.join(dir, "summary.md"), summaryMarkdown(file));
console.log(`${dir}: ${file.summary.length} summary rows from ${file.runs.length} runs`);
