/**
 * Checks a mutation run found unguarded (each case names what a one-line bug there would get
 * past): optimizer bounds, typo hints, PyTorch kinds, task descriptions, results-file shapes.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { backendInfo } from "../../src/backend";
import { checkKeys } from "../../src/errors";
import { preset } from "../../src/experiment/presets";
import { manifest, parseResults } from "../../src/experiment/results";
import { expand } from "../../src/experiment/spec";
import { fromPyTorch, pytorchKinds } from "../../src/io/pytorch";
import { verifyReference, verifyReferenceFile } from "../../src/io/reference";
import { alloc, checkDType, toTensor } from "../../src/math/tensor";
import { checkOptimizerConfig, Optimizer } from "../../src/optim/optimizer";
import { makeTask } from "../../src/tasks";
import { REPO } from "../helpers/paths";

const healthy = () => JSON.parse(fs.readFileSync(path.join(REPO, "results/quick/results.json"), "utf8"));

describe("checks a mutation run found unguarded", () => {
  it("optimizer ranges: each bound, open or closed, is where PyTorch puts it", () => {
    const bad = (c: object) => () => checkOptimizerConfig({ kind: "sgd", lr: 0.1, ...c });
    expect(() => checkOptimizerConfig(null)).to.throw(/optimizer: expected \{kind: sgd\|rmsprop\|adam, lr, \.\.\.\}/);
    expect(bad({ momentum: -0.1 })).to.throw(/optimizer.momentum: expected a number in \[0, 1\), got -0.1/);
    expect(bad({ momentum: 1 })).to.throw(/optimizer.momentum: expected a number in \[0, 1\)/);
    expect(bad({ momentum: 0 })).not.to.throw();
    expect(bad({ dampening: 1 })).not.to.throw(); // closed at 1
    expect(bad({ dampening: 1.5 })).to.throw(/optimizer.dampening: expected a number in \[0, 1\]/);
    expect(bad({ weightDecay: -1 })).to.throw(/optimizer.weightDecay: expected a number in \[0, Infinity\]/);
    const rms = (c: object) => () => checkOptimizerConfig({ kind: "rmsprop", lr: 0.1, ...c });
    expect(rms({ alpha: 1 })).not.to.throw();
    expect(rms({ eps: 0 })).to.throw(/optimizer.eps: expected a positive number, got 0/);
    expect(rms({ eps: 1e-30 })).not.to.throw();
    expect(bad({ nesterov: true, momentum: 0.9, dampening: 0.1 })).to.throw(
      "optimizer: expected momentum > 0 and dampening 0 with nesterov (as PyTorch), got momentum 0.9, dampening 0.1",
    );
    expect(bad({ nesterov: true })).to.throw(/got momentum 0, dampening 0$/);
    expect(bad({ nesterov: true, momentum: 0.9 })).not.to.throw();
  });

  it("optimizer state names each buffer by its PyTorch slot and parameter", () => {
    const params = { w: { shape: [2], data: new Float64Array([1, 2]) } };
    const grads = { w: { shape: [2], data: new Float64Array([0.5, -0.5]) } };
    const keys = (c: object) => {
      const o = new Optimizer({ lr: 0.1, ...c } as never, params);
      o.step(grads, 0.1);
      return Object.keys(o.state().buffers).sort();
    };
    expect(keys({ kind: "sgd", momentum: 0.9 })).to.deep.equal(["momentum:w"]);
    expect(keys({ kind: "rmsprop", centered: true, momentum: 0.5 })).to.deep.equal([
      "grad_avg:w",
      "momentum:w",
      "square_avg:w",
    ]);
  });

  it("a typo names the option it most likely meant; a far miss names none", () => {
    expect(() => checkKeys("train config", { chekpoint: 1 }, ["checkpoint", "steps"])).to.throw(
      'train config: expected only [checkpoint, steps], got unknown option "chekpoint" (did you mean "checkpoint"?)',
    );
    expect(() => checkKeys("train config", { zzzzzzzz: 1 }, ["checkpoint", "steps"])).to.throw(
      /got unknown option "zzzzzzzz"$/,
    );
    expect(() => checkKeys("forward options", 3, ["h0", "c0"])).to.throw(
      "forward options: expected an object with keys from [h0, c0], got 3",
    );
  });

  it("PyTorch interop names the kinds PyTorch has, and what a state dict lacks", () => {
    expect(pytorchKinds()).to.deep.equal(["rnn_tanh", "rnn_relu", "lstm", "gru"]);
    expect(() => fromPyTorch("mgu" as never, {})).to.throw(
      'fromPyTorch kind: expected one of "rnn_tanh", "rnn_relu", "lstm", "gru" (the kinds PyTorch has), got "mgu"',
    );
    expect(() => fromPyTorch("lstm", null as never)).to.throw(
      "fromPyTorch state dict: expected an object of named tensors, got null",
    );
    expect(() => fromPyTorch("lstm", [] as never)).to.throw(/expected an object of named tensors/);
    expect(() => fromPyTorch("lstm", {}, { gruVariant: "reset_before" })).to.throw(
      'fromPyTorch gruVariant: expected no gruVariant for kind "lstm", got "reset_before"',
    );
    expect(() => fromPyTorch("lstm", { bias_ih_l0: [1] })).to.throw(
      'fromPyTorch lstm state dict: expected a tensor "weight_hh_l0", got keys [bias_ih_l0]',
    );
  });

  it("every task says what its metric is, what the baseline is and when it counts as solved", () => {
    const want: Record<string, [RegExp, RegExp, RegExp]> = {
      copy: [/cross-entropy/, /10·ln 8\/\(T\+20\)/, /99% of recalled symbols/],
      temporal_order: [/cross-entropy/, /ln 4/, /at most 3 of 2560 test sequences wrong/],
    };
    for (const [name, [metric, baseline, criterion]] of Object.entries(want)) {
      const task = makeTask({ name, T: 100 } as never);
      expect(task.metricName, name).to.match(metric);
      expect(task.baselineFormula, name).to.match(baseline);
      expect(task.criterion, name).to.match(criterion);
    }
  });

  it("experiment specs: malformed cells and tasks are named, never a TypeError", () => {
    const tiny = preset("tiny", 0);
    const bad = (spec: unknown) => () => expand(spec as never);
    expect(bad(null)).to.throw("experiment: expected an object, got null");
    expect(bad({ ...tiny, cells: [null] })).to.throw(
      "experiment.cells[].name: expected a name of letters, digits, _ . -, got undefined",
    );
    expect(bad({ ...tiny, tasks: [null] })).to.throw(
      "experiment.tasks[undefined].T: expected a non-empty array of sequence lengths, got undefined",
    );
    expect(bad({ ...tiny, tasks: [{ name: "adding", T: [1] }] })).to.throw(/^experiment\.tasks\[adding\]/);
    const cell = tiny.cells[0];
    const equal = (hidden: unknown, others: object[] = []) => bad({ ...tiny, cells: [{ ...cell, hidden }, ...others] });
    const refused = "hidden.equalParams: expected the name of another cell with a numeric hidden size";
    expect(equal("x")).to.throw(`experiment.cells[${cell.name}].${refused}, got undefined`);
    expect(equal({ equalParams: cell.name })).to.throw(refused); // itself
    expect(equal({ equalParams: "b" }, [{ ...cell, name: "b", hidden: { equalParams: cell.name } }])).to.throw(refused);
    expect(expand(tiny).map((r) => r.id)).to.include(`adding-T12-${cell.name}-s0`); // no lr sweep: no lr in the id
  });

  it("results files: the document's own shape, and version 2's optional manifest fields", () => {
    const parse = (doc: unknown) => () => parseResults(JSON.stringify(doc), "f");
    expect(parse(null)).to.throw('f.schema: expected "gatescope.results", got undefined');
    expect(parse([])).to.throw(/f.schema: expected "gatescope.results"/);
    expect(parse({ ...healthy(), runs: {} })).to.throw("f.runs: expected an array of runs, got an object with keys []");
    expect(parse({ ...healthy(), manifest: null })).to.throw("f.manifest: expected an object, got null");
    expect(parse({ ...healthy(), manifest: [] })).to.throw("f.manifest: expected an object");
    const text = JSON.stringify(healthy()).replace(/"wall_s":[0-9.e+-]+/, '"wall_s":1e400'); // JSON's Infinity
    expect(() => parseResults(text, "f")).to.throw(/f.manifest.wall_s: expected a finite number/);
    const extra = healthy();
    extra.runs[0].final_test_extra = { a: 1, b: "x" };
    expect(parse(extra)).to.throw("f.runs[0].final_test_extra: expected {name: number}");
    const bare = healthy();
    for (const k of ["executor", "cpu_model", "runs_wall_s", "git_commit"]) delete bare.manifest[k];
    delete bare.missing;
    const read = parseResults(JSON.stringify(bare), "f");
    const wall = bare.runs.reduce((s: number, r: { wall_s: number }) => s + r.wall_s, 0);
    expect(read.manifest).to.deep.include({ executor: "local", cpu_model: "unknown", git_commit: null });
    expect(read.manifest.runs_wall_s).to.be.closeTo(wall, 1e-9);
    expect(read.missing).to.deep.equal([]);
    const kept = healthy();
    Object.assign(kept.manifest, { executor: "slurm", cpu_model: "X", git_commit: "abc", runs_wall_s: 5 });
    expect(parseResults(JSON.stringify(kept), "f").manifest).to.deep.include({
      executor: "slurm",
      cpu_model: "X",
      git_commit: "abc",
      runs_wall_s: 5,
    });
  });
});

describe("PyTorch reference files in-process: every missing or malformed part is named", () => {
  const file = path.join(REPO, "test/fixtures/torch/lstm_l1_float64.json");
  const good = () => JSON.parse(fs.readFileSync(file, "utf8"));
  const verify = (doc: unknown) => () => verifyReference(doc, "ref");

  it("a whole file passes; a damaged one fails naming the field", () => {
    expect(verifyReferenceFile(file).pass).to.equal(true);
    expect(() => verifyReferenceFile(path.join(REPO, "no-such.json"))).to.throw(
      /no-such.json: expected a readable JSON reference file, got ENOENT/,
    );
    expect(verify(null)).to.throw("ref: expected a JSON object, got null");
    expect(verify([])).to.throw("ref: expected a JSON object");
    expect(verify({ ...good(), state_dict: null })).to.throw("ref state_dict: expected an object of nested arrays");
    expect(verify({ ...good(), gru_variant: "both" })).to.throw(
      'ref gru_variant: expected "reset_after" or "reset_before", got "both"',
    );
    for (const key of ["h0", "c0", "grad_output", "grad_h_n", "grad_c_n"]) {
      const doc = good();
      delete doc[key];
      expect(verify(doc), key).to.throw(`ref: expected a field "${key}", got none`);
    }
    expect(verify({ ...good(), expected: null })).to.throw("ref expected: expected an object");
    for (const key of ["output", "h_n", "c_n", "grad_x", "grad_h0", "grad_c0"]) {
      const doc = good();
      delete doc.expected[key];
      expect(verify(doc), key).to.throw(`ref: expected a field "expected.${key}", got none`);
    }
    const noGrads = good();
    noGrads.expected.grads = null;
    expect(verify(noGrads)).to.throw("ref expected.grads: expected an object of nested arrays");
    const oneGrad = good();
    delete oneGrad.expected.grads.weight_hh_l0;
    expect(verify(oneGrad)).to.throw('ref: expected a field "expected.grads.weight_hh_l0", got none');
  });
});

describe("tensors from user data: what each wrong form gets told", () => {
  it("typed arrays need a full shape, tensors a matching length; nothing over 2 GiB is allocated", () => {
    const f = new Float32Array(6);
    expect(() => toTensor(f, "float32", null, "x")).to.throw(
      "x: expected a tensor {shape, data} or nested array (a flat typed array has no shape), got a Float32Array",
    );
    expect(() => toTensor(f, "float32", [-1, 3], "x")).to.throw(/flat typed array has no shape/);
    expect(() => toTensor(f, "float32", [2, 4], "x")).to.throw(
      "x: expected a typed array of length 8 for shape [2, 4]",
    );
    expect(toTensor(f, "float64", [2, 3], "x").shape).to.deep.equal([2, 3]);
    expect(
      toTensor(new Float32Array(0), "float64", [0, 3], "x").shape,
      "a zero-size axis is a size, not a wildcard",
    ).to.deep.equal([0, 3]);
    expect(() => toTensor({ shape: [2, 2], data: f }, "float32", null, "x")).to.throw(
      "x: expected data of length 4 for shape [2, 2], got a Float32Array of length 6",
    );
    expect(() => alloc("float64", 2 ** 28 + 1)).to.throw(
      "allocation: expected at most 2 GiB per array, got 268435457 float64 values (2.0 GiB); " +
        "use smaller sizes or batches",
    );
    expect(() => checkDType("int8")).to.throw('dtype: expected "float32" or "float64", got "int8"');
  });
});

describe("a results manifest says what computed it", () => {
  it("library, version, commit, Node, platform, CPU and backend, beside the invocation's own fields", () => {
    const fields = {
      command: "gatescope reproduce",
      preset: "tiny",
      seed: 0,
      jobs: 1,
      executor: "local",
      config: preset("tiny", 0),
      started: "2026-01-01T00:00:00.000Z",
      wall_s: 1,
      runs_wall_s: 2,
    };
    const m = manifest(fields);
    const head = spawnSync("git", ["rev-parse", "HEAD"], { cwd: REPO, encoding: "utf8" }).stdout.trim();
    expect(m).to.deep.equal({
      library: "gatescope",
      version: JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")).version,
      git_commit: head || null,
      node: process.version,
      platform: `${os.platform()} ${os.arch()}`,
      cpus: os.cpus().length,
      cpu_model: os.cpus()[0].model,
      backend: backendInfo(),
      ...fields,
    });
    expect(m.git_commit, "this checkout is a git repository").to.match(/^[0-9a-f]{40}$/);
  });
});
