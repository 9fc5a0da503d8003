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
import { referenceMatrix, type KernelArithmetic, type Kernels, type MatrixKernels } from "../math/kernels";
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
  add(...args: unknown[]): void;
  copy(...args: unknown[]): void;
  replay(T: number, arrays: FloatArray[], program: Float64Array): void;
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
  const K: Kernels & { isa: NativeIsa } = {
    ...kernelsOver(addon, own),
    name: `native-${chosen}`,
    isa: chosen,
    arithmetic: addon.info().builds[chosen],
    get threads() {
      return threads;
    },
    setThreads(n) {
      threads = n;
      active.delete(addon);
    },
    replay(from, to, body) {
      const d = to >= from ? 1 : -1;
      const program = capture(addon, from, d, Math.abs(to - from) + 1, body);
      if (program) call(() => (own(), addon.replay(program.T, program.arrays, program.code)));
      else for (let t = from; t !== to + d; t += d) body(t, K);
    },
  };
  return K;
}

/** Thrown by a capture's kernels at a call the addon cannot replay; the steps then run one by one. */
class NotReplayable extends Error {}
const refuse = (): never => {
  throw new NotReplayable();
};

/**
 * The kernel calls over `addon`. Over a Recorder (a capture) they run nothing: they refuse what they would hand to
 * the reference (another float type), and take the layer's glue ops (layerOps) besides the step ops.
 */
function kernelsOver(addon: NativeAddon, own: () => void): Omit<Kernels, "name"> {
  const capturing = addon instanceof Recorder;
  // addon.step(op, N, H, flag, array0, offset0, array1, offset1, …), its arguments in one reused list.
  const argv: unknown[] = [];
  const step = (c: StepCall): boolean => {
    if (!c.all(f32)) return capturing ? refuse() : false;
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

  // The layer's glue, natively on float32 (else the reference runs it, which a capture cannot take: it would write
  // now); no uRNN in a capture: its cell is not replayable.
  const glue =
    (kind: "add" | "copy") =>
    (...args: unknown[]): boolean => {
      if (!args.every((a) => typeof a === "number" || f32(a as FloatArray))) return capturing ? refuse() : false;
      call(() => (own(), addon[kind](...args)));
      return true;
    };
  const ops = { ...stepTwins(step), layerAdd: glue("add"), layerCopy: glue("copy"), ...(capturing ? {} : urnn) };
  const reference: MatrixKernels = capturing
    ? { gemm: refuse, addRowBias: refuse, sumRows: refuse }
    : referenceMatrix;
  return {
    ops,
    workspace: jsWorkspace,
    gemm(tA, tB, M, N, K, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc) {
      if ((tA && tB) || !(f32(A) && f32(B) && f32(C)))
        return reference.gemm(tA, tB, M, N, K, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc);
      call(() => (own(), addon.gemm(tA, tB, M, N, K, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc)));
    },
    addRowBias(M, N, b, bOff, C, cOff, ldc) {
      if (!(f32(b) && f32(C))) return reference.addRowBias(M, N, b, bOff, C, cOff, ldc);
      call(() => (own(), addon.addRowBias(M, N, b, bOff, C, cOff, ldc)));
    },
    sumRows(M, N, C, cOff, ldc, out, outOff) {
      if (!(f32(C) && f32(out))) return reference.sumRows(M, N, C, cOff, ldc, out, outOff);
      call(() => (own(), addon.sumRows(M, N, C, cOff, ldc, out, outOff)));
    },
  };
}

/** The replay's call codes (native/src/addon.cc's Kind). */
const KIND = { gemm: 0, addRowBias: 1, sumRows: 2, step: 3, add: 4, copy: 5 } as const;

/** An addon that records the calls made to it, by code, and runs nothing: what a capture's kernels call. */
class Recorder implements NativeAddon {
  calls: Array<[kind: number, args: unknown[]]> = [];
  constructor(private readonly real: NativeAddon) {}
  gemm(...args: unknown[]): void {
    this.calls.push([KIND.gemm, args]);
  }
  addRowBias(...args: unknown[]): void {
    this.calls.push([KIND.addRowBias, args]);
  }
  sumRows(...args: unknown[]): void {
    this.calls.push([KIND.sumRows, args]);
  }
  step(...args: unknown[]): void {
    this.calls.push([KIND.step, args]);
  }
  add(...args: unknown[]): void {
    this.calls.push([KIND.add, args]);
  }
  copy(...args: unknown[]): void {
    this.calls.push([KIND.copy, args]);
  }
  unitary(): void {
    refuse();
  }
  replay(): void {
    refuse();
  }
  setThreads(): void {}
  setIsa(): void {}
  info(): ReturnType<NativeAddon["info"]> {
    return this.real.info();
  }
}

/** The argument tags of a replay program: a number, a boolean, an array (by index). */
const TAG = { number: 0, boolean: 1, array: 2 } as const;

/**
 * One step's calls captured at t = from, from + d (and from + 2d): where every step makes the same calls with the
 * same arrays and only the arrays' offsets move, each by a fixed stride, the program addon.replay runs for T
 * steps (addon.cc says its layout); else null, and the steps run one by one.
 */
function capture(
  addon: NativeAddon, from: number, d: number, T: number, body: (t: number, K: Kernels) => void,
): { T: number; arrays: FloatArray[]; code: Float64Array } | null {
  if (T < 2) return null;
  const rec = new Recorder(addon);
  const K: Kernels = { ...kernelsOver(rec, () => {}), name: "capture" };
  const at = (t: number) => {
    rec.calls = [];
    try {
      body(t, K);
    } catch (err) {
      if (err instanceof NotReplayable) return null;
      throw err;
    }
    return rec.calls;
  };
  const seen = [at(from), at(from + d), ...(T > 2 ? [at(from + 2 * d)] : [])];
  if (seen.some((calls) => calls === null || calls.length !== seen[0]!.length)) return null;
  const [first, ...later] = seen as Array<Array<[number, unknown[]]>>;
  const arrays: FloatArray[] = [];
  const index = new Map<FloatArray, number>();
  const code: number[] = [];
  for (const [c, [kind, args]] of first.entries()) {
    const next = later.map((calls) => calls[c]);
    if (next.some(([k, a]) => k !== kind || a.length !== args.length)) return null;
    code.push(kind, args.length);
    for (const [i, v] of args.entries()) {
      const values = next.map(([, a]) => a[i]);
      if (typeof v === "number") {
        // Only an array's offset may move, by the same stride every step.
        const stride = (values[0] as number) - v;
        const moves = (a: unknown, k: number) => a === v + (k + 1) * stride;
        if ((stride !== 0 && !ArrayBuffer.isView(args[i - 1])) || !values.every(moves)) return null;
        code.push(TAG.number, v, stride);
      } else if (values.some((a) => a !== v)) {
        return null;
      } else if (typeof v === "boolean") {
        code.push(TAG.boolean, v ? 1 : 0, 0);
      } else if (v instanceof Float32Array) {
        if (!index.has(v)) index.set(v, arrays.push(v) - 1);
        code.push(TAG.array, index.get(v)!, 0);
      } else return null;
    }
  }
  return { T, arrays, code: Float64Array.from(code) };
}
