/**
 * The native backend: float32 products and gate math in C++ (native/src, Node-API), built for
 * three ISAs — portable x86-64, AVX2 + FMA, AVX-512 — and run in the best one the CPU has
 * (native/src/addon.cc's bestIsa says why).
 * `npm ci` compiles it (scripts/build-native.js); a packed gatescope carries a prebuilt
 * linux-x64 binary. Where neither loads, `loadNative` throws with the reason and gatescope runs
 * WebAssembly instead. Float64 work goes to the reference TypeScript kernels, as on wasm.
 *
 * The addon reads and writes the arrays the engine gives it (no staging, no arena): its
 * workspace is plain JS memory. Every call's arrays, offsets and shapes are checked in the
 * addon before any pointer is formed; a wrong call is a GatescopeError, never a crashed process.
 */
import { GatescopeError } from "../errors";
import { gatescopePackage } from "../package-root";
import { referenceMatrix, type KernelArithmetic, type Kernels } from "../math/kernels";
import type { urnnOps } from "../cells/urnn";
import type { FloatArray } from "../math/tensor";
import { jsWorkspace } from "./js";
import { STEP_CODE, stepTwins, type StepCall } from "./step-ops";

/** The ISA builds inside the addon. */
export type NativeIsa = "base" | "avx2" | "avx512";

export interface NativeAddon {
  gemm(...args: unknown[]): void;
  addRowBias(...args: unknown[]): void;
  sumRows(...args: unknown[]): void;
  step(...args: unknown[]): void;
  unitary(...args: unknown[]): void;
  setThreads(n: number): void;
  setIsa(isa: string): void;
  info(): {
    isa: NativeIsa;
    best: NativeIsa;
    lanes: number;
    available: NativeIsa[];
    /** Every build compiled in, those this CPU cannot run too. */
    builds: Record<NativeIsa, KernelArithmetic>;
  };
}

/** The compiled addon of this package (prebuilt or built at install), or an error saying why not. */
export function loadNative(root: string = gatescopePackage().root): NativeAddon {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const load = require("node-gyp-build") as (dir: string) => NativeAddon;
  try {
    return load(root);
  } catch (err) {
    const why = (err as Error).message.split("\n")[0];
    throw new GatescopeError(`native addon: expected a build for ${process.platform}-${process.arch}, got: ${why}`);
  }
}

const f32 = (a: FloatArray): a is Float32Array => a instanceof Float32Array;

/** Runs one addon call; its RangeError (a bad shape or buffer) becomes a GatescopeError. */
function call(fn: () => void): void {
  try {
    fn();
  } catch (err) {
    throw new GatescopeError(`native ${(err as Error).message}`);
  }
}

/** Which kernels object the addon's (per-process) build and threads are set for now. */
const active = new WeakMap<NativeAddon, object>();

/** Kernels over `addon` in the build `isa` (default: the addon's choice for this CPU). */
export function createNativeKernels(addon: NativeAddon = loadNative(), isa?: NativeIsa): Kernels & { isa: NativeIsa } {
  const chosen = isa ?? addon.info().best;
  let threads: 1 | 2 = 1;
  const self = {};
  // The addon holds one build and thread count; each call first makes them this object's.
  const own = () => {
    if (active.get(addon) === self) return;
    addon.setIsa(chosen);
    addon.setThreads(threads);
    active.set(addon, self);
  };
  call(own);
  // addon.step(op, N, H, flag, array0, offset0, array1, offset1, …), its arguments in one reused list.
  const argv: unknown[] = [];
  const step = (c: StepCall): boolean => {
    if (!c.all(f32)) return false;
    argv.length = 4 + 2 * c.size;
    argv[0] = STEP_CODE[c.kernel];
    argv[1] = c.N;
    argv[2] = c.H;
    argv[3] = c.flag;
    for (let b = 0; b < c.size; b++) {
      argv[4 + 2 * b] = c.arrays[b];
      argv[5 + 2 * b] = c.offsets[b];
    }
    call(() => {
      own();
      addon.step(...argv);
    });
    return true;
  };

  // The uRNN's twins (its step is a chain of factors, not a row kernel); false hands a float64 call back to the cell.
  const urnn: { [K in keyof typeof urnnOps]: (...args: Parameters<(typeof urnnOps)[K]>) => boolean } = {
    urnnForward(N, H, c, b, row, gates, hs) {
      if (!(f32(b) && f32(gates) && f32(hs))) return false;
      call(() => (own(), addon.unitary(false, N, H / 2, c.packed, 0, b, 0, hs, row, gates, row, hs, row + N * H)));
      return true;
    },
    urnnBackward(N, H, c, b, row, gates, hs, dH, dZ, dhPrev, dth, dv, db) {
      if (!(f32(b) && f32(gates) && f32(hs) && f32(dH) && f32(dZ) && f32(dhPrev) && f32(dth) && f32(dv) && f32(db)))
        return false;
      call(() => (own(), addon.unitary(true, N, H / 2, c.packed, 0, b, 0, hs, row, gates, row, dH, row, dZ, row,
        dhPrev, 0, dth, 0, dv, 0, db, 0)));
      return true;
    },
  };

  return {
    name: `native-${chosen}`,
    isa: chosen,
    arithmetic: addon.info().builds[chosen],
    ops: { ...stepTwins(step), ...urnn },
    workspace: jsWorkspace,
    get threads() {
      return threads;
    },
    setThreads(n) {
      threads = n;
      active.delete(addon);
    },
    gemm(tA, tB, M, N, K, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc) {
      if ((tA && tB) || !(f32(A) && f32(B) && f32(C)))
        return referenceMatrix.gemm(tA, tB, M, N, K, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc);
      call(() => (own(), addon.gemm(tA, tB, M, N, K, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc)));
    },
    addRowBias(M, N, b, bOff, C, cOff, ldc) {
      if (!(f32(b) && f32(C))) return referenceMatrix.addRowBias(M, N, b, bOff, C, cOff, ldc);
      call(() => (own(), addon.addRowBias(M, N, b, bOff, C, cOff, ldc)));
    },
    sumRows(M, N, C, cOff, ldc, out, outOff) {
      if (!(f32(C) && f32(out))) return referenceMatrix.sumRows(M, N, C, cOff, ldc, out, outOff);
      call(() => (own(), addon.sumRows(M, N, C, cOff, ldc, out, outOff)));
    },
  };
}
