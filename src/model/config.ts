/**
 * Configuration of a recurrent stack, validated before anything is built: an unknown key,
 * a wrong type or an impossible size fails here, naming the field.
 */
import { fail, GatescopeError, unknownKey } from "../errors";
import { bytesOf, checkDType, MAX_ARRAY_BYTES, type DType } from "../math/tensor";
import { checkInitSpec, type InitSpec } from "../math/init";
import type { GruVariant } from "../cells/gru";

export type Kind = "rnn_tanh" | "rnn_relu" | "lstm" | "gru";
export const KINDS: readonly Kind[] = ["rnn_tanh", "rnn_relu", "lstm", "gru"];

export interface InitConfig {
  weight_ih?: InitSpec;
  weight_hh?: InitSpec;
  bias?: InitSpec;
}

/**
 * Named initialisation schemes:
 *   "pytorch"  every weight and bias U(±1/√H) (nn.RNN/LSTM/GRU defaults)
 *   "keras"    weight_ih Glorot uniform, weight_hh orthogonal, biases 0 (Keras defaults)
 *   "irnn"     weight_ih N(0, 0.001²), weight_hh identity, biases 0 (Le et al. 2015)
 */
export type InitPreset = "pytorch" | "keras" | "irnn";
export const INIT_PRESETS: Record<InitPreset, Required<InitConfig>> = {
  pytorch: { weight_ih: { kind: "pytorch" }, weight_hh: { kind: "pytorch" }, bias: { kind: "pytorch" } },
  keras: { weight_ih: { kind: "xavier" }, weight_hh: { kind: "orthogonal" }, bias: { kind: "constant", value: 0 } },
  irnn: {
    weight_ih: { kind: "normal", std: 0.001 },
    weight_hh: { kind: "identity" },
    bias: { kind: "constant", value: 0 },
  },
};

export interface RecurrentConfig {
  kind: Kind;
  inputSize: number;
  hiddenSize: number;
  /** Stacked layers; default 1. */
  numLayers?: number;
  /** Default "float32"; gradient checks use "float64". */
  dtype?: DType;
  /**
   * GRU only. "reset_after" (default; PyTorch/cuDNN, Keras reset_after=True, and the only one
   * PyTorch weights can express) or "reset_before" (Cho et al. 2014 as written, Keras
   * reset_after=False). See cells/gru.ts for both sets of equations.
   */
  gruVariant?: GruVariant;
  /**
   * LSTM only. The forget-gate bias at initialisation, set in bias_ih with the forget block of
   * bias_hh zeroed so that the total is exactly this (Gers et al. 2000; Jozefowicz et al. 2015).
   * Default 1; null keeps whatever the bias initialiser drew (PyTorch's behaviour).
   */
  forgetBias?: number | null;
  /**
   * GRU only. The update-gate bias at initialisation, set like forgetBias (bias_ih's z block,
   * bias_hh's zeroed). With h_t = (1−z)∘n + z∘h_{t−1} a positive bias starts the unit keeping
   * its state — the GRU's analogue of the LSTM forget bias. Default null: the initialiser's.
   */
  updateBias?: number | null;
  /** A preset name or per-tensor initialisers; default "pytorch". */
  init?: InitPreset | InitConfig;
}

export interface ResolvedConfig {
  kind: Kind;
  inputSize: number;
  hiddenSize: number;
  numLayers: number;
  dtype: DType;
  /** Present for GRU only. */
  gruVariant?: GruVariant;
  /** Present for LSTM only. */
  forgetBias?: number | null;
  /** Present for GRU only. */
  updateBias?: number | null;
  init: Required<InitConfig>;
}

const KEYS = [
  "kind",
  "inputSize",
  "hiddenSize",
  "numLayers",
  "dtype",
  "gruVariant",
  "forgetBias",
  "updateBias",
  "init",
];

function positiveInt(v: unknown, what: string): number {
  if (!Number.isInteger(v) || (v as number) < 1) fail(what, "a positive integer", v);
  return v as number;
}

