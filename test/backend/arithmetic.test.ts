/**
 * Provenance by arithmetic: every build states its rounding rules and sources, builds of one class (equal
 * kernel build id) give equal bits on every op and on a seeded training run, builds of another class do not,
 * and the committed headline runs — made on an AVX-512 CPU — regenerate in every build of their class this
 * CPU runs, so a machine with AVX2 only still checks the equality against bits it could not have made.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { backendArithmetic, kernelsByName } from "../../src/backend";
import { kernelBuildId } from "../../src/backend/arithmetic";
import { loadNative } from "../../src/backend/native";
import { wasmArithmetic } from "../../src/backend/wasm";
import { battery, type Battery, fingerprint, SHAPES } from "../helpers/battery";
import { REPO } from "../helpers/paths";

const addon = loadNative();
const builds = addon.info().builds;
const RUNNABLE = addon.info().available.map((isa) => `native-${isa}` as const);
const WASM_HERE = (["simd", "relaxed-simd"] as const).filter((b) => wasmArithmetic(b)).map((b) => `wasm-${b}` as const);
const HEADLINE = path.join(REPO, "results/headline");
// eslint-disable-next-line @typescript-eslint/no-var-requires
const lineageFile = require(path.join(REPO, "scripts/kernel-id.js"));

/** Every runnable build here whose class has another runnable member, by kernel build id. */
function classesHere(): string[][] {
  const byId = new Map<string, string[]>();
  for (const name of RUNNABLE) {
    const id = backendArithmetic(kernelsByName(name)).id;
    byId.set(id, [...(byId.get(id) ?? []), name]);
  }
  return [...byId.values()];
}

