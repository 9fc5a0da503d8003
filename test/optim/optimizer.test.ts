import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { Optimizer, type OptimizerConfig } from "../../src/optim/optimizer";
import { learningRate, checkSchedule } from "../../src/optim/schedule";
import { clipGradients, checkClip, globalNorm } from "../../src/optim/clip";
import { toTensor, type Tensor } from "../../src/math/tensor";
import { REPO } from "../helpers/paths";

interface Fixture {
  start: Record<string, unknown>;
  grads: Array<Record<string, unknown>>;
  cases: Array<{ name: string; config: OptimizerConfig; lrs: number[]; trajectory: Array<Record<string, unknown>> }>;
  clip: Array<{ max: number; norm: number; clipped: Record<string, unknown> }>;
}
const fx: Fixture = JSON.parse(fs.readFileSync(path.join(REPO, "test/fixtures/optim.json"), "utf8"));
const tensors = (o: Record<string, unknown>, dtype: "float32" | "float64" = "float64") =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, toTensor(v, dtype, null, k)])) as Record<string, Tensor>;

describe("optimizers against reference sequences (scripts/make_optim_fixtures.py)", () => {
  const reference = (kind: string) =>
    kind === "rmsprop-arjovsky" ? "Arjovsky et al.'s rms_prop (numpy transcription)" : "torch.optim";
  for (const c of fx.cases) {
    it(`${c.name}: every step matches ${reference(c.config.kind)} to 1e-12 (float64)`, () => {
      const params = tensors(fx.start);
      const opt = new Optimizer(c.config, params);
      c.lrs.forEach((lr, s) => {
        opt.step(tensors(fx.grads[s]), lr);
        const want = tensors(c.trajectory[s]);
        for (const k of Object.keys(params)) {
          for (let i = 0; i < params[k].data.length; i++)
            expect(params[k].data[i]).to.be.closeTo(want[k].data[i], 1e-12, `${c.name} step ${s} ${k}[${i}]`);
        }
      });
    });
  }

  it("Arjovsky et al.'s RMSProp is not PyTorch's at the same rate and decay (the reference tells them apart)", () => {
    const theirs = fx.cases.find((k) => k.name === "rmsprop_arjovsky")!;
    const params = tensors(fx.start);
    const opt = new Optimizer({ kind: "rmsprop", lr: 1e-3, alpha: 0.9 }, params);
    opt.step(tensors(fx.grads[0]), theirs.lrs[0]);
    const want = tensors(theirs.trajectory[0]);
    // PyTorch's cache starts at 0, so its first step is η·g/√(0.1 g²) ≈ 3.2η per entry; theirs starts at 1e-3.
    const gap = Math.max(...Array.from(params.w.data, (v, i) => Math.abs(v - want.w.data[i])));
    expect(gap).to.be.greaterThan(1e-4);
  });

  // Adam reads the step count (bias correction), so a restore that forgot it would show there; Arjovsky et al.'s
  // RMSProp starts its cache at 1e-3, which a restore must not refill.
  for (const name of [
    "rmsprop_centered_momentum_wd",
    "rmsprop_arjovsky",
    ...fx.cases.filter((k) => k.config.kind === "adam").map((k) => k.name),
  ]) {
    it(`state save/restore continues the same trajectory (${name})`, () => {
      const c = fx.cases.find((k) => k.name === name)!;
      const a = tensors(fx.start),
        b = tensors(fx.start);
      const oa = new Optimizer(c.config, a);
      for (let s = 0; s < 4; s++) oa.step(tensors(fx.grads[s]), c.lrs[s]);
      const saved = JSON.parse(JSON.stringify(oa.state()));
      for (const k of Object.keys(a)) b[k].data.set(a[k].data);
      const ob = new Optimizer(c.config, b);
      ob.loadState(saved);
      for (let s = 4; s < 8; s++) {
        oa.step(tensors(fx.grads[s]), c.lrs[s]);
        ob.step(tensors(fx.grads[s]), c.lrs[s]);
      }
      for (const k of Object.keys(a)) expect(Array.from(b[k].data)).to.deep.equal(Array.from(a[k].data));
      if (c.config.kind === "adam") expect(saved.step, "the step count is part of the state").to.equal(4);
    });
  }

  it("global-norm clipping matches torch.nn.utils.clip_grad_norm_", () => {
    for (const r of fx.clip) {
      const g = tensors(fx.grads[0]);
      const out = clipGradients(g, { kind: "norm", max: r.max });
      expect(out.before).to.be.closeTo(r.norm, 1e-12);
      const want = tensors(r.clipped);
      for (const k of Object.keys(g))
        for (let i = 0; i < g[k].data.length; i++) expect(g[k].data[i]).to.be.closeTo(want[k].data[i], 1e-12);
      expect(out.clipped).to.equal(r.max < r.norm);
      if (out.clipped) expect(globalNorm(g)).to.be.closeTo(r.max, 1e-5);
    }
  });

  it("element-wise clipping clamps each entry and changes the direction", () => {
    const g = { a: { shape: [3], data: Float64Array.from([3, -0.2, -5]) } };
    const r = clipGradients(g, { kind: "value", max: 1 });
    expect(Array.from(g.a.data)).to.deep.equal([1, -0.2, -1]);
    expect(r.clipped).to.equal(true);
    expect(r.after).to.be.closeTo(Math.sqrt(2.04), 1e-12);
  });

  it("schedules: constant, step, cosine, warm-up", () => {
    expect(learningRate(0.1, { kind: "constant" }, 50)).to.equal(0.1);
    expect(learningRate(0.1, { kind: "step", every: 10, gamma: 0.5 }, 25)).to.be.closeTo(0.025, 1e-15);
    expect(learningRate(1, { kind: "cosine", total: 100 }, 0)).to.equal(1);
    expect(learningRate(1, { kind: "cosine", total: 100, min: 0.1 }, 50)).to.be.closeTo(0.55, 1e-12);
    expect(learningRate(1, { kind: "cosine", total: 100, min: 0.1 }, 150)).to.equal(0.1);
    expect(learningRate(1, { kind: "constant", warmup: 4 }, 0)).to.equal(0.25);
    expect(learningRate(1, { kind: "step", every: 2, gamma: 0.1, warmup: 4 }, 6)).to.be.closeTo(0.1, 1e-15);
  });

  it("bad configurations name the field", () => {
    const p = tensors(fx.start);
    expect(() => new Optimizer({ kind: "adam", lr: -1 }, p)).to.throw(
      /optimizer.lr: expected a positive learning rate, got -1/,
    );
    expect(() => new Optimizer({ kind: "lbfgs", lr: 1 } as never, p)).to.throw(
      /optimizer.kind: expected one of sgd, rmsprop, rmsprop-arjovsky, adam/,
    );
    expect(() => new Optimizer({ kind: "sgd", lr: 1, betas: [1, 2] } as never, p)).to.throw(/unknown option "betas"/);
    expect(() => new Optimizer({ kind: "sgd", lr: 1, nesterov: true }, p)).to.throw(/momentum > 0 and dampening 0/);
    expect(() => new Optimizer({ kind: "adam", lr: 1, beta2: 1 }, p)).to.throw(
      /optimizer.beta2: expected a number in \[0, 1\)/,
    );
    expect(() => checkSchedule({ kind: "cosine" })).to.throw(/schedule.total/);
    expect(() => checkClip({ kind: "norm", max: 0 })).to.throw(/clip.max: expected a positive number/);
    const opt = new Optimizer({ kind: "sgd", lr: 1 }, p);
    expect(() => opt.step({ w: p.w }, 0.1)).to.throw(/expected a gradient for "b"/);
    expect(() => opt.loadState({ step: 1, buffers: { "momentum:w": [1, 2] } })).to.throw(/12 numbers/);
  });
});
