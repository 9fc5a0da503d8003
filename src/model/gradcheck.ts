/**
 * The Float64 finite-difference check of any registered cell: every parameter, the input and
 * the initial states against central differences, for layer counts 1 and 2, with and without
 * truncation. The loss is a random linear functional of output, h_n and c_n, so its gradient
 * with respect to them is known and every path through the graph is exercised. Under
 * truncation k the loss is that of the truncated graph: each k-step chunk starts from the
 * (constant) state the full run reached.
 */
import { checkKeys, fail, GatescopeError } from "../errors";
import { positiveInt } from "../checks";
import { cellDescription, cellKinds, registerCell, unregisterCell, type CellDescription } from "../cells";
import { Rng } from "../math/rng";
import type { FloatArray, Tensor } from "../math/tensor";
import { cellFor, resolveConfig, type CellConfig } from "./config";
import { RecurrentNet, type ForwardResult } from "./recurrent";

/** Central differences of f with respect to every entry of `data` (perturbed in place, restored). */
export function numericGrad(f: () => number, data: FloatArray, eps = 1e-6): Float64Array {
  const g = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const keep = data[i];
    data[i] = keep + eps;
    const up = f();
    data[i] = keep - eps;
    const down = f();
    data[i] = keep;
    g[i] = (up - down) / (2 * eps);
  }
  return g;
}

/** The error verify-torch uses: max|a − b| / max(max|b|, 1e-3), so entries that cancel do not dominate. */
export function scaledError(ours: ArrayLike<number>, theirs: ArrayLike<number>): number {
  let diff = 0;
  let scale = 1e-3;
  for (let i = 0; i < theirs.length; i++) {
    diff = Math.max(diff, Math.abs(ours[i] - theirs[i]));
    scale = Math.max(scale, Math.abs(theirs[i]));
  }
  return diff / scale;
}

export function randomTensor(rng: Rng, shape: number[], scale = 1, dtype: "float32" | "float64" = "float64"): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = dtype === "float64" ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = rng.range(-scale, scale);
  return { shape, data };
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Which configurations `gradcheck` tries. */
export interface GradcheckOptions {
  /** Layer counts to check; default [1, 2]. */
  layers?: number[];
  /** Truncation windows (0 = full BPTT); default [0, 3]. */
  truncate?: number[];
  /** Sizes; defaults N 2, T 7, D 3, H 4. */
  N?: number;
  T?: number;
  D?: number;
  H?: number;
  seed?: number;
  /** Worst scale-normalised error allowed; default 1e-6. */
  tolerance?: number;
}

/** One configuration `gradcheck` tried and its errors per parameter. */
export interface GradcheckCase {
  layers: number;
  truncate: number;
  /** Scale-normalised error per parameter name, and for x, h0 (and c0). */
  errors: Record<string, number>;
  worst: { name: string; error: number };
  pass: boolean;
}

/** What `gradcheck` found: every case's worst scale-normalised error, and whether all pass. */
export interface GradcheckReport {
  kind: string;
  config: CellConfig;
  tolerance: number;
  cases: GradcheckCase[];
  /** Truncation windows not checked, with why (a cell whose carried state forward() cannot restart). */
  skipped: string[];
  /** Worst relative error per parameter (base name) over all cases. */
  worstByParam: Record<string, number>;
  pass: boolean;
}

const OPTION_KEYS = ["layers", "truncate", "N", "T", "D", "H", "seed", "tolerance"];

/**
 * Checks `cell`: a registered kind, a config ({kind, …options}), or a description (registered
 * for the check if it is not yet, and removed again afterwards).
 */
export function gradcheck(
  cell: string | CellConfig | CellDescription,
  options: GradcheckOptions = {},
): GradcheckReport {
  checkKeys("gradcheck options", options, OPTION_KEYS);
  if (typeof cell === "object" && cell !== null && typeof (cell as CellDescription).cell === "function") {
    const d = cell as CellDescription;
    if (cellKinds().includes(d.kind)) {
      if (cellDescription(d.kind) !== d) fail("gradcheck", `a description not clashing with kind "${d.kind}"`, d.kind);
      return gradcheck({ kind: d.kind }, options);
    }
    registerCell(d);
    try {
      return gradcheck({ kind: d.kind }, options);
    } finally {
      unregisterCell(d.kind);
    }
  }
  const config: CellConfig = typeof cell === "string" ? { kind: cell } : (cell as CellConfig);
  const { N = 2, T = 7, D = 3, H = 4, seed = 1000, tolerance = 1e-6 } = options;
  for (const [k, v] of Object.entries({ N, T, D, H })) positiveInt(v, `gradcheck ${k}`);
  const resolved = resolveConfig({ ...config, inputSize: D, hiddenSize: H, dtype: "float64" });
  const c = cellFor(resolved);
  const restartable = c.carry <= (c.hasCellState ? 1 : 0);
  const cases: GradcheckCase[] = [];
  const skipped: string[] = [];
  for (const L of options.layers ?? [1, 2]) {
    for (const k of options.truncate ?? [0, 3]) {
      if (k > 0 && !restartable) {
        skipped.push(`${L} layer(s), truncate ${k}: the cell carries state forward() cannot restart`);
        continue;
      }
      cases.push(checkCase(config, L, k, N, T, D, H, seed + L * 10 + k, tolerance));
    }
  }
  if (cases.length === 0) throw new GatescopeError(`gradcheck ${config.kind}: expected at least one case, got none`);
  const worstByParam: Record<string, number> = {};
  for (const cs of cases) {
    for (const [name, e] of Object.entries(cs.errors)) {
      const base = name.replace(/_l\d+$/, "");
      worstByParam[base] = Math.max(worstByParam[base] ?? 0, e);
    }
  }
  return { kind: resolved.kind, config, tolerance, cases, skipped, worstByParam, pass: cases.every((x) => x.pass) };
}

