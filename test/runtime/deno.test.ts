/**
 * The engine under Deno gives Node's numbers: the same seeded runs, started for real in both
 * runtimes (Deno from npm's `deno` package), on the native and the WebAssembly backends, with
 * the second thread. Float32 training is bit-identical — weights, gradient norms, MSE losses;
 * what is computed in float64 through `Math.exp`/`Math.log`/`Math.tanh`/`Math.log10` (a
 * cross-entropy loss as reported, a log-slope, a float64 model) agrees to rounding only, since
 * Deno's V8 computes those in the last bit differently from Node's. Measured here, so the
 * claim in docs/notebooks.md stays true.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { CLI, REPO } from "../helpers/paths";
import { tmpDir } from "../helpers/tmp";

const DENO = path.join(REPO, "node_modules", ".bin", "deno");

/** Runs `args` (a script and its arguments) under Node or Deno with the given environment. */
function start(runtime: "node" | "deno", args: string[], env: Record<string, string>) {
  const argv = runtime === "node" ? [process.execPath, ...args] : [DENO, "run", "-A", ...args];
  const r = spawnSync(argv[0], argv.slice(1), { cwd: REPO, encoding: "utf8", env: { ...process.env, ...env } });
  expect(r.status, `${runtime} ${args.join(" ")}\n${r.stdout}${r.stderr}`).to.equal(0);
  return r.stdout;
}

/** Wall and CPU times: the only numbers a run records that are not computed from its seed. */
const TIMES = new Set(["wall_s", "wallMs", "cpu_s"]);

/** Every number of `a` equals `b`'s bit for bit, but for wall times (skipped) and the paths `near` names. */
function sameNumbers(a: unknown, b: unknown, where: string, near: RegExp): void {
  if (typeof a === "number" && typeof b === "number") {
    if (near.test(where)) expect(Math.abs(a - b), where).to.be.at.most(1e-12 * Math.max(1, Math.abs(a)));
    else expect(Object.is(a, b), `${where}: ${a} vs ${b}`).to.equal(true);
  } else if (a !== null && typeof a === "object") {
    expect(b, where).to.be.an(Array.isArray(a) ? "array" : "object");
    const keys = Object.keys(a).filter((k) => !TIMES.has(k));
    expect(Object.keys(b as object).filter((k) => !TIMES.has(k)), where).to.deep.equal(keys);
    for (const k of keys) sameNumbers((a as never)[k], (b as never)[k], `${where}.${k}`, near);
  } else expect(b, where).to.equal(a);
}

describe("the engine under Deno: Node's numbers", function () {
  this.timeout(5 * 60 * 1000);
  const dir = tmpDir("deno");

  it("Deno comes from npm's deno package", () => {
    const r = spawnSync(DENO, ["--version"], { encoding: "utf8" });
    expect(r.stdout).to.match(/^deno 2\.\d+\.\d+/);
  });

  for (const backend of ["native", "wasm"]) {
    it(`reproduce --preset tiny (${backend}, 2 threads): the same run files from the CLI in both runtimes`, () => {
      const env = { GATESCOPE_BACKEND: backend, GATESCOPE_THREADS: "2" };
      for (const runtime of ["node", "deno"] as const) {
        start(runtime, [CLI, "reproduce", "--preset", "tiny", "--out", path.join(dir, `${backend}-${runtime}`)], env);
      }
      const runs = fs.readdirSync(path.join(dir, `${backend}-node`, "runs")).sort();
      expect(runs.length).to.be.above(0);
      expect(fs.readdirSync(path.join(dir, `${backend}-deno`, "runs")).sort()).to.deep.equal(runs);
      for (const f of runs) {
        const read = (runtime: string) =>
          JSON.parse(fs.readFileSync(path.join(dir, `${backend}-${runtime}`, "runs", f), "utf8"));
        const node = read("node");
        expect(node.made.backend).to.match(new RegExp(`^${backend}`));
        // the gradient-flow slope is a float64 log10 fit: equal to rounding, not bit for bit
        sameNumbers(node, read("deno"), f, /decades_per_step$/);
      }
    });
  }

  it("a seeded copy-task training gives bit-identical weights, 1 and 2 threads (the float64 loss: to rounding)", () => {
    const script = path.join(dir, "copy.cjs");
    fs.writeFileSync(
      script,
      `const g = require(${JSON.stringify(path.join(REPO, "dist", "src", "index.js"))});
const threads = g.setThreads(Number(process.env.THREADS));
const task = g.makeTask({ name: "copy", T: 10 });
const rnn = { kind: "gru", inputSize: task.inputSize, hiddenSize: 24 };
const model = new g.SequenceModel({ rnn, outputSize: task.outputSize, readout: task.readout }, new g.Rng(3));
g.train(model, task, { steps: 40, batchSize: 16, optimizer: { kind: "adam", lr: 0.01 }, evalEvery: 20, testSize: 64 },
  new g.Rng(4)).then((r) => {
  const params = Object.fromEntries(Object.entries(model.rnn.params).map(([k, p]) => [k, Array.from(p.data)]));
  console.log(JSON.stringify({ backend: g.backendInfo().name, threads, history: r.history, params }));
});
`,
    );
    for (const backend of ["native", "wasm"]) {
      for (const threads of ["1", "2"]) {
        const env = { GATESCOPE_BACKEND: backend, THREADS: threads };
        const node = JSON.parse(start("node", [script], env));
        expect(node.backend).to.match(new RegExp(`^${backend}`));
        expect(node.threads).to.equal(Number(threads));
        sameNumbers(node, JSON.parse(start("deno", [script], env)), `${backend}/${threads}`, /(loss|metric)$/);
      }
    }
  });

  it("float64 (exact TypeScript, through Math.exp and Math.tanh) agrees to rounding", () => {
    const script = path.join(dir, "f64.cjs");
    fs.writeFileSync(
      script,
      `const g = require(${JSON.stringify(path.join(REPO, "dist", "src", "index.js"))});
const out = [];
for (const kind of ["lstm", "gru", "rnn_tanh"]) {
  const net = new g.RecurrentNet({ kind, inputSize: 2, hiddenSize: 5, dtype: "float64" }, new g.Rng(9));
  const x = g.makeTask({ name: "adding", T: 20 }).sample(new g.Rng(10), 4).x;
  out.push(...Array.from(net.forward({ shape: [4, 20, 2], data: Float64Array.from(x.data) }).output.data));
}
console.log(JSON.stringify(out));
`,
    );
    const node: number[] = JSON.parse(start("node", [script], {}));
    const deno: number[] = JSON.parse(start("deno", [script], {}));
    expect(deno).to.have.length(node.length);
    const worst = Math.max(...node.map((v, i) => Math.abs(v - deno[i]) / Math.max(1e-300, Math.abs(v))));
    expect(worst).to.be.below(1e-13);
  });
});
