/**
 * Backend selection. The default is the native addon (C++, the CPU's best ISA) where it loads,
 * else the best WebAssembly build this runtime runs (relaxed SIMD, else plain SIMD), else the
 * reference TypeScript kernels; `backendInfo()` says which and why, so a user always knows what
 * computed their numbers. GATESCOPE_BACKEND=js|native|native-<isa>|wasm|wasm-simd|wasm-relaxed-simd
 * forces one.
 */
import * as os from "os";
import { GatescopeError } from "../errors";
import type { KernelArithmetic, Kernels } from "../math/kernels";
import { arithmeticOf, type Arithmetic } from "./arithmetic";
import { jsKernels } from "./js";
import { createNativeKernels, loadNative, type NativeAddon, type NativeIsa } from "./native";
import { createWasmKernels, relaxedSimdSupported, wasmArithmetic, WASM_BUILDS, type WasmBuild } from "./wasm";

/**
 * "wasm" is the best wasm build this runtime runs, "native" the addon's build for this CPU;
 * "wasm-simd", "wasm-relaxed-simd" and "native-base|avx2|avx512" name one.
 */
export type BackendName = "js" | "wasm" | `wasm-${WasmBuild}` | "native" | `native-${NativeIsa}`;
const NAMES: readonly BackendName[] = [
  "js", "native", "native-base", "native-avx2", "native-avx512", "wasm", "wasm-simd", "wasm-relaxed-simd",
];

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

/** Threads for one model's products: 1, 2, or "auto" (2 where this process may use two cores). */
export type Threads = 1 | 2 | "auto";

function resolveThreads(threads: unknown, what: string): 1 | 2 {
  if (threads === 1 || threads === 2) return threads;
  if (threads === "auto") return os.availableParallelism() >= 2 ? 2 : 1;
  throw new GatescopeError(`${what}: expected 1, 2 or "auto", got ${JSON.stringify(threads)}`);
}

/** GATESCOPE_THREADS=1|2|auto, else "auto". */
function defaultThreads(): 1 | 2 {
  const env = process.env.GATESCOPE_THREADS || "auto";
  return resolveThreads(env === "1" || env === "2" ? Number(env) : env, "GATESCOPE_THREADS");
}

/**
 * How many threads `kernels` (default: the default backend) use for one model. Results are
 * identical for 1 and 2; the TypeScript kernels always use one. Returns the number now in force.
 */
export function setThreads(threads: Threads, kernels: Kernels = defaultKernels()): 1 | 2 {
  const n = resolveThreads(threads, "threads");
  kernels.setThreads?.(n);
  return kernels.threads ?? 1;
}

const built = new Map<WasmBuild, Kernels>();
const wasmBuild = (build: WasmBuild) => built.get(build) ?? built.set(build, createWasmKernels(build)).get(build)!;

/** Each shared instance starts at the default threads once (outside the choice: a bad setting throws). */
const started = new WeakSet<Kernels>();
function withDefaultThreads(k: Kernels): Kernels {
  if (!started.has(k)) {
    k.setThreads?.(defaultThreads());
    started.add(k);
  }
  return k;
}

let addon: NativeAddon | undefined;
const nativeBuilt = new Map<NativeIsa, Kernels>();
/** The addon's kernels in one build ("best": the addon's choice for this CPU); throws where it does not load. */
function nativeBuild(want: NativeIsa | "best"): Kernels {
  addon ??= loadNative();
  const isa = want === "best" ? addon.info().best : want;
  return nativeBuilt.get(isa) ?? nativeBuilt.set(isa, createNativeKernels(addon, isa)).get(isa)!;
}

const ISA_TITLES: Record<string, string> = { avx2: "AVX2 + FMA", avx512: "AVX-512", base: "portable x86-64" };

