/** `gatescope writeup`: figures drawn in real headless Chromium, tables, references and methods from results.json. */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { CLI, REPO } from "../helpers/paths";
import { deviations } from "../../src/experiment/deviations";
import { tmpDir } from "../helpers/tmp";
import { readResults } from "../../src/experiment/results";
import { methodsParagraph } from "../../src/experiment/writeup";
import { tableToLatex, tableToMarkdown, texEscape } from "../../src/experiment/tables";

const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });

describe("gatescope writeup", () => {
  const dir = tmpDir("writeup");

  it(
    "turns a results directory into SVG and PNG figures, Markdown and LaTeX tables, references and a methods " +
      "paragraph",
    () => {
      const res = path.join(dir, "tiny");
      expect(cli("reproduce", "--preset", "tiny", "--seed", "2", "--out", res, "--jobs", "1").status).to.equal(0);
      const out = path.join(res, "writeup");
      // An earlier writeup's figure under a number this one does not make goes; a file not named as ours stays.
      fs.mkdirSync(path.join(out, "figures"), { recursive: true });
      fs.writeFileSync(path.join(out, "figures", "100-stale-figure.svg"), "<svg></svg>");
      fs.writeFileSync(path.join(out, "figures", "notes.txt"), "mine");
      const r = cli("writeup", res);
      expect(r.status, r.stdout + r.stderr).to.equal(0);
      const figures = fs.readdirSync(path.join(out, "figures")).filter((f) => f !== "notes.txt");
      expect(figures).not.to.include("100-stale-figure.svg");
      expect(fs.readFileSync(path.join(out, "figures", "notes.txt"), "utf8")).to.equal("mine");
      const svgs = figures.filter((f) => f.endsWith(".svg"));
      expect(svgs.length).to.be.at.least(4);
      expect(figures.filter((f) => f.endsWith(".png"))).to.have.length(svgs.length);
      for (const f of svgs)
        expect(fs.readFileSync(path.join(out, "figures", f), "utf8"), f).to.match(/^<svg[\s\S]*<\/svg>$/);
      const png = fs.readFileSync(
        path.join(
          out,
          "figures",
          figures.find((f) => f.endsWith(".png"))!,
        ),
      );
      expect(png.subarray(1, 4).toString()).to.equal("PNG");
      expect(png.length).to.be.above(10000); // a drawn chart, not an empty canvas

      const results = readResults(path.join(res, "results.json"));
      const tex = fs.readFileSync(path.join(out, "tables.tex"), "utf8");
      expect(tex).to.include("\\toprule").and.include("\\bottomrule").and.include("\\label{tab:summary}");
      expect(tex).to.include(results.summary[0].metric_mean.toPrecision(3));
      const md = fs.readFileSync(path.join(out, "tables.md"), "utf8");
      expect(md).to.include("| task | T | cell |");
      const bib = fs.readFileSync(path.join(out, "references.bib"), "utf8");
      for (const key of ["arjovsky2016unitary", "hochreiter1997lstm", "le2015irnn", "pineau2021reproducibility"])
        expect(bib).to.include(`{${key},`);
      const methods = fs.readFileSync(path.join(out, "methods.md"), "utf8");
      expect(methods).to.equal(methodsParagraph(results) + "\n");
      const cpu = results.runs.reduce((sum, r) => sum + r.cpu_s!, 0);
      expect(methods).to.include(
        `The ${results.runs.length} runs took ${cpu.toFixed(0)} s of CPU over ${results.runs.length} run(s) (each`,
      );
      expect(methods).to.include("batch size 16").and.include("at most 40 steps").and.include("seeds, 1 per row");
      expect(methods).to.include(results.manifest.cpu_model);
    },
  );

  it("escapes table text for its format", () => {
    expect(texEscape("a_b & 50% ≤ $x ÷ 2")).to.equal("a\\_b \\& 50\\% $\\le$ \\$x $\\div$ 2");
    const t = { caption: "c", label: "tab:x", head: ["max |d|"], rows: [["a|b"]] };
    // One escaper for every Markdown the library writes: references, which nbconvert reads in tables too.
    expect(tableToMarkdown(t)).to.include("| max &#124;d&#124; |").and.include("| a&#124;b |");
    const link = tableToMarkdown({ ...t, rows: [["[x](http://evil.example)", "**b**"]] });
    expect(link).not.to.match(/\[x\]\(|\*\*b/);
    expect(tableToLatex(t)).to.include("max |d| \\\\");
  });

  it("refuses a directory without results, naming it", () => {
    const r = cli("writeup", path.join(dir, "nothing"));
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/results file .*nothing\/results.json: expected a readable file/);
  });

  it("says each setting a cell or a task overrides where it applies (the headline's spec)", () => {
    const methods = methodsParagraph(readResults(path.join(REPO, "results/headline/results.json")));
    for (const said of [
      "lstm (lstm, glorot initialisation, H = 128 (40 on copy))",
      "urnn (urnn, keras initialisation, H = 1024 (256 on copy), H/2 complex units)",
      "on adding at T = 100, 200 and copy at T = 100",
      "learning rates {0.0001, 0.001, 0.01} (irnn: learning rates {0.00001, 0.0001, 0.001}; urnn: learning rate 0.001)",
      "one chosen per row by its mean validation metric (staged: every rate on the first 2 seed(s), the chosen one",
      "gradient clipping element-wise at 1 (urnn: none)",
      "for at most 30000 (adding T = 200: 47000; copy T = 100: 50000) steps",
      "5 per row",
      "the runs come from `gatescope reproduce --preset headline`",
    ])
      expect(methods).to.include(said);
    // A task's own seeds are said where they apply (the headline gave adding T = 200 three before 7 Dec 2026).
    const results = readResults(path.join(REPO, "results/headline/results.json"));
    const tasks = results.manifest.config.tasks.map((t) => (t.T[0] === 200 ? { ...t, seeds: [0, 1, 2] } : t));
    const fewer = methodsParagraph({ ...results, manifest: { ...results.manifest, config: { ...results.manifest.config,
      tasks } } });
    expect(fewer).to.include("5 (adding T = 200: 3) per row");
  });

  it("a spec with no optimizer at its top (each cell names its own, as schema-v1 files may) is described", () => {
    const results = readResults(path.join(REPO, "results/quick/results.json"));
    const { optimizer: _, ...train } = results.manifest.config.train;
    const config = {
      ...results.manifest.config,
      train: train as typeof results.manifest.config.train,
      lrs: undefined,
      cells: results.manifest.config.cells.map((c) => ({
        ...c,
        train: { optimizer: { kind: "sgd" as const, lr: 0.1 } },
      })),
    };
    const v1 = { ...results, manifest: { ...results.manifest, config } };
    expect(methodsParagraph(v1)).to.include("with SGD, learning rate 0.1, batch size 32");
    const optimizer = deviations(config).find((d) => d.setting === "optimizer")!.ours;
    expect(optimizer).to.equal("SGD, lr 0.1");
  });

  it("a language model's methods say how its text is read and held out, with no solve rates (results/charlm)", () => {
    const results = readResults(path.join(REPO, "results/charlm/results.json"));
    const text = methodsParagraph(results);
    expect(text).to.include("50-character chunks of 50 streams over the text's training split (the state carried");
    expect(text).to.include("The text's own validation and test splits, each read whole as 100 streams");
    expect(text).to.include("stopping after 3 evaluations without a better validation metric");
    expect(text).not.to.match(/freshly sampled|solve rates|sequences\) sets/);
    expect(fs.readFileSync(path.join(REPO, "results/charlm/writeup/methods.md"), "utf8")).to.equal(text + "\n");
  });
});

