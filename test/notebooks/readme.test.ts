/**
 * The docs' TypeScript runs as written: every ```ts block of README.md and docs/*.md, under real
 * Jupyter in a real tslab kernel (tslab's own compiler, non-strict) and in Deno's kernel, printing
 * the same in both, each a notebook of its own unless its first line says "// continues the block
 * above"; any chart it draws must draw in headless Chromium.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { REPO } from "../helpers/paths";
import { codeNotebook } from "../helpers/notebook";
import { tmpDir } from "../helpers/tmp";

const CONTINUES = "// continues the block above";

/** The README's ts blocks, grouped into the notebooks they make. */
export function readmeNotebooks(markdown: string): string[][] {
  const groups: string[][] = [];
  for (const m of markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)) {
    const code = m[1].trimEnd();
    if (code.startsWith(CONTINUES)) {
      expect(groups.length, "a continuing block needs a block before it").to.be.above(0);
      groups[groups.length - 1].push(code);
    } else groups.push([code]);
  }
  return groups;
}

/** README.md and every guide in docs/, as paths from the repository root. */
export function docPages(): string[] {
  const docs = fs.readdirSync(path.join(REPO, "docs")).filter((f) => f.endsWith(".md"));
  return ["README.md", ...docs.sort().map((f) => `docs/${f}`)];
}

describe("README and docs snippets in real kernels (tslab and Deno)", function () {
  this.timeout(10 * 60 * 1000);

  it("finds the blocks and groups continuations with the block they continue", () => {
    const groups = readmeNotebooks("```ts\na\n```\n\n```ts\n// continues the block above\nb\n```\n```ts\nc\n```\n");
    expect(groups).to.deep.equal([["a", "// continues the block above\nb"], ["c"]]);
  });

  it("every block runs as written", () => {
    const groups = docPages().flatMap((page) => readmeNotebooks(fs.readFileSync(path.join(REPO, page), "utf8")));
    expect(groups.length).to.be.at.least(3);
    // Inside the repository, so "gatescope" resolves as an installed package does (node_modules/gatescope).
    const dir = path.join(REPO, "build", "readme");
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const files = groups.map((cells, k) => {
      const file = path.join(dir, `readme-${k + 1}.ipynb`);
      fs.writeFileSync(file, JSON.stringify(codeNotebook(cells), null, 1));
      return file;
    });
    const out = tmpDir("readme");
    const r = spawnSync(
      process.execPath,
      [path.join(REPO, "scripts/notebooks.js"), "--charts-optional", "--out", out, ...files],
      { encoding: "utf8", cwd: REPO },
    );
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    const ran = `${files.length} of ${files.length} notebook(s) ran without error`;
    expect(r.stdout.split(ran)).to.have.length(3); // once per kernel
    const printedBy = (kernel: string) =>
      files.map((f) => {
        const nb = JSON.parse(fs.readFileSync(path.join(out, kernel, path.basename(f)), "utf8"));
        return nb.cells
          .flatMap((c: { outputs: { text?: string[] }[] }) => c.outputs)
          .map((o: { text?: string[] }) => (o.text ?? []).join(""))
          .join("");
      });
    const printed = printedBy("tslab");
    expect(printedBy("deno")).to.deep.equal(printed);
    // What the pages say the blocks print.
    expect(printed.join("\n")).to.match(/test MSE 0\.00\d\d \(baseline 0\.167\)/);
    expect(printed.join("\n")).to.match(/^true$/m);
    expect(printed.join("\n")).to.match(/leaky_rnn: PASS/);
  });
});
