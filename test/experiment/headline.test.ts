/**
 * The committed headline runs are regenerable: the summary recomputed from the committed run
 * records equals the committed results.json summary, and a committed run redone alone (run-one on
 * a copy of the folder) gives bit-identical numbers on any backend of the arithmetic that made it — on
 * another arithmetic the committed file is not reused: it is redone, not mixed.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { backendArithmetic } from "../../src/backend";
import { runStates } from "../../src/experiment/collect";
import { readResults } from "../../src/experiment/results";
import { readRun } from "../../src/experiment/store";
import { reportFigures } from "../../src/experiment/report";
import { resultTables, tableToLatex, tableToMarkdown } from "../../src/experiment/tables";
import { methodsParagraph } from "../../src/experiment/writeup";
import { CLI, REPO } from "../helpers/paths";
import { tmpDir } from "../helpers/tmp";

const DIR = path.join(REPO, "results/headline");
const runFiles = () => fs.readdirSync(path.join(DIR, "runs")).filter((f) => f.endsWith(".json"));
const read = (file: string) => JSON.parse(fs.readFileSync(file, "utf8"));

describe("committed headline results", function () {
  this.timeout(20 * 60 * 1000);

  it("results.json holds every committed run file, and its summary is what those runs give", () => {
    const raw = read(path.join(DIR, "results.json"));
    expect(runFiles().length).to.be.above(0);
    expect(raw.runs.map((r: { id: string }) => `${r.id}.json`).sort()).to.deep.equal(runFiles().sort());
    const again = readResults(path.join(DIR, "results.json")); // derives the summary from the runs
    expect(JSON.parse(JSON.stringify(again.summary))).to.deep.equal(raw.summary);
  });

  it("the committed writeup is what `gatescope writeup` makes of the committed results.json", () => {
    const results = readResults(path.join(DIR, "results.json"));
    const text = (name: string) => fs.readFileSync(path.join(DIR, "writeup", name), "utf8");
    expect(text("methods.md")).to.equal(methodsParagraph(results) + "\n");
    expect(text("tables.md")).to.equal(resultTables(results).map(tableToMarkdown).join("\n\n") + "\n");
    expect(text("tables.tex")).to.equal(resultTables(results).map(tableToLatex).join("\n"));
    const figures = fs.readdirSync(path.join(DIR, "writeup", "figures"));
    const headings = reportFigures(results).map((f) => f.heading);
    expect(figures.filter((f) => f.endsWith(".svg")).length, figures.join(", ")).to.equal(headings.length);
    expect(figures.filter((f) => f.endsWith(".png")).length, figures.join(", ")).to.equal(headings.length);
  });

  it("the quickest committed run, redone alone on a copy of the folder, gives the same numbers", () => {
    const copy = path.join(tmpDir("headline"), "headline");
    fs.mkdirSync(path.join(copy, "runs"), { recursive: true });
    fs.copyFileSync(path.join(DIR, "experiment.json"), path.join(copy, "experiment.json"));
    for (const f of runFiles()) fs.copyFileSync(path.join(DIR, "runs", f), path.join(copy, "runs", f));
    const quickest = runFiles()
      .map((f) => read(path.join(DIR, "runs", f)))
      .sort((a, b) => a.result.wall_s - b.result.wall_s)[0];
    const states = runStates(copy);
    const index = states.findIndex((s) => s.spec.id === quickest.spec.id);
    expect(index, quickest.spec.id).to.be.at.least(0);
    if (quickest.made.arithmetic !== backendArithmetic().id) {
      // Made with another arithmetic: not reused here, so it would be redone, never mixed in.
      expect(readRun(copy, states[index].spec)).to.equal(null);
      return;
    }
    expect(states[index].result, "the committed file is the finished run").to.not.equal(null);
    fs.rmSync(path.join(copy, "runs", `${quickest.spec.id}.json`));
    const r = spawnSync(process.execPath, [CLI, "run-one", copy, "--index", String(index)], { encoding: "utf8" });
    expect(r.status, r.stderr).to.equal(0);
    const redone = read(path.join(copy, "runs", `${quickest.spec.id}.json`));
    // Times are the machine's; `made` names the backend that redid it, of the same arithmetic. Committed files repeat
    // the hidden size and rate in the spec as `hidden` and `lr` (read as the same run: the result above is not null).
    const timeless = (d: { spec: object; result: object; made: object }) => ({
      ...d,
      spec: (({ hidden: _, lr: __, ...once }: Record<string, unknown>) => once)(d.spec as Record<string, unknown>),
      made: { ...d.made, backend: "", class: [] },
      result: { ...d.result, wall_s: 0, cpu_s: 0 },
    });
    expect(timeless(redone)).to.deep.equal(timeless(quickest));
  });
});
