/**
 * The shipped notebooks, executed by real Jupyter under each kernel — tslab's and Deno's — from
 * the same files (npm run notebooks): every cell runs, every asserting cell passes, every chart of
 * the HTML export is drawn in headless Chromium, and both kernels print the same numbers. And the
 * runner can fail: broken notebooks make it fail with the cell's error, under either kernel.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { REPO } from "../helpers/paths";
import { tmpDir } from "../helpers/tmp";
import { plotlyInjection } from "../../src/viz/html";

type Output = { data?: Record<string, string | string[]> };

const runner = (...args: string[]) =>
  spawnSync(process.execPath, [path.join(REPO, "scripts/notebooks.js"), ...args], { encoding: "utf8", cwd: REPO });

/** What a notebook printed (its stream outputs), cell by cell. */
const printed = (nb: { cells: Array<{ outputs?: Array<{ text?: string[] }> }> }) =>
  nb.cells.map((c) => (c.outputs ?? []).map((o) => [].concat((o.text ?? []) as never).join("")).join(""));

describe("notebooks in real Jupyter, under tslab and under Deno's kernel", function () {
  this.timeout(20 * 60 * 1000);
  const dir = tmpDir("notebooks");
  const shipped = fs
    .readdirSync(path.join(REPO, "notebooks"))
    .filter((f) => f.endsWith(".ipynb"))
    .sort();

  it("ships the seven notebooks, committed without outputs", () => {
    expect(shipped).to.deep.equal([
      "00-understanding-lstm-and-gru.ipynb",
      "01-lstm-and-gru-gate-by-gate.ipynb",
      "02-vanishing-gradients.ipynb",
      "03-long-range-tasks.ipynb",
      "04-gate-dynamics.ipynb",
      "05-which-gate-matters.ipynb",
      "06-inside-a-character-model.ipynb",
    ]);
    for (const f of shipped) {
      const nb = JSON.parse(fs.readFileSync(path.join(REPO, "notebooks", f), "utf8"));
      for (const c of nb.cells.filter((x: { cell_type: string }) => x.cell_type === "code")) {
        expect(c.outputs, f).to.deep.equal([]);
        expect(c.execution_count, f).to.equal(null);
      }
      expect(nb.metadata.kernelspec.name).to.equal("gatescope-tslab");
      // nbformat 4.5 cells carry ids (nbconvert warns without them, and will refuse)
      for (const c of nb.cells) expect(c.id, `${f}: a cell without an id`).to.be.a("string");
      const code = nb.cells.map((c: { source: string | string[] }) => [].concat(c.source as never).join("")).join("\n");
      expect(code, f).to.not.match(/from "\.\.\/(src|dist)/); // imported as an installed package
      expect(code, f).to.not.match(/from "tslab"/); // one source for both kernels: the kit's display
      for (const c of nb.cells.filter((x: { cell_type: string }) => x.cell_type === "code")) {
        for (const line of [].concat(c.source).join("").split("\n"))
          expect(line.length, `${f}: ${line}`).to.be.at.most(100);
      }
    }
  });

  const drawn: Record<string, Record<string, number>> = {}; // kernel → notebook → charts drawn
  for (const kernel of ["tslab", "deno"]) {
    it(`every notebook runs top to bottom under ${kernel}, its checks pass, and every chart is drawn`, () => {
      const r = runner("--kernel", kernel, "--out", path.join(dir, "ok"));
      expect(r.status, r.stdout + r.stderr).to.equal(0);
      drawn[kernel] = {};
      expect(r.stdout).to.include(`${shipped.length} of ${shipped.length} notebook(s) ran without error`);
      const bundle = JSON.stringify(plotlyInjection()).length;
      for (const f of shipped) {
        const name = f.replace(/\.ipynb$/, "");
        // Drawn with scripts, a static image without, equations typeset offline, nothing fetched from outside.
        const line = new RegExp(
          `PASS charts ${name}\\.html: (\\d+) of \\1 drawn, \\1 of \\1 static images shown ` +
            "without scripts, (\\d+) of \\2 equations typeset, 0 requests outside the folder",
        );
        expect(r.stdout).to.match(line);
        if (name.startsWith("00") || name.startsWith("01"))
          expect(Number(line.exec(r.stdout)![2]), `${name} has equations`).to.be.above(5);
        drawn[kernel][f] = Number(line.exec(r.stdout)![1]);
        const nb = JSON.parse(fs.readFileSync(path.join(dir, "ok", kernel, f), "utf8"));
        const outputs = nb.cells.flatMap((c: { outputs?: Output[] }) => c.outputs ?? []);
        const charts = outputs.filter((o: Output) =>
          []
            .concat((o.data?.["text/html"] ?? []) as never)
            .join("")
            .includes('class="gatescope-plot"'),
        );
        expect(charts.length, f).to.be.above(0);
        for (const o of charts) expect(o.data!["image/png"], `${f}: a static image beside the chart`).to.be.a("string");
        for (const o of outputs) {
          // plotly.js itself travels once, with the first chart; what a figure adds must stay small
          const json = JSON.stringify(o);
          const payload = json.length - (json.includes("if (!window.Plotly) {") ? bundle : 0);
          expect(payload, `${f}: one output's payload`).to.be.below(500_000);
        }
        const last = nb.cells.filter((c: { cell_type: string }) => c.cell_type === "code").at(-1);
        expect(
          last.outputs.map((o: { text?: string[] | string }) => [].concat((o.text ?? []) as never).join("")).join(""),
          f,
        ).to.include("all checks passed");
      }
    });
  }

  it("both kernels draw the same charts and print the same numbers", () => {
    expect(Object.keys(drawn), "both runs above must have passed").to.deep.equal(["tslab", "deno"]);
    expect(drawn.deno).to.deep.equal(drawn.tslab);
    for (const f of shipped) {
      const read = (kernel: string) => JSON.parse(fs.readFileSync(path.join(dir, "ok", kernel, f), "utf8"));
      expect(printed(read("deno")), f).to.deep.equal(printed(read("tslab")));
    }
  });

  it("tslab: a notebook that does not type-check fails the run with the cell's error text", () => {
    // Deno's kernel runs cells without type-checking them (docs/notebooks.md says so)
    const r = runner("--kernel", "tslab", "--out", path.join(dir, "bad"), "test/fixtures/notebooks/broken-type.ipynb");
    expect(r.status).to.equal(1);
    expect(r.stdout).to.include('const broken: number = "not a number";');
    expect(r.stdout).to.include("Type 'string' is not assignable to type 'number'");
    expect(r.stdout).to.include("0 of 1 notebook(s) ran without error");
  });

  it("a failing asserting cell fails the run with its source and message, under either kernel", () => {
    const broken = "test/fixtures/notebooks/broken-assert.ipynb";
    const r = runner("--kernel", "both", "--out", path.join(dir, "bad2"), broken);
    expect(r.status).to.equal(1);
    const failures = r.stdout.split("--- cell source ---").slice(1);
    expect(failures).to.have.length(2);
    for (const text of failures) {
      expect(text).to.include("if (result > 0.1) throw new Error(");
      expect(text).to.include("regression: expected result below 0.1, got 0.5");
    }
  });
});
