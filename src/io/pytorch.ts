/**
 * PyTorch interop, for the cell kinds PyTorch has (their descriptions' `pytorch`). A state dict
 * of nn.RNN / nn.LSTM / nn.GRU maps one-to-one onto a RecurrentNet's parameters: same names
 * (weight_ih_l{k}, weight_hh_l{k}, bias_ih_l{k}, bias_hh_l{k}), same shapes, same gate order
 * (LSTM i, f, g, o; GRU r, z, n). Sizes and layer count are read off the dict; gradients come
 * back under the same names. PyTorch's GRU is the reset-after variant, so that is what a GRU
 * state dict computes by default and the only GRU `toPyTorch` exports. `cellOptions` reads the
 * same tensors into another variant of the kind, e.g. `{gruVariant: "reset_before"}`: Cho et
 * al.'s GRU, as Keras's reset_after=False would compute with them.
 */
import { checkKeys, GatescopeError, fail, shapeString } from "../errors";
import type { Kernels } from "../math/kernels";
import { checkDType, cloneTensor, toTensor, type DType, type Tensor } from "../math/tensor";
import type { Kind } from "../model/config";
import { cellDescription, cellKinds, type CellDescription, type CellOptions } from "../cells";
import { RecurrentNet } from "../model/recurrent";
import { readSafetensors, writeSafetensors } from "./safetensors";

/** How `fromPyTorch` builds the network. */
export interface FromPyTorchOptions {
  /** Default: "float32". */
  dtype?: DType;
  kernels?: Kernels;
  /**
   * Options of the kind beyond what a state dict says (its description's `options`), e.g. a GRU's
   * `{gruVariant: "reset_before"}`; default: what PyTorch computes.
   */
  cellOptions?: CellOptions;
}

/** The kinds PyTorch has a module for. */
export function pytorchKinds(): string[] {
  return cellKinds().filter((k) => cellDescription(k).pytorch);
}

function pytorchCell(kind: unknown, what: string): CellDescription & { pytorch: object } {
  const d = typeof kind === "string" && cellKinds().includes(kind) ? cellDescription(kind) : undefined;
  if (!d?.pytorch)
    fail(
      what,
      `one of ${pytorchKinds()
        .map((k) => `"${k}"`)
        .join(", ")} (the kinds PyTorch has)`,
      kind,
    );
  return d as CellDescription & { pytorch: object };
}

/** A `RecurrentNet` from a PyTorch state dict (`nn.RNN`, `nn.LSTM`, `nn.GRU` names and shapes). */
export function fromPyTorch(
  kind: Kind,
  stateDict: Record<string, unknown>,
  options: FromPyTorchOptions = {},
): RecurrentNet {
  const d = pytorchCell(kind, "fromPyTorch kind");
  if (typeof stateDict !== "object" || stateDict === null || Array.isArray(stateDict))
    fail("fromPyTorch state dict", "an object of named tensors", stateDict);
  checkKeys("fromPyTorch options", options, ["dtype", "kernels", "cellOptions"]);
  checkKeys(`fromPyTorch cellOptions (of kind "${kind}")`, options.cellOptions, Object.keys(d.options));
  const dtype = options.dtype === undefined ? "float32" : checkDType(options.dtype, "fromPyTorch dtype");
  const shapeOf = (name: string): number[] => {
    if (!(name in stateDict))
      throw new GatescopeError(
        `fromPyTorch ${kind} state dict: expected a tensor "${name}", got keys [${Object.keys(stateDict).join(", ")}]`,
      );
    return toTensor(stateDict[name], dtype, null, `fromPyTorch ${name}`).shape;
  };
  const whh = shapeOf("weight_hh_l0");
  const wih = shapeOf("weight_ih_l0");
  const G = d.cell(d.pytorch!.importOptions).G;
  if (whh.length !== 2 || whh[0] !== G * whh[1] || whh[1] < 1) {
    throw new GatescopeError(
      `fromPyTorch weight_hh_l0: expected shape [${G}·H, H] for ${kind}, got ${shapeString(whh)}`,
    );
  }
  if (wih.length !== 2 || wih[0] !== whh[0] || wih[1] < 1) {
    throw new GatescopeError(
      `fromPyTorch weight_ih_l0: expected shape [${whh[0]}, D] for ${kind}, got ${shapeString(wih)}`,
    );
  }
  let numLayers = 1;
  while (`weight_ih_l${numLayers}` in stateDict) numLayers++;
  const cellOptions = { ...d.pytorch!.importOptions, ...options.cellOptions };
  // fromParams checks every name and shape together, so a bad dict loads nothing.
  return RecurrentNet.fromParams(
    { kind, inputSize: wih[1], hiddenSize: whh[1], numLayers, dtype, ...cellOptions },
    stateDict,
    options.kernels,
  );
}

function checkExportable(net: RecurrentNet): void {
  const d = pytorchCell(net.config.kind, "toPyTorch kind");
  const why = d.pytorch!.unexportable(net.config);
  if (why) throw new GatescopeError(`toPyTorch: expected ${why}`);
}

/** A copy of the weights as a PyTorch state dict (name → tensor). */
export function toPyTorch(net: RecurrentNet): Record<string, Tensor> {
  checkExportable(net);
  const out: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(net.params)) out[name] = cloneTensor(t);
  return out;
}

/** Reads PyTorch weights saved with safetensors.torch.save_file(net.state_dict(), path). */
export function loadPyTorchSafetensors(kind: Kind, path: string, options: FromPyTorchOptions = {}): RecurrentNet {
  return fromPyTorch(kind, readSafetensors(path).tensors, options);
}

/** Writes weights that safetensors.torch.load_file + load_state_dict read back into PyTorch. */
export function savePyTorchSafetensors(net: RecurrentNet, path: string): void {
  writeSafetensors(path, toPyTorch(net));
}
