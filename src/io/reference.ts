/**
 * PyTorch reference files and the check behind `gatescope verify-torch`. A reference file is
 * JSON (PyTorch layouts, batch_first=True; for gru, PyTorch's reset-after variant):
 *   {kind, dtype: "float32"|"float64", state_dict: {name: nested array},
 *    x: N×T×D, h0: L×N×H, c0?: L×N×H, grad_output: N×T×H, grad_h_n: L×N×H, grad_c_n?: L×N×H,
 *    expected: {output, h_n, c_n?, grad_x, grad_h0, grad_c0?, grads: {name: nested array}},
 *    gru_variant?: "reset_after" | "reset_before"}   (gru only; default PyTorch's reset_after)
 * For each tensor the error is max|ours − theirs| / max(max|theirs|, 1e-3): scale-normalised,
 * so entries that cancel to ~0 do not dominate. Tolerances: 1e-4 (float32), 1e-10 (float64);
 * PyTorch's own float32 results differ from its float64 ones by up to ~1e-5 on this measure.
 */
import * as fs from "fs";
import { GatescopeError, fail } from "../errors";
import type { Kernels } from "../math/kernels";
import { checkDType, toTensor, type DType, type Tensor } from "../math/tensor";
import type { Kind } from "../model/config";
import { scaledError } from "../model/gradcheck";
import { fromPyTorch } from "./pytorch";

/** The scale-normalised error a reference check allows, per dtype. */
export const TOLERANCE: Record<DType, number> = { float32: 1e-4, float64: 1e-10 };

/** One compared tensor and its scale-normalised error. */
export interface TensorCheck {
  name: string;
  error: number;
}

/** What a reference check found: every tensor's error and whether all pass. */
export interface ReferenceReport {
  kind: Kind;
  /** GRU only. */
  gruVariant?: string;
  dtype: DType;
  tolerance: number;
  checks: TensorCheck[];
  worst: TensorCheck;
  pass: boolean;
}

export { scaledError as scaleNormalisedError } from "../model/gradcheck";

/** Checks gatescope against a PyTorch reference (weights, input, outputs and gradients). */
export function verifyReference(ref: unknown, what: string, kernels?: Kernels): ReferenceReport {
  if (typeof ref !== "object" || ref === null || Array.isArray(ref)) fail(what, "a JSON object", ref);
  const r = ref as Record<string, unknown>;
  const kind = r.kind as Kind; // fromPyTorch checks it is a kind PyTorch has
  const dtype = checkDType(r.dtype, `${what} dtype`);
  if (typeof r.state_dict !== "object" || r.state_dict === null)
    fail(`${what} state_dict`, "an object of nested arrays", r.state_dict);
  if (r.gru_variant !== undefined && r.gru_variant !== "reset_after" && r.gru_variant !== "reset_before") {
    fail(`${what} gru_variant`, `"reset_after" or "reset_before"`, r.gru_variant);
  }
  const gruVariant = r.gru_variant as "reset_after" | "reset_before" | undefined; // fromPyTorch: GRU only
  const cellOptions = gruVariant ? { gruVariant } : {};
  const net = fromPyTorch(kind, r.state_dict as Record<string, unknown>, { dtype, kernels, cellOptions });
  const { numLayers: L, hiddenSize: H, inputSize: D } = net.config;
  const lstm = net.cell.hasCellState;
  const x = toTensor(r.x, dtype, [-1, -1, D], `${what} x (N×T×D)`);
  const [N, T] = x.shape;
  const need = (key: string, shape: number[]): Tensor => {
    if (!(key in r)) throw new GatescopeError(`${what}: expected a field "${key}", got none`);
    return toTensor(r[key], dtype, shape, `${what} ${key}`);
  };
  const fwd = net.forward(x, { h0: need("h0", [L, N, H]), c0: lstm ? need("c0", [L, N, H]) : undefined });
  const bwd = net.backward(fwd, {
    dOutput: need("grad_output", [N, T, H]),
    dHn: need("grad_h_n", [L, N, H]),
    dCn: lstm ? need("grad_c_n", [L, N, H]) : undefined,
  });

  const expected = r.expected as Record<string, unknown>;
  if (typeof expected !== "object" || expected === null) fail(`${what} expected`, "an object", expected);
  const checks: TensorCheck[] = [];
  const compare = (name: string, ours: Tensor, theirs: unknown) => {
    if (theirs === undefined) throw new GatescopeError(`${what}: expected a field "expected.${name}", got none`);
    checks.push({
      name,
      error: scaledError(ours.data, toTensor(theirs, "float64", ours.shape, `${what} expected.${name}`).data),
    });
  };
  compare("output", fwd.output, expected.output);
  compare("h_n", fwd.hN, expected.h_n);
  if (lstm && fwd.cN && bwd.dC0) compare("c_n", fwd.cN, expected.c_n);
  compare("grad_x", bwd.dX, expected.grad_x);
  compare("grad_h0", bwd.dH0, expected.grad_h0);
  if (lstm && bwd.dC0) compare("grad_c0", bwd.dC0, expected.grad_c0);
  const grads = expected.grads as Record<string, unknown>;
  if (typeof grads !== "object" || grads === null) fail(`${what} expected.grads`, "an object of nested arrays", grads);
  for (const name of Object.keys(bwd.grads)) compare(`grads.${name}`, bwd.grads[name], grads[name]);
  const worst = checks.reduce((a, b) => (b.error > a.error ? b : a));
  const tolerance = TOLERANCE[dtype];
  return {
    kind,
    gruVariant: net.config.gruVariant,
    dtype,
    tolerance,
    checks,
    worst,
    pass: checks.every((c) => c.error <= tolerance),
  };
}

/** `verifyReference` on a reference file written by `scripts/make_torch_fixtures.py`. */
export function verifyReferenceFile(path: string, kernels?: Kernels): ReferenceReport {
  let doc: unknown;
  try {
    doc = JSON.parse(fs.readFileSync(path, "utf8"));
  } catch (err) {
    throw new GatescopeError(`${path}: expected a readable JSON reference file, got ${(err as Error).message}`);
  }
  return verifyReference(doc, path, kernels);
}
