/**
 * Optimizers with PyTorch's update rules (torch.optim 1.13), checked against PyTorch on
 * committed reference sequences. Weight decay is L2 added to the gradient (PyTorch's
 * `weight_decay`), except Adam with `decoupled: true`, which is AdamW.
 *
 *   sgd      d = g + λθ;  b ← μb + (1−τ)d (b₁ = d);  d ← d + μb (Nesterov) or b;  θ ← θ − ηd
 *   rmsprop  d = g + λθ;  s ← αs + (1−α)d²;  [centred: m ← αm + (1−α)d, s̃ = s − m²]
 *            a = √s̃ + ε;  b ← μb + d/a, θ ← θ − ηb (μ > 0)  or  θ ← θ − η d/a
 *   rmsprop-arjovsky   s₀ = c (1e-3);  s ← αs + (1−α)g²;  θ ← θ − η g/√s   (no ε, no weight decay)
 *            Arjovsky et al. 2016's own RMSProp (amarshah/complex_RNN, optimizations.py rms_prop, α = 0.9)
 *   adam     d = g + λθ (AdamW: θ ← θ(1 − ηλ));  m ← β₁m + (1−β₁)d;  v ← β₂v + (1−β₂)d²
 *            θ ← θ − (η/(1−β₁ᵗ)) m / (√v/√(1−β₂ᵗ) + ε)
 * The optimizer never sees a gradient before clipping has been applied to it (train/).
 */
import { checkKeys, GatescopeError, fail } from "../errors";
import { alloc, dtypeOf, type FloatArray, type Tensor } from "../math/tensor";

/** An optimizer and its settings, named as in `torch.optim`. */
export type OptimizerConfig =
  | { kind: "sgd"; lr: number; momentum?: number; dampening?: number; nesterov?: boolean; weightDecay?: number }
  | {
      kind: "rmsprop";
      lr: number;
      alpha?: number;
      eps?: number;
      momentum?: number;
      centered?: boolean;
      weightDecay?: number;
    }
  | { kind: "rmsprop-arjovsky"; lr: number; alpha?: number; cacheInit?: number }
  | {
      kind: "adam";
      lr: number;
      beta1?: number;
      beta2?: number;
      eps?: number;
      weightDecay?: number;
      decoupled?: boolean;
    };

const FIELDS: Record<OptimizerConfig["kind"], string[]> = {
  sgd: ["kind", "lr", "momentum", "dampening", "nesterov", "weightDecay"],
  rmsprop: ["kind", "lr", "alpha", "eps", "momentum", "centered", "weightDecay"],
  "rmsprop-arjovsky": ["kind", "lr", "alpha", "cacheInit"],
  adam: ["kind", "lr", "beta1", "beta2", "eps", "weightDecay", "decoupled"],
};

export function checkOptimizerConfig(c: unknown, what = "optimizer"): OptimizerConfig {
  if (typeof c !== "object" || c === null) fail(what, `{kind: ${Object.keys(FIELDS).join("|")}, lr, ...}`, c);
  const o = c as Record<string, unknown>;
  if (!(typeof o.kind === "string" && o.kind in FIELDS))
    fail(`${what}.kind`, `one of ${Object.keys(FIELDS).join(", ")}`, o.kind);
  const kind = o.kind as OptimizerConfig["kind"];
  checkKeys(`${what} (${kind})`, o, FIELDS[kind]);
  const nonNeg = (k: string, hi = Infinity, open = false) => {
    const v = o[k];
    if (v === undefined) return;
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || v > hi || (open && v === hi)) {
      fail(`${what}.${k}`, `a number in [0, ${hi}${open ? ")" : "]"}`, v);
    }
  };
  if (typeof o.lr !== "number" || !Number.isFinite(o.lr) || o.lr <= 0)
    fail(`${what}.lr`, "a positive learning rate", o.lr);
  nonNeg("momentum", 1, true);
  nonNeg("dampening", 1);
  nonNeg("weightDecay");
  nonNeg("alpha", 1);
  nonNeg("beta1", 1, true);
  nonNeg("beta2", 1, true);
  for (const k of ["eps", "cacheInit"])
    if (o[k] !== undefined && !(typeof o[k] === "number" && (o[k] as number) > 0 && Number.isFinite(o[k])))
      fail(`${what}.${k}`, "a positive number", o[k]);
  for (const b of ["nesterov", "centered", "decoupled"])
    if (o[b] !== undefined && typeof o[b] !== "boolean") fail(`${what}.${b}`, "a boolean", o[b]);
  if (kind === "sgd" && o.nesterov && !((o.momentum as number) > 0 && !o.dampening)) {
    throw new GatescopeError(
      `${what}: expected momentum > 0 and dampening 0 with nesterov (as PyTorch), got momentum ${o.momentum ?? 0}, ` +
        `dampening ${o.dampening ?? 0}`,
    );
  }
  return o as OptimizerConfig;
}

/** Serializable optimizer state: the step count and one buffer per parameter and slot. */
export interface OptimizerState {
  step: number;
  buffers: Record<string, number[]>;
}

/**
 * SGD, RMSProp and Adam with PyTorch's update rules, checked against `torch.optim`; and Arjovsky et al.'s RMSProp,
 * checked against a transcription of their code.
 */
export class Optimizer {
  readonly config: OptimizerConfig;
  private readonly params: Record<string, Tensor>;
  private readonly buffers = new Map<string, FloatArray>();
  private t = 0;

  constructor(config: OptimizerConfig, params: Record<string, Tensor>) {
    this.config = checkOptimizerConfig(config);
    this.params = params;
  }

