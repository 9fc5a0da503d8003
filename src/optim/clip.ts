/**
 * Gradient clipping, applied before the optimizer sees the gradient.
 *   norm  (Pascanu, Mikolov & Bengio 2013): if ‖g‖ > c over all parameters together, scale
 *         every gradient by c/(‖g‖ + 1e-6) — torch.nn.utils.clip_grad_norm_.
 *   value (element-wise, for comparison; what recurrentjs does): clamp each entry to [−c, c].
 *         It changes the gradient's direction, which is why global-norm clipping is the default.
 */
import { fail } from "../errors";
import type { Tensor } from "../math/tensor";

/** Gradient clipping: by global norm, or element-wise by value. */
export type ClipConfig = { kind: "norm"; max: number } | { kind: "value"; max: number };

export function checkClip(c: unknown, what = "clip"): ClipConfig {
  if (typeof c !== "object" || c === null) fail(what, "{kind: norm|value, max} or null", c);
  const o = c as Record<string, unknown>;
  if (o.kind !== "norm" && o.kind !== "value") fail(`${what}.kind`, `"norm" or "value"`, o.kind);
  if (typeof o.max !== "number" || !(o.max > 0) || !Number.isFinite(o.max)) {
    fail(`${what}.max`, "a positive number", o.max);
  }
  if (Object.keys(o).some((k) => k !== "kind" && k !== "max")) {
    fail(what, "only {kind, max}", Object.keys(o).join(", "));
  }
  return o as ClipConfig;
}

/** The L2 norm of all gradients together. */
export function globalNorm(grads: Record<string, Tensor>): number {
  let s = 0;
  for (const g of Object.values(grads)) for (let i = 0; i < g.data.length; i++) s += g.data[i] * g.data[i];
  return Math.sqrt(s);
}

/** Clips in place; returns the global norm before and after. */
export function clipGradients(
  grads: Record<string, Tensor>,
  clip: ClipConfig | null,
): { before: number; after: number; clipped: boolean } {
  const before = globalNorm(grads);
  if (!clip) return { before, after: before, clipped: false };
  let clipped = false;
  if (clip.kind === "norm") {
    const coef = clip.max / (before + 1e-6);
    if (coef < 1) {
      clipped = true;
      for (const g of Object.values(grads)) for (let i = 0; i < g.data.length; i++) g.data[i] *= coef;
    }
  } else {
    for (const g of Object.values(grads)) {
      for (let i = 0; i < g.data.length; i++) {
        const v = g.data[i];
        if (v > clip.max || v < -clip.max) { g.data[i] = v > 0 ? clip.max : -clip.max; clipped = true; }
      }
    }
  }
  return { before, after: clipped ? globalNorm(grads) : before, clipped };
}