function checkCase(
  config: CellConfig,
  L: number,
  k: number,
  N: number,
  T: number,
  D: number,
  H: number,
  seed: number,
  tolerance: number,
): GradcheckCase {
  const rng = new Rng(seed);
  const net = new RecurrentNet({ ...config, inputSize: D, hiddenSize: H, numLayers: L, dtype: "float64" }, rng);
  // Non-zero values everywhere, so no parameter's gradient is trivially exercised.
  for (const p of Object.values(net.params)) for (let i = 0; i < p.data.length; i++) p.data[i] = rng.range(-0.6, 0.6);
  const hasC = net.cell.hasCellState;
  const x = randomTensor(rng, [N, T, D]);
  const h0 = randomTensor(rng, [L, N, H], 0.5);
  const c0 = hasC ? randomTensor(rng, [L, N, H], 0.5) : null;
  const wY = randomTensor(rng, [N, T, H]);
  const wH = randomTensor(rng, [L, N, H]);
  const wC = hasC ? randomTensor(rng, [L, N, H]) : null;

  // States at each chunk start, from the unperturbed run: constants of the truncated graph.
  const starts: number[] = [];
  for (let a = 0; a < T; a += k || T) starts.push(a);
  const boundary: ForwardResult[] = starts.map((a) => net.forward(sliceTime(x, 0, a), { h0, c0: c0 ?? undefined }));
  const loss = () => {
    let total = 0;
    starts.forEach((a, ci) => {
      const b = Math.min(T, a + (k || T));
      const init = a === 0 ? { h0, c0: c0 ?? undefined } : { h0: boundary[ci].hN, c0: boundary[ci].cN ?? undefined };
      const f = net.forward(sliceTime(x, a, b), init);
      total += dot(f.output.data, sliceTime(wY, a, b).data);
      if (b === T) {
        total += dot(f.hN.data, wH.data);
        if (wC && f.cN) total += dot(f.cN.data, wC.data);
      }
    });
    return total;
  };

  const fwd = net.forward(x, { h0, c0: c0 ?? undefined });
  const bwd = net.backward(fwd, { dOutput: wY, dHn: wH, dCn: wC ?? undefined }, { truncate: k });
  const errors: Record<string, number> = {};
  for (const [name, p] of Object.entries(net.params))
    errors[name] = scaledError(bwd.grads[name].data, numericGrad(loss, p.data));
  errors.x = scaledError(bwd.dX.data, numericGrad(loss, x.data));
  errors.h0 = scaledError(bwd.dH0.data, numericGrad(loss, h0.data));
  if (c0 && bwd.dC0) errors.c0 = scaledError(bwd.dC0.data, numericGrad(loss, c0.data));
  const [name, error] = Object.entries(errors).reduce((a, b) => (b[1] > a[1] ? b : a));
  return {
    layers: L,
    truncate: k,
    errors,
    worst: { name, error },
    pass: Object.values(errors).every((e) => e < tolerance),
  };
}

function sliceTime(x: Tensor, a: number, b: number): Tensor {
  const [n, t, d] = x.shape;
  const out = new Float64Array(n * (b - a) * d);
  for (let i = 0; i < n; i++) out.set(x.data.subarray((i * t + a) * d, (i * t + b) * d), i * (b - a) * d);
  return { shape: [n, b - a, d], data: out };
}

/** The report as a table: worst relative error per parameter, and which cases failed. */
export function formatGradcheck(r: GradcheckReport): string {
  const lines = [`${r.kind}${configSuffix(r.config)}: ${r.pass ? "PASS" : "FAIL"} (tolerance ${r.tolerance})`];
  for (const [name, e] of Object.entries(r.worstByParam)) {
    lines.push(`  ${name.padEnd(12)} ${e.toExponential(2)}${e < r.tolerance ? "" : "  ← over tolerance"}`);
  }
  for (const c of r.cases.filter((x) => !x.pass)) {
    lines.push(
      `  failed: ${c.layers} layer(s), truncate ${c.truncate}: worst ${c.worst.name} ${c.worst.error.toExponential(2)}`,
    );
  }
  for (const s of r.skipped) lines.push(`  not checked: ${s}`);
  return lines.join("\n");
}

function configSuffix(c: CellConfig): string {
  const rest = Object.entries(c).filter(([key]) => key !== "kind");
  return rest.length ? ` {${rest.map(([key, v]) => `${key}: ${JSON.stringify(v)}`).join(", ")}}` : "";
}