/** The native kernels where `load` gives them, else the WebAssembly choice, saying why not native. */
export function chooseNative(load: () => Kernels, wasm: () => BackendChoice): BackendChoice {
  let kernels: Kernels;
  try {
    kernels = load();
  } catch (err) {
    const c = wasm();
    return { kernels: c.kernels, reason: `native addon unavailable (${(err as Error).message}); ${c.reason}` };
  }
  const isa = kernels.name.replace("native-", "");
  return {
    kernels,
    reason: `native addon loaded (${ISA_TITLES[isa] ?? isa}): float32 runs in C++, float64 in exact TypeScript`,
  };
}

let auto: BackendChoice | undefined;
function autoChoice(): BackendChoice {
  if (!auto) {
    auto = chooseNative(() => nativeBuild("best"), wasmChoice);
    withDefaultThreads(auto.kernels);
  }
  return auto;
}

let autoWasm: BackendChoice | undefined;
function wasmChoice(): BackendChoice {
  if (!autoWasm) {
    autoWasm = chooseWasm(() => relaxedSimdSupported(), wasmBuild);
    withDefaultThreads(autoWasm.kernels);
  }
  return autoWasm;
}

/** The kernels of one backend or ISA build by name; a build that cannot load here is an error that says why. */
export function kernelsByName(name: BackendName): Kernels {
  if (name === "js") return jsKernels;
  if (name === "native" || name === "native-base" || name === "native-avx2" || name === "native-avx512") {
    return withDefaultThreads(nativeBuild(name === "native" ? "best" : (name.slice(7) as NativeIsa)));
  }
  if (name === "wasm") {
    const c = wasmChoice();
    if (c.kernels === jsKernels)
      throw new GatescopeError(`backend "wasm": expected WebAssembly SIMD with shared memory, got: ${c.reason}`);
    return c.kernels;
  }
  if (name === "wasm-simd" || name === "wasm-relaxed-simd") {
    return withDefaultThreads(wasmBuild(name === "wasm-simd" ? "simd" : "relaxed-simd"));
  }
  throw new GatescopeError(
    `backend: expected one of ${NAMES.map((n) => `"${n}"`).join(", ")}, got ${JSON.stringify(name)}`,
  );
}

/** The default backend's name and why it was chosen (its `threads` do not change results, so are not part of it). */
export function backendInfo(): { name: string; reason: string } {
  const forced = process.env.GATESCOPE_BACKEND;
  if (forced) return { name: kernelsByName(forced as BackendName).name, reason: `GATESCOPE_BACKEND=${forced}` };
  const c = autoChoice();
  return { name: c.kernels.name, reason: c.reason };
}

/** The kernels models use when none are given: `GATESCOPE_BACKEND` if set, else the fastest this runtime has. */
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

/**
 * Every build this installation can describe, whether or not this CPU runs it: the addon's ISA builds (an
 * AVX2 machine still knows its AVX-512 build's arithmetic), the wasm builds this runtime validates, js.
 */
let known: Array<{ name: string } & KernelArithmetic> | undefined;
function knownBuilds(): Array<{ name: string } & KernelArithmetic> {
  // A process's builds do not change: read them once (collect asks for every run file it reads).
  if (known) return known;
  known = [{ name: "js", ...jsKernels.arithmetic! }];
  try {
    addon ??= loadNative();
    for (const [isa, a] of Object.entries(addon.info().builds)) known.push({ name: `native-${isa}`, ...a });
  } catch {
    // no addon here: its builds are not known, and runs they made are accepted only by their id
  }
  for (const build of WASM_BUILDS) {
    const a = wasmArithmetic(build);
    if (a) known.push({ name: `wasm-${build}`, ...a });
  }
  return known;
}

/**
 * The arithmetic `kernels` (default: the default backend) compute with: the kernel build id and the class of
 * backends that share it. A run made with one id is accepted wherever any backend of its class runs.
 */
export function backendArithmetic(kernels: Kernels = defaultKernels()): Arithmetic {
  return arithmeticOf(kernels, knownBuilds());
}
