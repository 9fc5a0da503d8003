/**
 * Backend selection. The default is the WebAssembly SIMD backend where this runtime can run
 * it, else the reference TypeScript one; `backendInfo()` says which and why, so a user always
 * knows what computed their numbers. GATESCOPE_BACKEND=js|wasm forces one.
 */
import { GatescopeError } from "../errors";
import type { Kernels } from "../math/kernels";
import { jsKernels } from "./js";
import { createWasmKernels } from "./wasm";

export type BackendName = "js" | "wasm";

let wasm: Kernels | null | undefined;
let wasmError = "";

function tryWasm(): Kernels | null {
  if (wasm === undefined) {
    try {
      wasm = createWasmKernels();
    } catch (err) {
      wasm = null;
      wasmError = (err as Error).message;
    }
  }
  return wasm;
}

export function kernelsByName(name: BackendName): Kernels {
  if (name === "js") return jsKernels;
  if (name === "wasm") {
    const k = tryWasm();
    if (!k) throw new GatescopeError(`backend "wasm": expected WebAssembly SIMD with shared memory, got an error: ${wasmError}`);
    return k;
  }
  throw new GatescopeError(`backend: expected "js" or "wasm", got ${JSON.stringify(name)}`);
}

export function defaultKernels(): Kernels {
  const forced = process.env.GATESCOPE_BACKEND;
  if (forced) return kernelsByName(forced as BackendName);
  return tryWasm() ?? jsKernels;
}

export function backendInfo(): { name: string; reason: string } {
  const k = defaultKernels();
  if (process.env.GATESCOPE_BACKEND) return { name: k.name, reason: "GATESCOPE_BACKEND is set" };
  return k === jsKernels
    ? { name: k.name, reason: `WebAssembly SIMD backend unavailable: ${wasmError}` }
    : { name: k.name, reason: "WebAssembly SIMD available (float32 runs in wasm, float64 in exact TypeScript)" };
}
