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

export interface BackendChoice {
  kernels: Kernels;
  reason: string;
}

/** The wasm backend if `load` can build it, else the reference one, with the reason either way. */
export function chooseBackend(load: () => Kernels): BackendChoice {
  try {
    return { kernels: load(), reason: "WebAssembly SIMD available: float32 runs in wasm, float64 in exact TypeScript" };
  } catch (err) {
    return {
      kernels: jsKernels,
      reason: `WebAssembly SIMD unavailable (${(err as Error).message}): using the TypeScript kernels`,
    };
  }
}

let auto: BackendChoice | undefined;
const autoChoice = () => (auto ??= chooseBackend(createWasmKernels));

export function kernelsByName(name: BackendName): Kernels {
  if (name === "js") return jsKernels;
  if (name === "wasm") {
    const c = autoChoice();
    if (c.kernels === jsKernels)
      throw new GatescopeError(`backend "wasm": expected WebAssembly SIMD with shared memory, got: ${c.reason}`);
    return c.kernels;
  }
  throw new GatescopeError(`backend: expected "js" or "wasm", got ${JSON.stringify(name)}`);
}

export function backendInfo(): { name: string; reason: string } {
  const forced = process.env.GATESCOPE_BACKEND;
  if (forced) return { name: kernelsByName(forced as BackendName).name, reason: `GATESCOPE_BACKEND=${forced}` };
  const c = autoChoice();
  return { name: c.kernels.name, reason: c.reason };
}

export function defaultKernels(): Kernels {
  const forced = process.env.GATESCOPE_BACKEND;
  return forced ? kernelsByName(forced as BackendName) : autoChoice().kernels;
}

/**
 * Gives back the WebAssembly memory a large forward or backward grew (it never shrinks by
 * itself); the next operation starts from a small one. Results already returned stay valid.
 */
export function releaseMemory(kernels: Kernels = defaultKernels()): void {
  kernels.release?.();
}
