/**
 * The kit in both real kernels: one notebook, executed by real Jupyter under tslab and under
 * Deno's kernel (npm run notebooks -- --kernel both), sends the same outputs — a live display
 * replaced in place by its display id, a multi-MIME Plotly bundle, a table — and its chart draws
 * in headless Chromium in each.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { REPO } from "../helpers/paths";
import { codeNotebook } from "../helpers/notebook";
import { tmpDir } from "../helpers/tmp";

type Output = { output_type: string; text?: string[]; data?: Record<string, unknown> };
/** nbformat saves text as a list of lines. */
const joined = (v: unknown) => (Array.isArray(v) ? v.join("") : v);

const CELLS = [
  'import { display, newDisplay, showNative, showTable, kernelName } from "gatescope/kernel-lib";\n' +
    'import { gradientFlowFigure } from "gatescope";\n' +
    'console.log("kernel " + kernelName());',
  'const live = newDisplay();\n' +
    'for (const step of [1, 2, 3]) live.markdown("step " + step);\n' +
    'display.markdown("after");',
  'showNative(display, gradientFlowFigure([{ cell: "lstm", norms: [1e-3, 1e-2, 1e-1] }]));\n' +
    'showTable(display, [{ cell: "gru", "|x|": 0.5 }]);',
];

describe("kernel-lib in tslab and in Deno's kernel", function () {
  this.timeout(5 * 60 * 1000);

  it("the same notebook sends the same outputs under both kernels", () => {
    const dir = path.join(REPO, "build", "kit-test"); // inside the repository: "gatescope" resolves
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, "kit.ipynb");
    fs.writeFileSync(file, JSON.stringify(codeNotebook(CELLS)));
    const out = tmpDir("kit");
    const runner = path.join(REPO, "scripts/notebooks.js");
    const r = spawnSync(process.execPath, [runner, "--kernel", "both", "--out", out, file], {
      encoding: "utf8",
      cwd: REPO,
    });
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout.match(/PASS charts kit\.html: 1 of 1 drawn, 1 of 1 static images/g)).to.have.length(2);
    const outputs = (kernel: string): Output[][] => {
      const nb = JSON.parse(fs.readFileSync(path.join(out, kernel, "kit.ipynb"), "utf8"));
      return nb.cells.map((c: { outputs: Output[] }) => c.outputs);
    };
    for (const kernel of ["tslab", "deno"]) {
      const [first, second, third] = outputs(kernel);
      expect(first.map((o) => (o.text ?? []).join(""))).to.deep.equal([`kernel ${kernel}\n`]);
      // the live display was replaced in place: one output holding the last state, then the next one
      expect(second.map((o) => [o.output_type, joined(o.data!["text/markdown"])])).to.deep.equal([
        ["display_data", "step 3"],
        ["display_data", "after"],
      ]);
      const [bundle, table] = third;
      expect(Object.keys(bundle.data!).sort(), kernel).to.deep.equal([
        "application/vnd.plotly.v1+json",
        "image/png", // the runner's static image, beside the chart
        "text/html",
        "text/plain",
      ]);
      const title = "Gradient flow through time: ‖∂L/∂h_t‖";
      expect(joined(bundle.data!["text/plain"])).to.equal(`<gatescope figure: ${title}>`);
      expect(Object.keys(table.data!)).to.deep.equal(["text/markdown"]);
      const table3 = "| cell | &#124;x&#124; |\n| --- | --- |\n| gru | 0.5000 |";
      expect(joined(table.data!["text/markdown"])).to.equal(table3);
    }
  });
});
