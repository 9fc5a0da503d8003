/**
 * Backend selection. The default is the best WebAssembly build this runtime runs (relaxed SIMD,
 * else plain SIMD), else the reference TypeScript kernels; `backendInfo()` says which and why, so a user always
 * knows what computed their numbers. GATESCOPE_BACKEND=js|wasm|wasm-simd|wasm-relaxed-simd forces one.
 */
import { GatescopeError } from "../errors";
import type { Kernels } from "../math/kernels";
import { jsKernels } from "./js";
import { createWasmKernels, relaxedSimdSupported, type WasmBuild } from "./wasm";

/** "wasm" is the best wasm build this runtime runs; "wasm-simd" and "wasm-relaxed-simd" name one. */
export type BackendName = "js" | "wasm" | `wasm-${WasmBuild}`;
const NAMES: readonly BackendName[] = ["js", "wasm", "wasm-simd", "wasm-relaxed-simd"];

export interface BackendChoice {
  kernels: Kernels;
  reason: string;
}

/** The kernels `load` builds, else the reference ones, with the reason either way. */
export function chooseBackend(load: () => Kernels, available = "WebAssembly SIMD available"): BackendChoice {
  try {
    return { kernels: load(), reason: `${available}: float32 runs in wasm, float64 in exact TypeScript` };
  } catch (err) {
    return {
      kernels: jsKernels,
      reason: `WebAssembly SIMD unavailable (${(err as Error).message}): using the TypeScript kernels`,
    };
  }
}

/** Relaxed SIMD where `relaxed()` says the runtime has it, else plain SIMD, else TypeScript. */
export function chooseWasm(relaxed: () => boolean, load: (build: WasmBuild) => Kernels): BackendChoice {
  let has = false;
  try {
    has = relaxed();
  } catch {
    // no relaxed build to check: the plain one decides
  }
  return has
    ? chooseBackend(() => load("relaxed-simd"), "WebAssembly relaxed SIMD available (fused multiply-add)")
    : chooseBackend(() => load("simd"), "WebAssembly SIMD available (relaxed SIMD is not: no fused multiply-add)");
}

const built = new Map<WasmBuild, Kernels>();
const wasmBuild = (build: WasmBuild) => built.get(build) ?? built.set(build, createWasmKernels(build)).get(build)!;

let auto: BackendChoice | undefined;
const autoChoice = () => (auto ??= chooseWasm(() => relaxedSimdSupported(), wasmBuild));

export function kernelsByName(name: BackendName): Kernels {
  if (name === "js") return jsKernels;
  if (name === "wasm") {
    const c = autoChoice();
    if (c.kernels === jsKernels)
      throw new GatescopeError(`backend "wasm": expected WebAssembly SIMD with shared memory, got: ${c.reason}`);
    return c.kernels;
  }
  if (name === "wasm-simd" || name === "wasm-relaxed-simd") {
    if (name === "wasm-relaxed-simd" && !relaxedSimdSupported())
      throw new GatescopeError(`backend "${name}": expected a runtime with WebAssembly relaxed SIMD, got Node ${process.version}`);
    return wasmBuild(name === "wasm-simd" ? "simd" : "relaxed-simd");
  }
  throw new GatescopeError(`backend: expected one of ${NAMES.map((n) => `"${n}"`).join(", ")}, got ${JSON.stringify(name)}`);
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