  get stepCount(): number {
    return this.t;
  }

  private buffer(slot: string, name: string, like: FloatArray, start = 0): FloatArray {
    const key = `${slot}:${name}`;
    let b = this.buffers.get(key);
    if (!b) {
      b = alloc(dtypeOf(like), like.length);
      if (start) b.fill(start);
      this.buffers.set(key, b);
    }
    return b;
  }

  /** One update of every parameter with `grads` (same names) at learning rate `lr`. */
  step(grads: Record<string, Tensor>, lr: number): void {
    if (!(lr >= 0) || !Number.isFinite(lr)) fail("optimizer step lr", "a finite non-negative number", lr);
    for (const name of Object.keys(this.params)) {
      if (!grads[name]) throw new GatescopeError(`optimizer step: expected a gradient for "${name}", got none`);
    }
    this.t++;
    const c = this.config;
    for (const [name, p] of Object.entries(this.params)) {
      const θ = p.data;
      const g = grads[name].data;
      if (c.kind === "sgd") {
        const wd = c.weightDecay ?? 0;
        const μ = c.momentum ?? 0,
          τ = c.dampening ?? 0;
        const b = μ ? this.buffer("momentum", name, θ) : null;
        for (let i = 0; i < θ.length; i++) {
          let d = g[i] + wd * θ[i];
          if (b) {
            b[i] = this.t === 1 ? d : μ * b[i] + (1 - τ) * d;
            d = c.nesterov ? d + μ * b[i] : b[i];
          }
          θ[i] -= lr * d;
        }
      } else if (c.kind === "rmsprop") {
        const wd = c.weightDecay ?? 0;
        const α = c.alpha ?? 0.99,
          ε = c.eps ?? 1e-8,
          μ = c.momentum ?? 0;
        const s = this.buffer("square_avg", name, θ);
        const m = c.centered ? this.buffer("grad_avg", name, θ) : null;
        const b = μ ? this.buffer("momentum", name, θ) : null;
        for (let i = 0; i < θ.length; i++) {
          const d = g[i] + wd * θ[i];
          s[i] = α * s[i] + (1 - α) * d * d;
          let v = s[i];
          if (m) {
            m[i] = α * m[i] + (1 - α) * d;
            v -= m[i] * m[i];
          }
          const a = Math.sqrt(v) + ε;
          if (b) {
            b[i] = μ * b[i] + d / a;
            θ[i] -= lr * b[i];
          } else θ[i] -= (lr * d) / a;
        }
      } else if (c.kind === "rmsprop-arjovsky") {
        const α = c.alpha ?? 0.9;
        const s = this.buffer("square_avg", name, θ, c.cacheInit ?? 1e-3);
        for (let i = 0; i < θ.length; i++) {
          s[i] = α * s[i] + (1 - α) * g[i] * g[i];
          θ[i] -= (lr * g[i]) / Math.sqrt(s[i]);
        }
      } else {
        const wd = c.weightDecay ?? 0;
        const β1 = c.beta1 ?? 0.9,
          β2 = c.beta2 ?? 0.999,
          ε = c.eps ?? 1e-8;
        const m = this.buffer("exp_avg", name, θ);
        const v = this.buffer("exp_avg_sq", name, θ);
        const stepSize = lr / (1 - Math.pow(β1, this.t));
        const bc2 = Math.sqrt(1 - Math.pow(β2, this.t));
        for (let i = 0; i < θ.length; i++) {
          let d = g[i];
          if (c.decoupled) θ[i] *= 1 - lr * wd;
          else d += wd * θ[i];
          m[i] = β1 * m[i] + (1 - β1) * d;
          v[i] = β2 * v[i] + (1 - β2) * d * d;
          θ[i] -= (stepSize * m[i]) / (Math.sqrt(v[i]) / bc2 + ε);
        }
      }
    }
  }

  /** The step count and moment buffers, for a checkpoint. */
  state(): OptimizerState {
    const buffers: Record<string, number[]> = {};
    for (const [k, b] of this.buffers) buffers[k] = Array.from(b);
    return { step: this.t, buffers };
  }

  /** Restores a saved state; validated whole before anything changes. */
  loadState(state: OptimizerState): void {
    const restored = checkOptimizerState(state, this.params);
    this.buffers.clear();
    for (const [k, b] of restored) this.buffers.set(k, b);
    this.t = state.step;
  }
}

/**
 * A saved optimizer state for these parameters, each buffer as its parameter's array type; `what` names where it
 * came from (a checkpoint's file). Anything else — a parameter it does not have, a wrong length, a non-finite
 * number — is refused.
 */
export function checkOptimizerState(
  state: OptimizerState,
  params: Record<string, Tensor>,
  what = "optimizer state",
): Map<string, FloatArray> {
  if (!state || !Number.isInteger(state.step) || state.step < 0 || typeof state.buffers !== "object")
    fail(what, "{step, buffers}", state);
  const restored = new Map<string, FloatArray>();
  for (const [key, values] of Object.entries(state.buffers)) {
    const name = key.slice(key.indexOf(":") + 1);
    const p = params[name];
    if (!p || !Array.isArray(values) || values.length !== p.data.length)
      fail(`${what} buffer "${key}"`, p ? `${p.data.length} numbers` : `a parameter named "${name}"`, values);
    const bad = values.findIndex((v) => typeof v !== "number" || !Number.isFinite(v));
    if (bad >= 0) fail(`${what} buffer "${key}"[${bad}]`, "a finite number", values[bad]);
    const b = alloc(dtypeOf(p.data), values.length);
    b.set(values);
    restored.set(key, b);
  }
  return restored;
}
