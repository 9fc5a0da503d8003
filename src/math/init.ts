/**
 * Weight initialisers. Gated cells stack G blocks of H rows in each fused matrix; every
 * block is initialised on its own, so with "orthogonal" each gate's recurrent matrix is
 * orthogonal and with "identity" each is the identity (rather than the whole G·H×H stack).
 *
 *   pytorch     U(−1/√H, 1/√H), PyTorch's default for every RNN weight and bias
 *   uniform     U(−bound, bound)
 *   xavier      Glorot & Bengio 2010: U(±gain·√(6/(fan_in + fan_out))), per block H×fan_in
 *   orthogonal  Saxe et al. 2014: a Haar-random orthogonal block (QR of a Gaussian), × gain
 *   identity    scale·I (IRNN, Le et al. 2015); square blocks only
 *   normal      N(mean, std²)
 *   constant    every entry = value (zeros for biases)
 */
import { GatescopeError, fail, unknownKey } from "../errors";
import type { Rng } from "./rng";
import type { FloatArray } from "./tensor";

/** How one weight is drawn: PyTorch's default, uniform, Glorot (xavier), orthogonal, identity, normal or a constant. */
export type InitSpec =
  | { kind: "pytorch" }
  | { kind: "uniform"; bound: number }
  | { kind: "xavier"; gain?: number }
  | { kind: "orthogonal"; gain?: number }
  | { kind: "identity"; scale?: number }
  | { kind: "normal"; std: number; mean?: number }
  | { kind: "constant"; value: number };

/** Every initialiser kind an `InitSpec` may name. */
export const INIT_KINDS = ["pytorch", "uniform", "xavier", "orthogonal", "identity", "normal", "constant"] as const;

const FIELDS: Record<InitSpec["kind"], readonly string[]> = {
  pytorch: [], uniform: ["bound"], xavier: ["gain"], orthogonal: ["gain"], identity: ["scale"],
  normal: ["std", "mean"], constant: ["value"],
};
const REQUIRED: Partial<Record<InitSpec["kind"], readonly string[]>> = {
  uniform: ["bound"],
  normal: ["std"],
  constant: ["value"],
};

export function checkInitSpec(spec: unknown, what: string): InitSpec {
  if (typeof spec !== "object" || spec === null) {
    fail(what, `an initialiser {kind: ${INIT_KINDS.join("|")}, ...}`, spec);
  }
  const kind = (spec as { kind?: unknown }).kind;
  if (typeof kind !== "string" || !(INIT_KINDS as readonly string[]).includes(kind)) {
    fail(`${what}.kind`, `one of ${INIT_KINDS.join(", ")}`, kind);
  }
  const k = kind as InitSpec["kind"];
  for (const key of Object.keys(spec)) {
    if (key === "kind") continue;
    if (!FIELDS[k].includes(key)) unknownKey(`${what} (kind "${k}")`, ["kind", ...FIELDS[k]], key);
    const v = (spec as Record<string, unknown>)[key];
    if (typeof v !== "number" || !Number.isFinite(v)) fail(`${what}.${key}`, "a finite number", v);
  }
  for (const key of REQUIRED[k] ?? []) {
    if (!(key in spec)) fail(`${what}.${key}`, "a finite number (required)", undefined);
  }
  return spec as InitSpec;
}

/** Fills `out` (rows×cols, row-major, made of blocks of H rows). */
export function initialise(spec: InitSpec, out: FloatArray, rows: number, cols: number, H: number, rng: Rng): void {
  switch (spec.kind) {
    case "pytorch": {
      const b = 1 / Math.sqrt(H);
      for (let i = 0; i < out.length; i++) out[i] = rng.range(-b, b);
      return;
    }
    case "uniform":
      for (let i = 0; i < out.length; i++) out[i] = rng.range(-spec.bound, spec.bound);
      return;
    case "normal":
      for (let i = 0; i < out.length; i++) out[i] = rng.normal(spec.mean ?? 0, spec.std);
      return;
    case "constant":
      out.fill(spec.value);
      return;
    case "xavier": {
      const b = (spec.gain ?? 1) * Math.sqrt(6 / (cols + Math.min(rows, H)));
      for (let i = 0; i < out.length; i++) out[i] = rng.range(-b, b);
      return;
    }
    case "orthogonal":
    case "identity":
      for (let r0 = 0; r0 < rows; r0 += H) {
        const block = out.subarray(r0 * cols, (r0 + H) * cols);
        if (spec.kind === "identity") identity(block, H, cols, spec.scale ?? 1);
        else orthogonal(block, H, cols, spec.gain ?? 1, rng);
      }
      return;
  }
}

function identity(out: FloatArray, rows: number, cols: number, scale: number): void {
  if (rows !== cols) {
    throw new GatescopeError(
      `identity initialiser: expected a square block (hidden×hidden), got ${rows}×${cols}; use it for weight_hh`,
    );
  }
  out.fill(0);
  for (let i = 0; i < rows; i++) out[i * cols + i] = scale;
}

/** Orthonormal rows (rows ≤ cols) or columns (rows > cols) by modified Gram–Schmidt. */
function orthogonal(out: FloatArray, rows: number, cols: number, gain: number, rng: Rng): void {
  // Work on the tall orientation m×n (m ≥ n) and orthonormalise its n columns.
  const m = Math.max(rows, cols);
  const n = Math.min(rows, cols);
  const q = new Float64Array(m * n); // column-major: column j at q[j*m ..]
  for (let i = 0; i < q.length; i++) q[i] = rng.normal();
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < m; i++) dot += q[k * m + i] * q[j * m + i];
      for (let i = 0; i < m; i++) q[j * m + i] -= dot * q[k * m + i];
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += q[j * m + i] * q[j * m + i];
    norm = Math.sqrt(norm);
    for (let i = 0; i < m; i++) q[j * m + i] /= norm;
  }
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      out[r * cols + c] = gain * (rows >= cols ? q[c * m + r] : q[r * m + c]);
    }
  }
}