describe("arithmetic classes", function () {
  this.timeout(10 * 60 * 1000);

  it("every build states its rules; AVX2 and AVX-512 share one kernel build id, base and wasm have their own", () => {
    const id = (isa: "base" | "avx2" | "avx512") => kernelBuildId(builds[isa]);
    expect(id("avx2")).to.equal(id("avx512"));
    expect(id("base")).to.not.equal(id("avx2"));
    expect(builds.avx2.rules).to.match(/^a·b \+ c fused, dot products on 8 lanes/);
    expect(builds.base.rules).to.match(/^a·b \+ c rounded twice, dot products on 4 lanes/);
    const a = backendArithmetic(kernelsByName("native-avx2"));
    expect(a.backends).to.include.members(["native-avx2", "native-avx512"]);
    expect(a.backends).to.not.include("native-base");
    expect(backendArithmetic(kernelsByName("wasm-simd")).id).to.equal(kernelBuildId(wasmArithmetic("simd")!));
    expect(backendArithmetic(kernelsByName("js")).backends).to.deep.equal(["js"]);
  });

  it("V8 fuses relaxed multiply-add on this CPU (it has FMA), and the relaxed build says so", () => {
    expect(wasmArithmetic("relaxed-simd")?.rules).to.equal("WebAssembly relaxed SIMD: a·b + c fused (this engine's)");
  });

  /** Every runnable build's battery (native and wasm), run once. */
  const batteries = new Map<string, Battery>();
  before(async () => {
    for (const name of [...RUNNABLE, ...WASM_HERE]) batteries.set(name, await battery(kernelsByName(name)));
  });
  const ops = (name: string) => batteries.get(name)!.ops;
  const training = (name: string) => batteries.get(name)!.training;

  it("every op, over every product route, gives equal bits in every build of a class this CPU runs", () => {
    const classes = classesHere().filter((c) => c.length > 1);
    if (RUNNABLE.includes("native-avx512")) expect(classes).to.deep.include(["native-avx512", "native-avx2"]);
    for (const [first, ...rest] of classes)
      for (const name of rest) expect(ops(name), `${name} vs ${first}`).to.deep.equal(ops(first));
  });

  it("the comparison can fail: a build of another class (base, rounded twice) differs on these ops", () => {
    const base = ops("native-base"), avx2 = ops("native-avx2");
    expect(base.filter((b, i) => b !== avx2[i]).length).to.be.above(SHAPES.length / 2);
  });

  it("a seeded training run of every cell: equal bits in every build of a class here, not in another", () => {
    for (const [first, ...rest] of classesHere())
      for (const name of rest) expect(training(name) === training(first), `${name} vs ${first}`).to.be.true;
    expect(training("native-base") === training("native-avx2"), "base rounds twice").to.be.false;
  });

  it("every build is of the sources the lineage names and gives the battery fingerprint recorded for them", () => {
    // A build reports the oldest sources proven to compute its bits (scripts/kernel-id.js); where its own
    // sources are newer, this equality is the proof, made again on every run.
    const lineage = lineageFile.readLineage();
    for (const name of batteries.keys()) {
      const kind = name.split("-")[0], a = kernelsByName(name as "native").arithmetic!;
      expect(a.sources, `${name}: built from today's sources`).to.equal(lineageFile.arithmeticSources(kind, lineage));
      const record = lineageFile.recordOf(lineage, kind, a.sources, a.rules);
      expect(record, `${name}: no fingerprint recorded (node scripts/lineage.js)`).to.not.equal(undefined);
      expect(fingerprint(batteries.get(name)!), name).to.equal(record.fingerprint);
    }
  });

  it("scripts/lineage.js --check finds every build this machine runs as recorded and writes nothing", () => {
    const before = fs.readFileSync(path.join(REPO, "scripts/kernel-lineage.json"), "utf8");
    const r = spawnSync(process.execPath, [path.join(REPO, "scripts/lineage.js"), "--check"], { encoding: "utf8" });
    expect(r.status, r.stderr).to.equal(0);
    for (const name of batteries.keys())
      expect(r.stdout).to.match(new RegExp(`^${name}: [0-9a-f]{16}, as recorded`, "m"));
    expect(fs.readFileSync(path.join(REPO, "scripts/kernel-lineage.json"), "utf8")).to.equal(before);
  });

  it("the lineage can refuse: a build's bits claim no sources whose record differs, and links are followed", () => {
    const lineage = lineageFile.readLineage();
    const fused = { rules: builds.avx2.rules, fingerprint: fingerprint(batteries.get("native-avx2")!) };
    const base = { rules: builds.base.rules, fingerprint: fingerprint(batteries.get("native-base")!) };
    expect(lineageFile.olderEqual(lineage, "native", [fused, base])).to.equal(builds.avx2.sources);
    expect(lineageFile.olderEqual(lineage, "native", [fused, { ...base, fingerprint: fused.fingerprint }])).to.equal(
      undefined,
    );
    const own = lineageFile.sourcesHash("native");
    const linked = { ...lineage, same: { ...lineage.same, native: { [own]: "older", older: "oldest" } } };
    expect(lineageFile.arithmeticSources("native", linked)).to.equal("oldest");
  });

  it("committed headline runs (made on an AVX-512 CPU) regenerate in every build of their class here", () => {
    // Runs of the copy rows (one-hot inputs of D = 10 take every product route) and of adding at both lengths,
    // for their first 250 steps: the validation metric there depends on every one of them. The uRNN's copy row
    // has its factors. Each build in a fresh process, as run-one would be.
    const ids = ["copy-T100-lstm-chosen-s2", "copy-T100-gru-chosen-s2", "copy-T100-urnn-lr0.001-s0",
      "adding-T100-lstm-chosen-s2", "adding-T200-rnn_tanh-chosen-s2"];
    const committed = ids.map((id) => JSON.parse(fs.readFileSync(path.join(HEADLINE, "runs", `${id}.json`), "utf8")));
    const own = backendArithmetic(kernelsByName("native"));
    const names = RUNNABLE.filter((n) => backendArithmetic(kernelsByName(n)).id === own.id);
    for (const run of committed) expect(run.made.arithmetic, run.spec.id).to.equal(own.id);
    const script = `
      const { runOne } = require(${JSON.stringify(path.join(REPO, "dist/src/experiment/run.js"))});
      const specs = JSON.parse(process.argv[1]);
      (async () => {
        for (const s of specs) {
          const r = await runOne({ ...s, train: { ...s.train, steps: 250, gradFlowAt: [] } });
          console.log(JSON.stringify(r.evals));
        }
      })();`;
    for (const name of names) {
      const r = spawnSync(process.execPath, ["-e", script, JSON.stringify(committed.map((c) => c.spec))], {
        encoding: "utf8",
        env: { ...process.env, GATESCOPE_BACKEND: name, GATESCOPE_THREADS: "1" },
      });
      expect(r.status, r.stderr).to.equal(0);
      const got = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
      committed.forEach((c, i) => {
        const want = c.result.evals.filter((e: { step: number }) => e.step <= 250);
        expect(got[i], `${c.spec.id} on ${name}`).to.deep.equal(want);
      });
    }
  });
});
