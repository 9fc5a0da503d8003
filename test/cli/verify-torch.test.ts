/** The real command, as a user runs it, on the committed PyTorch golden files and on broken copies. */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { CLI, FIXTURES } from "../helpers/paths";
import { tmpDir } from "../helpers/tmp";
import { loadNative } from "../../src/backend/native";

/** Every native build this CPU runs (an older CPU lacks AVX-512: that build is refused there, by name). */
const NATIVE = loadNative()
  .info()
  .available.map((isa) => `native-${isa}`);

function run(...args: string[]) {
  return runWith({}, ...args);
}

function runWith(env: Record<string, string>, ...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", env: { ...process.env, ...env } });
  return { code: r.status, out: r.stdout + r.stderr };
}

describe("gatescope verify-torch", () => {
  const dir = tmpDir("verify");
  const files = fs
    .readdirSync(FIXTURES)
    .filter((f) => f.endsWith(".json"))
    .map((f) => path.join(FIXTURES, f));

  it(
    "the golden files cover every kind, 1 and 2 layers, both dtypes, H = 8 for the SIMD gate math, and the " +
      "reset-before GRU",
    () => {
      const names = files.map((f) => path.basename(f)).sort();
      const want = [];
      for (const k of ["gru", "lstm", "rnn_relu", "rnn_tanh"])
        for (const l of [1, 2]) {
          want.push(`${k}_l${l}_float32.json`, `${k}_l${l}_float64.json`, `${k}_l${l}_float32_h8.json`);
        }
      for (const l of [1, 2]) want.push(`gru_rb_l${l}_float32.json`, `gru_rb_l${l}_float64.json`);
      expect(names).to.deep.equal(want.sort());
    },
  );

  for (const backend of ["js", "wasm-simd", "wasm-relaxed-simd", ...NATIVE]) {
    it(`every golden file agrees with PyTorch on the ${backend} backend (exit 0)`, () => {
      const r = runWith({ GATESCOPE_BACKEND: backend }, "verify-torch", ...files);
      expect(r.code, r.out).to.equal(0);
      expect(r.out).to.match(new RegExp(`^backend: ${backend} `, "m"));
      expect(r.out).to.include(`${files.length} of ${files.length} reference file(s) agree with PyTorch`);
      expect(r.out.match(/^PASS /gm)).to.have.length(files.length);
      expect(r.out.match(/^PASS .*gru_rb_.*\(gru reset_before, /gm)).to.have.length(4);
    });
  }

  it("a deliberately altered copy fails (exit 1) and names the tensor", () => {
    const ref = JSON.parse(fs.readFileSync(path.join(FIXTURES, "lstm_l2_float32.json"), "utf8"));
    ref.expected.grads.weight_hh_l1[3][2] += 1e-3; // 10× the float32 tolerance on this scale
    const bad = path.join(dir, "altered.json");
    fs.writeFileSync(bad, JSON.stringify(ref));
    const r = run("verify-torch", path.join(FIXTURES, "gru_l1_float64.json"), bad);
    expect(r.code).to.equal(1);
    expect(r.out).to.match(/FAIL {2}.*altered\.json.*worst grads\.weight_hh_l1/);
    expect(r.out).to.include("1 of 2 reference file(s) agree with PyTorch");
  });

  it("the reset-before files fail when read as PyTorch's reset-after GRU: the variants really differ", () => {
    const ref = JSON.parse(fs.readFileSync(path.join(FIXTURES, "gru_rb_l1_float64.json"), "utf8"));
    delete ref.gru_variant;
    const bad = path.join(dir, "rb-as-ra.json");
    fs.writeFileSync(bad, JSON.stringify(ref));
    const r = run("verify-torch", bad);
    expect(r.code).to.equal(1);
    expect(r.out).to.match(/FAIL .*\(gru reset_after, float64/);
  });

  it("an altered float64 copy fails at its tighter tolerance", () => {
    const ref = JSON.parse(fs.readFileSync(path.join(FIXTURES, "gru_l2_float64.json"), "utf8"));
    ref.expected.output[0][0][0] *= 1 + 1e-8;
    const bad = path.join(dir, "altered64.json");
    fs.writeFileSync(bad, JSON.stringify(ref));
    const r = run("verify-torch", bad);
    expect(r.code).to.equal(1);
    expect(r.out).to.match(/FAIL .*worst output/);
  });

  it("unreadable or incomplete files are reported, not crashed on", () => {
    const text = fs.readFileSync(path.join(FIXTURES, "rnn_tanh_l1_float32.json"), "utf8");
    const truncated = path.join(dir, "truncated.json");
    fs.writeFileSync(truncated, text.slice(0, 500));
    const ref = JSON.parse(text);
    delete ref.grad_h_n;
    const incomplete = path.join(dir, "incomplete.json");
    fs.writeFileSync(incomplete, JSON.stringify(ref));
    const r = run("verify-torch", truncated, incomplete, path.join(dir, "missing.json"));
    expect(r.code).to.equal(1);
    expect(r.out).to.match(/ERROR .*truncated\.json: expected a readable JSON reference file/);
    expect(r.out).to.match(/ERROR .*incomplete\.json: expected a field "grad_h_n", got none/);
    expect(r.out).to.match(/ERROR .*missing\.json/);
  });

  it("usage errors exit 2", () => {
    expect(run("verify-torch").code).to.equal(2);
    const r = run("frobnicate");
    expect(r.code).to.equal(2);
    expect(r.out).to.include(
      "expected a command (reproduce, run-one, collect, writeup, verify-torch, gradcheck, init, notebooks, " +
        'static-images, data, help) or --help or --version, got "frobnicate"',
    );
  });
});
