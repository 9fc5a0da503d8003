/**
 * Configuration of a recurrent stack, validated before anything is built: an unknown key,
 * a wrong type or an impossible size fails here, naming the field.
 */
import { checkKeys, fail, GatescopeError, unknownKey } from "../errors";
import { positiveInt } from "../checks";
import { bytesOf, checkDType, MAX_ARRAY_BYTES, type DType } from "../math/tensor";
import { checkInitSpec, type InitSpec } from "../math/init";
import { cellDescription, cellKinds, resolveCellOptions, type BuiltInOptions, type Kind } from "../cells";
import type { Cell } from "../cells/cell";

export type { Kind } from "../cells";

/** How each kind of weight is initialised; absent entries follow the cell's default. */
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
 *   "glorot"   every weight Glorot uniform, the recurrent ones too, biases 0 (Arjovsky et al.'s code)
 */
export type InitPreset = "pytorch" | "keras" | "irnn" | "glorot";
/** Named initialisation schemes: PyTorch's default, Keras's, the IRNN's (identity recurrence) and Glorot throughout. */
export const INIT_PRESETS: Record<InitPreset, Required<InitConfig>> = {
  pytorch: { weight_ih: { kind: "pytorch" }, weight_hh: { kind: "pytorch" }, bias: { kind: "pytorch" } },
  keras: { weight_ih: { kind: "xavier" }, weight_hh: { kind: "orthogonal" }, bias: { kind: "constant", value: 0 } },
  irnn: {
    weight_ih: { kind: "normal", std: 0.001 },
    weight_hh: { kind: "identity" },
    bias: { kind: "constant", value: 0 },
  },
  glorot: { weight_ih: { kind: "xavier" }, weight_hh: { kind: "xavier" }, bias: { kind: "constant", value: 0 } },
};

/** Everything but the sizes: what an experiment's cell entry names; each built-in kind's options come from its file. */
export interface CellConfig extends BuiltInOptions {
  /** A registered cell kind (`cellKinds()`); the built-ins are `Kind`. */
  kind: Kind | (string & {});
  /** Stacked layers; default 1. */
  numLayers?: number;
  /** Default "float32"; gradient checks use "float64". */
  dtype?: DType;
  /** A preset name or per-tensor initialisers; default "pytorch". */
  init?: InitPreset | InitConfig;
  /** Options of other registered kinds (see their descriptions' `options`). */
  [option: string]: unknown;
}

export interface RecurrentConfig extends CellConfig {
  inputSize: number;
  hiddenSize: number;
}

/** A checked config: every field present, the kind's options filled in with their defaults. */
export interface ResolvedConfig extends RecurrentConfig {
  numLayers: number;
  dtype: DType;
  init: Required<InitConfig>;
}

const BASE_KEYS = ["kind", "inputSize", "hiddenSize", "numLayers", "dtype", "init"];

/**
 * A checked config with every default filled in; bad input is an error naming the field, what it expected and what
 * came.
 */
export function resolveConfig(config: unknown): ResolvedConfig {
  if (typeof config !== "object" || config === null || Array.isArray(config)) fail("config", "an object", config);
  const c = config as Record<string, unknown>;
  const d = cellDescription(c.kind, "config.kind");
  const kind = d.kind;
  const optionKeys = Object.keys(d.options);
  const given: Record<string, unknown> = {};
  for (const key of Object.keys(c)) {
    if (BASE_KEYS.includes(key)) continue;
    if (optionKeys.includes(key)) given[key] = c[key];
    else if (cellKinds().some((k) => key in cellDescription(k).options))
      fail(`config.${key}`, `no ${key} for kind "${kind}"`, c[key]);
    else unknownKey("config", [...BASE_KEYS, ...optionKeys], key);
  }
  const options = resolveCellOptions(d, given, "config");
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
    checkKeys("config.init", o, ["weight_ih", "weight_hh", "bias"]);
    const base = INIT_PRESETS.pytorch;
    init = {
      weight_ih: o.weight_ih === undefined ? base.weight_ih : checkInitSpec(o.weight_ih, "config.init.weight_ih"),
      weight_hh: o.weight_hh === undefined ? base.weight_hh : checkInitSpec(o.weight_hh, "config.init.weight_hh"),
      bias: o.bias === undefined ? base.bias : checkInitSpec(o.bias, "config.init.bias"),
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
  const sizeError = d.checkHidden?.(H);
  if (sizeError) fail("config.hiddenSize", sizeError, H);
  const cell = d.cell(options);
  for (const spec of cell.params) {
    const shape = spec.shape(Math.max(D, H), H);
    const size = shape.reduce((a, b) => a * b, 1);
    if (bytesOf(dtype, size) > MAX_ARRAY_BYTES) {
      throw new GatescopeError(
        `config: expected weights of at most ${MAX_ARRAY_BYTES / 2 ** 30} GiB each, got inputSize ${D}, hiddenSize ` +
          `${H}: a ${shape.join("×")} ${dtype} ${spec.name} of ${(bytesOf(dtype, size) / 2 ** 30).toFixed(1)} GiB`,
      );
    }
  }
  return { kind, ...sizes, ...options, init };
}

/** The step implementation a checked config computes with. */
export function cellFor(config: ResolvedConfig): Cell {
  const d = cellDescription(config.kind);
  const options: Record<string, unknown> = {};
  for (const key of Object.keys(d.options)) options[key] = config[key];
  return d.cell(options);
}

/** Parameter names and shapes, layer by layer in the cell's order (PyTorch's, where it has the cell). */
export function paramShapes(c: RecurrentConfig): Record<string, number[]> {
  const r = resolveConfig(c);
  const out: Record<string, number[]> = {};
  const specs = cellFor(r).params;
  for (let l = 0; l < r.numLayers; l++) {
    for (const s of specs) out[`${s.name}_l${l}`] = s.shape(l === 0 ? r.inputSize : r.hiddenSize, r.hiddenSize);
  }
  return out;
}
