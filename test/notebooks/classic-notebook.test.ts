/**
 * Charts in the classic Notebook, the front end whose require.js would capture a plain
 * plotly.js bundle as an AMD module: execute notebook 01 for real, trust it (sign it, as
 * `jupyter trust` does), serve it with Debian's Notebook 6, open it in headless Chromium and
 * count the drawn charts.
 */
import { expect } from "chai";
import { spawn, spawnSync, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { launchChromium } from "../../src/viz/browser";
import { REPO } from "../helpers/paths";
import { tmpDir } from "../helpers/tmp";

const freePort = () => new Promise<number>((resolve) => {
  const s = net.createServer().listen(0, "127.0.0.1", () => {
    const port = (s.address() as net.AddressInfo).port;
    s.close(() => resolve(port));
  });
});

describe("charts in the classic Notebook (require.js page)", function () {
  this.timeout(5 * 60 * 1000);
  const dir = tmpDir("classic");
  let server: ChildProcess | null = null;
  after(() => { server?.kill("SIGTERM"); });

  it("every chart of an executed, trusted notebook is drawn", async () => {
    const name = "01-lstm-and-gru-gate-by-gate";
    const runner = path.join(REPO, "scripts/notebooks.js");
    const run = spawnSync(process.execPath, [runner, "--kernel", "tslab", "--out", dir, `notebooks/${name}.ipynb`], {
      cwd: REPO,
      encoding: "utf8",
    });
    expect(run.status, run.stdout + run.stderr).to.equal(0);
    const signScript =
      "import sys, nbformat; from nbformat.sign import NotebookNotary as N; " +
      "nb = nbformat.read(sys.argv[1], 4); N().sign(nb); nbformat.write(nb, sys.argv[1])";
    const sign = spawnSync("/usr/bin/python3", ["-c", signScript, path.join(dir, "tslab", `${name}.ipynb`)], {
      encoding: "utf8",
    });
    expect(sign.status, sign.stderr).to.equal(0);

    const port = await freePort();
    const args = ["notebook", "--no-browser", "--allow-root", `--port=${port}`, "--ip=127.0.0.1"];
    args.push(`--notebook-dir=${path.join(dir, "tslab")}`, "--NotebookApp.token=gatescope-test");
    server = spawn("jupyter", args, {
      env: { ...process.env, JUPYTER_PATH: path.join(REPO, ".jupyter", "share", "jupyter") }, stdio: "ignore",
    });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message ?? String(e)));
      for (let i = 0; ; i++) { // wait for the server
        try {
          const url = `http://127.0.0.1:${port}/notebooks/${name}.ipynb?token=gatescope-test`;
          await page.goto(url, { waitUntil: "load" });
          break;
        } catch (err) {
          if (i > 50) throw err;
          await new Promise((r) => setTimeout(r, 200));
        }
      }
      const plotCount = "document.querySelectorAll('.gatescope-plot').length";
      const drawnCount = "document.querySelectorAll('.gatescope-plot[data-gatescope-rendered]').length";
      await page.waitForFunction(
        `typeof window.define === 'function' && ${plotCount} > 0 && ${plotCount} === ${drawnCount}`,
        undefined,
        { timeout: 60000 },
      );
      const [plots, drawn, amd] = await page.evaluate<[number, number, boolean]>(
        `[${plotCount}, ${drawnCount}, Boolean(window.define && window.define.amd)]`,
      );
      fs.mkdirSync(path.join(REPO, "test-artifacts"), { recursive: true });
      await page.screenshot({ path: path.join(REPO, "test-artifacts", "classic-notebook.png"), fullPage: true });
      expect(amd).to.equal(true); // require.js is really there
      expect(drawn).to.equal(plots);
      expect(errors.filter((e) => /plotly|gatescope/i.test(e))).to.deep.equal([]);
    } finally {
      await browser.close();
    }
  });
});
