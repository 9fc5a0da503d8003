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
import { referenceMatrix, type Kernels } from "../math/kernels";
import type { lstmOps } from "../cells/lstm";
import type { gruOps } from "../cells/gru";
import type { rnnOps } from "../cells/rnn";
import type { urnnOps } from "../cells/urnn";
import type { FloatArray } from "../math/tensor";
import { jsWorkspace } from "./js";

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
  info(): { isa: NativeIsa; best: NativeIsa; lanes: number; available: NativeIsa[] };
}

/** The step ops' numbers in native/src/kernels.h. */
const enum Op {
  LstmForward,
  LstmBackward,
  GruForwardGates,
  GruForwardState,
  GruBackwardState,
  GruBackwardReset,
  RnnForward,
  RnnBackward,
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
  const step = (...args: unknown[]) =>
    call(() => {
      own();
      addon.step(...args);
    });

  // Twins of the cells' reference ops (same arguments); false hands a float64 call back to the cell.
  type References = typeof lstmOps & typeof gruOps & typeof rnnOps & typeof urnnOps;
  const ops: { [K in keyof References]: (...args: Parameters<References[K]>) => boolean } = {
    lstmForward(N, H, gates, gOff, cs, hs, prev) {
      if (!(f32(gates) && f32(cs) && f32(hs))) return false;
      const next = prev + N * H;
      step(Op.LstmForward, N, H, false, gates, gOff, cs, prev, cs, next, hs, next);
      return true;
    },
    lstmBackward(N, H, gates, gOff, cs, prev, dH, dcNext, dC, dcPrev, dA) {
      if (!(f32(gates) && f32(cs) && f32(dH) && f32(dcNext) && f32(dC) && f32(dcPrev) && f32(dA))) return false;
      const cur = prev + N * H;
      step(Op.LstmBackward, N, H, false, gates, gOff, cs, prev, cs, cur, dH, prev, dcNext, 0, dC, prev, dcPrev, 0,
        dA, gOff);
      return true;
    },
    gruForwardGates(N, H, gates, gOff, scratch, hs, extra, prev, after) {
      if (!(f32(gates) && f32(scratch) && f32(hs) && f32(extra))) return false;
      step(Op.GruForwardGates, N, H, after, gates, gOff, scratch, 0, hs, prev, extra, prev);
      return true;
    },
    gruForwardState(N, H, gates, gOff, scratch, hs, prev, after) {
      if (!(f32(gates) && f32(scratch) && f32(hs))) return false;
      step(Op.GruForwardState, N, H, after, gates, gOff, scratch, 0, hs, prev, hs, prev + N * H);
      return true;
    },
    gruBackwardState(N, H, gates, gOff, hs, prev, dH, dA, dhPrev) {
      if (!(f32(gates) && f32(hs) && f32(dH) && f32(dA) && f32(dhPrev))) return false;
      step(Op.GruBackwardState, N, H, false, gates, gOff, hs, prev, dH, prev, dA, gOff, dhPrev, 0);
      return true;
    },
    gruBackwardReset(N, H, gates, gOff, hs, extra, prev, drh, dA, dAhh, dhPrev, after) {
      if (!(f32(gates) && f32(hs) && f32(extra) && f32(drh) && f32(dA) && f32(dAhh) && f32(dhPrev))) return false;
      step(Op.GruBackwardReset, N, H, after, gates, gOff, hs, prev, extra, prev, drh, 0, dA, gOff, dAhh, gOff,
        dhPrev, 0);
      return true;
    },
    rnnForward(count, a, aOff, hs, relu) {
      if (!(f32(a) && f32(hs))) return false;
      step(Op.RnnForward, count, 1, relu, a, aOff, hs, aOff + count);
      return true;
    },
    rnnBackward(count, a, aOff, hs, dH, dA, relu) {
      if (!(f32(a) && f32(hs) && f32(dH) && f32(dA))) return false;
      step(Op.RnnBackward, count, 1, relu, a, aOff, hs, aOff + count, dH, aOff, dA, aOff);
      return true;
    },
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
    ops,
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