export function resolveConfig(config: unknown): ResolvedConfig {
  if (typeof config !== "object" || config === null || Array.isArray(config)) fail("config", "an object", config);
  const c = config as Record<string, unknown>;
  for (const key of Object.keys(c)) {
    if (!KEYS.includes(key)) unknownKey("config", KEYS, key);
  }
  if (!KINDS.includes(c.kind as Kind)) fail("config.kind", `one of ${KINDS.map((k) => `"${k}"`).join(", ")}`, c.kind);
  const kind = c.kind as Kind;
  const gruVariant = c.gruVariant ?? "reset_after";
  if (gruVariant !== "reset_after" && gruVariant !== "reset_before") {
    fail("config.gruVariant", `"reset_after" or "reset_before"`, gruVariant);
  }
  if (c.gruVariant !== undefined && kind !== "gru")
    fail("config.gruVariant", `no gruVariant for kind "${kind}"`, c.gruVariant);
  const gateBias = (key: "forgetBias" | "updateBias", owner: Kind, dflt: number | null): number | null => {
    const v = c[key];
    if (v === undefined) return dflt;
    if (kind !== owner) fail(`config.${key}`, `no ${key} for kind "${kind}"`, v);
    if (v !== null && (typeof v !== "number" || !Number.isFinite(v)))
      fail(`config.${key}`, "a finite number or null", v);
    return v as number | null;
  };
  const forgetBias = gateBias("forgetBias", "lstm", 1);
  const updateBias = gateBias("updateBias", "gru", null);
  let init: Required<InitConfig>;
  const ci = c.init ?? "pytorch";
  if (typeof ci === "string") {
    if (!(ci in INIT_PRESETS))
      fail(
        "config.init",
        `one of ${Object.keys(INIT_PRESETS)
          .map((k) => `"${k}"`)
          .join(", ")} or {weight_ih, weight_hh, bias}`,
        ci,
      );
    init = INIT_PRESETS[ci as InitPreset];
  } else if (typeof ci === "object" && ci !== null && !Array.isArray(ci)) {
    const o = ci as Record<string, unknown>;
    for (const key of Object.keys(o)) {
      if (!["weight_ih", "weight_hh", "bias"].includes(key))
        unknownKey("config.init", ["weight_ih", "weight_hh", "bias"], key);
    }
    const d = INIT_PRESETS.pytorch;
    init = {
      weight_ih: o.weight_ih === undefined ? d.weight_ih : checkInitSpec(o.weight_ih, "config.init.weight_ih"),
      weight_hh: o.weight_hh === undefined ? d.weight_hh : checkInitSpec(o.weight_hh, "config.init.weight_hh"),
      bias: o.bias === undefined ? d.bias : checkInitSpec(o.bias, "config.init.bias"),
    };
  } else {
    return fail("config.init", "a preset name or {weight_ih, weight_hh, bias}", ci);
  }
  const sizes = {
    inputSize: positiveInt(c.inputSize, "config.inputSize"),
    hiddenSize: positiveInt(c.hiddenSize, "config.hiddenSize"),
    numLayers: c.numLayers === undefined ? 1 : positiveInt(c.numLayers, "config.numLayers"),
    dtype: c.dtype === undefined ? "float32" : checkDType(c.dtype, "config.dtype"),
  };
  // The largest weight, refused here with the sizes named, before any memory is taken.
  const { inputSize: D, hiddenSize: H, dtype } = sizes;
  const largest = gateCount(kind) * H * Math.max(D, H);
  if (bytesOf(dtype, largest) > MAX_ARRAY_BYTES) {
    throw new GatescopeError(
      `config: expected weights of at most ${MAX_ARRAY_BYTES / 2 ** 30} GiB each, got inputSize ${D}, hiddenSize ` +
        `${H}: ` +
        `a ${gateCount(kind) * H}×${Math.max(D, H)} ${dtype} weight of ` +
        `${(bytesOf(dtype, largest) / 2 ** 30).toFixed(1)} GiB`,
    );
  }
  return {
    kind,
    ...sizes,
    ...(kind === "gru" ? { gruVariant: gruVariant as GruVariant, updateBias } : {}),
    ...(kind === "lstm" ? { forgetBias } : {}),
    init,
  };
}

/** Gate blocks in the fused weights: 1 (RNN), 4 (LSTM: i, f, g, o), 3 (GRU: r, z, n). */
export function gateCount(kind: Kind): number {
  return kind === "lstm" ? 4 : kind === "gru" ? 3 : 1;
}

/** PyTorch's parameter names and shapes for this configuration, in PyTorch's order. */
export function paramShapes(
  c: Pick<ResolvedConfig, "kind" | "inputSize" | "hiddenSize" | "numLayers">,
): Record<string, number[]> {
  const GH = gateCount(c.kind) * c.hiddenSize;
  const out: Record<string, number[]> = {};
  for (let l = 0; l < c.numLayers; l++) {
    out[`weight_ih_l${l}`] = [GH, l === 0 ? c.inputSize : c.hiddenSize];
    out[`weight_hh_l${l}`] = [GH, c.hiddenSize];
    out[`bias_ih_l${l}`] = [GH];
    out[`bias_hh_l${l}`] = [GH];
  }
  return out;
}
