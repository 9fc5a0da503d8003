/**
 * Finding the kernel: tslab's writer through the module tslab itself loaded, Deno's broadcast,
 * and a clear error anywhere else (plain Node and `deno run`, really started).
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { currentKernel, denoOutput, tslabOutput } from "../../kernel-lib/kernel";
import { REPO } from "../helpers/paths";
import { tmpDir } from "../helpers/tmp";

type Sent = { type: string; content: { data: object; metadata: object; transient: object } };

describe("kernel-lib: which kernel, and how an output is sent", () => {
  const dir = tmpDir("kernel");

  /** A stand-in for tslab's dist/: public.js and, beside it, jupyter.js with the live writer. */
  function fakeTslab(name: string) {
    const dist = path.join(dir, name, "dist");
    fs.mkdirSync(dist, { recursive: true });
    fs.writeFileSync(path.join(dist, "public.js"), "exports.display = {};\n");
    fs.writeFileSync(path.join(dist, "jupyter.js"), "exports.lastWriteDisplayData = null;\n");
    /* eslint-disable @typescript-eslint/no-var-requires */
    const pub = require(path.join(dist, "public.js"));
    const jupyter = require(path.join(dist, "jupyter.js"));
    return { pub, jupyter };
  }

  it("tslab: writes through the jupyter.js beside the public module tslab loaded, bundle and display id", () => {
    const a = fakeTslab("a");
    const b = fakeTslab("b"); // a second copy must not be the one written to
    const writes: Array<[unknown, boolean]> = [];
    b.jupyter.lastWriteDisplayData = () => expect.fail("wrote to the other copy");
    const out = tslabOutput(a.pub);
    expect(() => out.send({ "text/plain": "x" }, undefined, false)).to.throw(
      "tslab kernel: expected a running cell to show output from, got none",
    );
    a.jupyter.lastWriteDisplayData = (m: unknown, update: boolean) => writes.push([m, update]);
    out.send({ "text/html": "<b>1</b>", "text/plain": "1" }, undefined, false);
    out.send({ "text/html": "<b>2</b>" }, "id-7", true);
    expect(out.name).to.equal("tslab");
    expect(writes).to.deep.equal([
      [{ data: { "text/html": "<b>1</b>", "text/plain": "1" }, metadata: {}, transient: {} }, false],
      [{ data: { "text/html": "<b>2</b>" }, metadata: {}, transient: { display_id: "id-7" } }, true],
    ]);
    expect(() => tslabOutput({ not: "loaded" })).to.throw(
      "tslab kernel: expected its public module in Node's module cache, got no such module",
    );
  });

  it("Deno: display_data, then update_display_data under the same id, in call order", async () => {
    const sent: Sent[] = [];
    const out = denoOutput((type, content) => {
      sent.push({ type, content: content as Sent["content"] });
    });
    out.send({ "text/markdown": "a" }, "live", false);
    out.send({ "text/markdown": "b" }, "live", true);
    out.send({ "text/html": "c" }, undefined, false);
    const live = { display_id: "live" };
    expect(sent).to.deep.equal([
      { type: "display_data", content: { data: { "text/markdown": "a" }, metadata: {}, transient: live } },
      { type: "update_display_data", content: { data: { "text/markdown": "b" }, metadata: {}, transient: live } },
      { type: "display_data", content: { data: { "text/html": "c" }, metadata: {}, transient: {} } },
    ]);
  });

  it("Deno: a send that fails later is reported by the next one, not lost", async () => {
    const out = denoOutput(() => Promise.reject(new Error("socket closed")));
    out.send({ "text/plain": "x" }, undefined, false);
    await new Promise((r) => setTimeout(r, 0));
    expect(() => out.send({ "text/plain": "y" }, undefined, false)).to.throw(
      "Deno kernel: expected an earlier output to be sent, got Error: socket closed",
    );
  });

  it("finds the kernel from the globals each one sets, and names what it found instead", () => {
    expect(currentKernel({ Deno: { jupyter: { broadcast: () => undefined } } }).name).to.equal("deno");
    const throwing = {
      version: { deno: "2.9.6" },
      get jupyter(): never {
        throw new Error("Deno.jupyter is only available in `deno jupyter` subcommand");
      },
    };
    expect(() => currentKernel({ Deno: throwing })).to.throw(
      "display: expected to run in a Jupyter kernel (tslab, or Deno's `deno jupyter`), got Deno 2.9.6 outside " +
        '`deno jupyter`; outside a notebook, write a figure to a file with saveFigure(fig, "figure.html")',
    );
    expect(() => currentKernel({ process: { versions: { node: "20.1.0" } } })).to.throw(
      "got Node.js 20.1.0 outside tslab",
    );
  });

  const script = 'const { display } = require("./dist/kernel-lib"); display.markdown("hello");';
  it("in plain Node: showing something fails with what was expected and what to do", () => {
    const r = spawnSync(process.execPath, ["-e", script], { cwd: REPO, encoding: "utf8" });
    expect(r.status).to.equal(1);
    expect(r.stderr).to.include(
      `GatescopeError: display: expected to run in a Jupyter kernel (tslab, or Deno's \`deno jupyter\`), ` +
        `got Node.js ${process.versions.node} outside tslab`,
    );
  });

  it("under `deno run`: the same error, naming Deno", () => {
    const file = path.join(dir, "outside.cjs");
    fs.writeFileSync(file, script.replace("./dist", path.join(REPO, "dist")));
    const deno = path.join(REPO, "node_modules/.bin/deno");
    const r = spawnSync(deno, ["run", "-A", file], { cwd: REPO, encoding: "utf8" });
    expect(r.status).to.equal(1);
    expect(r.stderr).to.match(
      /display: expected to run in a Jupyter kernel .*, got Deno 2\.\d+\.\d+ outside `deno jupyter`/,
    );
  });
});
