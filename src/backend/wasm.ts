/**
 * The WebAssembly SIMD backend: float32 matrix products and gate math compiled from
 * wasm/assembly/ (AssemblyScript, built by `npm run build:wasm` from npm packages alone).
 * Float64 work, and float32 work on arrays outside its memory or with H not a multiple of 4,
 * goes to the reference TypeScript kernels (a cell op's twin declines, and the cell runs its
 * own), so every call gives a correct answer. Cells without a twin here run their own ops.
 *
 * Memory is a shared WebAssembly.Memory: growing it does not detach the views already handed
 * out during an operation. The workspace is a bump arena reset at each operation's start;
 * results leave it by copy (Workspace.keep), except a forward's caches: they stay in place for
 * the backward that reads them (Workspace.retain), and are copied out only if another operation
 * comes first, so nothing the user holds is ever overwritten.
 */
import * as fs from "fs";
import * as path from "path";
import { GatescopeError } from "../errors";
import { gatescopePackage } from "../package-root";
import { referenceMatrix, type KernelArithmetic, type Kernels, type Workspace } from "../math/kernels";
import { alloc, MAX_ARRAY_BYTES, type DType, type FloatArray } from "../math/tensor";
import { Pool } from "./pool";
import { CONTROL, type Op } from "./protocol";
import { elementwise, STEP_KERNELS, stepTwins, type StepCall } from "./step-ops";

/** C = A·Bᵀ (gemm_nt) or Aᵀ·B (gemm_tn) + beta·C over byte addresses, each matrix with its leading dimension. */
type GemmT = (M: number, N: number, K: number, A: number, lda: number, B: number, ldb: number, C: number,
  ldc: number, beta: number) => void;

interface Exports {
  heap_base(): number;
  set_pack(p: number): void;
  PACK_BYTES: { value: number };
  gemm_nn(
    M: number,
    N: number,
    K: number,
    A: number,
    ars: number,
    acs: number,
    B: number,
    ldb: number,
    C: number,
    ldc: number,
    beta: number,
  ): void;
  gemm_nt: GemmT;
  gemm_tn: GemmT;
  transpose(rows: number, cols: number, src: number, lds: number, dst: number): void;
  add_row_bias(M: number, N: number, b: number, C: number, ldc: number): void;
  sum_rows(M: number, N: number, C: number, ldc: number, out: number): void;
  lstm_forward(N: number, H: number, gates: number, cPrev: number, cNext: number, hNext: number): void;
  lstm_backward(
    N: number,
    H: number,
    gates: number,
    cPrev: number,
    cCur: number,
    dH: number,
    dcNext: number,
    dC: number,
    dcPrev: number,
    dA: number,
  ): void;
  gru_forward_gates(
    N: number,
    H: number,
    gates: number,
    scratch: number,
    hPrev: number,
    extra: number,
    after: boolean,
  ): void;
  gru_forward_state(
    N: number,
    H: number,
    gates: number,
    scratch: number,
    hPrev: number,
    hNext: number,
    after: boolean,
  ): void;
  gru_backward_state(N: number, H: number, gates: number, hPrev: number, dH: number, dA: number, dhPrev: number): void;
  gru_backward_reset(
    N: number,
    H: number,
    gates: number,
    hPrev: number,
    extra: number,
    drh: number,
    dA: number,
    dAhh: number,
    dhPrev: number,
    after: boolean,
  ): void;
  rnn_forward(count: number, a: number, hNext: number, relu: boolean): void;
  rnn_backward(count: number, a: number, hNext: number, dH: number, dA: number, relu: boolean): void;
  exp_f32x4(src: number, dst: number): void;
}

// Node has WebAssembly at run time; TypeScript types it only in the DOM lib, which we do not load.
interface WasmMemory {
  readonly buffer: ArrayBufferLike;
  grow(pages: number): number;
}
declare const WebAssembly: {
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  validate(bytes: Uint8Array): boolean;
};

const PAGE = 65536;

/**
 * Products smaller than this many multiply-adds stay on one thread: handing half to the worker
 * costs about a microsecond each way. Measured with `npm run bench`: H = 32's per-step products
 * (32×128×32) gain nothing from a second thread; H = 128's (32×512×128) do.
 */
const SPLIT_MIN_MACS = 1 << 18;
/** Likewise for gate math: N·H units per step (H = 128's 4096 split; H = 32's 1024 do not). */
const SPLIT_MIN_UNITS = 2048;

/**
 * The two builds of wasm/assembly (scripts/build-wasm.js): relaxed SIMD, whose multiply-adds are
 * fused where the CPU has FMA, and plain SIMD, which every SIMD runtime runs. Their float32
 * results differ in the last bits (one rounding or two); each is bit-for-bit repeatable on one
 * machine, and on every machine for the plain build, whose operations WebAssembly fixes exactly.
 */
export type WasmBuild = "relaxed-simd" | "simd";
export const WASM_BUILDS: readonly WasmBuild[] = ["relaxed-simd", "simd"];

export const wasmPath = (build: WasmBuild = "simd") =>
  path.join(gatescopePackage().root, "wasm", "build", build === "simd" ? "kernels.wasm" : "kernels-relaxed.wasm");

/**
 * Whether this runtime runs relaxed SIMD: Node 22+ does by default; Node 20 does behind a V8 flag,
 * which is switched on here before the first compile (flags set later do not reach compiled code).
 */
export function relaxedSimdSupported(bytes: Uint8Array = fs.readFileSync(wasmPath("relaxed-simd"))): boolean {
  if (WebAssembly.validate(bytes)) return true;
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    require("v8").setFlagsFromString("--experimental-wasm-relaxed-simd");
  } catch {
    return false; // a runtime without V8 flags
  }
  return WebAssembly.validate(bytes);
}

/**
 * A module whose one function returns f32x4.relaxed_madd(splat a, splat b, splat c)'s lane 0: where the
 * engine fuses it, (1 + 2⁻¹²)² − (1 + 2⁻¹¹) is 2⁻²⁴; rounded twice it is 0.
 */
const MADD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x08, 0x01, 0x60, 0x03, 0x7d, 0x7d, 0x7d, 0x01, 0x7d, // type: (f32, f32, f32) → f32
  0x03, 0x02, 0x01, 0x00, // one function of that type
  0x07, 0x05, 0x01, 0x01, 0x6d, 0x00, 0x00, // export "m"
  0x0a, 0x16, 0x01, 0x14, 0x00, // code: one body, no locals
  0x20, 0x00, 0xfd, 0x13, 0x20, 0x01, 0xfd, 0x13, 0x20, 0x02, 0xfd, 0x13, // f32x4.splat of each argument
  0xfd, 0x85, 0x02, 0xfd, 0x1f, 0x00, 0x0b, // f32x4.relaxed_madd, extract lane 0, end
]);

/** Whether this engine fuses relaxed multiply-add (V8 does on x86-64 with FMA); where relaxedSimdSupported(). */
export function relaxedMaddFused(): boolean {
  const { exports } = new WebAssembly.Instance(new WebAssembly.Module(MADD_PROBE), {});
  const m = (exports as { m: (a: number, b: number, c: number) => number }).m;
  const a = 1 + 2 ** -12;
  return m(a, a, -(1 + 2 ** -11)) !== 0;
}

/**
 * A build's arithmetic: plain SIMD rounds a·b + c twice everywhere (WebAssembly fixes it); relaxed SIMD does
 * what the engine does with relaxed_madd, measured here. Null for a relaxed build this runtime cannot run.
 */
export function wasmArithmetic(build: WasmBuild): KernelArithmetic | null {
  const { sources } = JSON.parse(fs.readFileSync(path.join(path.dirname(wasmPath()), "kernels-id.json"), "utf8"));
  if (build === "simd") return { rules: "WebAssembly SIMD: a·b + c rounded twice", sources };
  if (!relaxedSimdSupported()) return null;
  return {
    rules: `WebAssembly relaxed SIMD: a·b + c ${relaxedMaddFused() ? "fused" : "rounded twice"} (this engine's)`,
    sources,
  };
}

class Arena implements Workspace {
  private readonly views = new WeakSet<FloatArray>();
  private top: number;

  constructor(
    private readonly memory: WasmMemory,
    private readonly base: number,
  ) {
    this.top = base;
  }

  has(a: FloatArray): boolean {
    return this.views.has(a);
  }

  /** Owners whose arrays stay in place past their operation, and where the arena's top was then. */
  private resident: { owner: object; keys: readonly string[]; end: number }[] = [];

  begin(reading: readonly object[] = []): void {
    const stay = this.resident.filter((r) => reading.includes(r.owner));
    for (const r of this.resident) {
      if (stay.includes(r)) continue;
      const owner = r.owner as Record<string, FloatArray>;
      for (const k of r.keys) if (this.views.has(owner[k])) owner[k] = owner[k].slice();
    }
    this.resident = stay;
    this.top = Math.max(this.base, ...stay.map((r) => r.end));
    this.scratchView = null;
  }

  retain<T extends object>(owner: T, keys: readonly (keyof T & string)[]): void {
    this.resident.push({ owner, keys, end: this.top });
  }

  drop(owner: object): void {
    this.resident = this.resident.filter((r) => r.owner !== owner);
  }

  private scratchView: Float32Array | null = null;

  /** A float32 scratch buffer of at least `size`, reused within one operation (per-step calls allocate nothing). */
  scratch(size: number): Float32Array {
    if (!this.scratchView || this.scratchView.length < size)
      this.scratchView = this.alloc("float32", size) as Float32Array;
    return this.scratchView;
  }

  alloc(dtype: DType, size: number, zeroed = true): FloatArray {
    if (dtype === "float64") return alloc(dtype, size);
    const start = Math.ceil(this.top / 16) * 16; // v128-aligned (arithmetic: offsets may pass 2^31)
    const end = start + size * 4;
    if (end > MAX_ARRAY_BYTES) {
      throw new GatescopeError(
        `wasm workspace: expected one operation to need at most ${MAX_ARRAY_BYTES / 2 ** 30} GiB, got ` +
          `${(end / 2 ** 30).toFixed(1)} GiB (N×T×H too large for one pass: use smaller batches)`,
      );
    }
    const have = this.memory.buffer.byteLength;
    if (end > have) this.memory.grow(Math.ceil((end - have) / PAGE));
    this.top = end;
    const view = new Float32Array(this.memory.buffer, start, size);
    if (zeroed) view.fill(0);
    this.views.add(view);
    return view;
  }

  stage(a: FloatArray): FloatArray {
    if (a instanceof Float64Array || this.views.has(a)) return a;
    const view = this.alloc("float32", a.length);
    view.set(a);
    return view;
  }

  keep(a: FloatArray): FloatArray {
    return this.views.has(a) ? a.slice() : a;
  }
}

/** One instance of a build and what its pieces below share: its memory, arena and second thread. */
interface WasmState {
  readonly module: object;
  memory: WasmMemory;
  x: Exports;
  arena: Arena;
  threads: 1 | 2;
  /** Started by the first op worth splitting, over this memory. */
  pool: Pool | null;
}
type Fn = (...args: number[]) => void;

/** A fresh instance with a small memory (a WebAssembly memory only grows: giving it back means a new one). */
function instantiate(s: Pick<WasmState, "module" | "pool">): Pick<WasmState, "memory" | "x" | "arena" | "pool"> {
  s.pool?.close();
  const memory = new WebAssembly.Memory({ initial: 16, maximum: 65536, shared: true });
  const abort = () => {
    throw new Error("wasm abort");
  };
  const x = new WebAssembly.Instance(s.module, { env: { memory, abort } }).exports as unknown as Exports;
  // Below the arena: the packing buffers of gemm_nn, one for this thread and one for the worker.
  x.set_pack(x.heap_base());
  return { memory, x, arena: new Arena(memory, x.heap_base() + 2 * x.PACK_BYTES.value), pool: null };
}

/** The second thread, started on first use; if it cannot start, one thread from then on, with a warning. */
function worker(s: WasmState): Pool | null {
  try {
    const pack = s.x.heap_base() + s.x.PACK_BYTES.value;
    return (s.pool ??= new Pool(s.module, s.memory, pack, s.x as unknown as Record<Op, Fn>));
  } catch (err) {
    s.threads = 1;
    process.emitWarning(`gatescope: ${(err as Error).message}`);
    return null;
  }
}

/** A float32 array's element `off` as a byte address in wasm memory. */
const ptr = (a: FloatArray, off: number) => a.byteOffset + off * 4;

/**
 * The step kernels: each call runs in wasm when H (an elementwise kernel: the count) is a
 * multiple of 4 and every buffer is in the arena. On two threads, rows [n0, N) go to the
 * worker; an elementwise kernel splits at a multiple of 4 values, so both halves take the SIMD path.
 */
function stepKernels(s: WasmState): (c: StepCall) => boolean {
  const args = new Float64Array(CONTROL.args);
  /** The arguments for `count` rows from row `first`: (count, H, buffers…, flag), no H if elementwise. */
  const argsFor = (c: StepCall, first: number, count: number) => {
    const widths = STEP_KERNELS[c.kernel];
    let i = 0;
    args[i++] = count;
    if (!elementwise(c.kernel)) args[i++] = c.H;
    for (let b = 0; b < c.size; b++) args[i++] = ptr(c.arrays[b], c.offsets[b] + widths[b] * first * c.H);
    args[i++] = +c.flag;
    args.fill(0, i); // a wasm export ignores arguments past its own
    return args;
  };
  const inArena = (a: FloatArray) => s.arena.has(a);
  return (c) => {
    if ((elementwise(c.kernel) ? c.N : c.H) % 4 || !c.all(inArena)) return false;
    const two = s.threads === 2 && c.N * c.H >= SPLIT_MIN_UNITS ? worker(s) : null;
    const n0 = !two ? c.N : elementwise(c.kernel) ? (c.N >> 3) << 2 : c.N >> 1;
    if (two) {
      const a = argsFor(c, n0, c.N - n0);
      two.post(c.kernel, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10]);
    }
    const a = argsFor(c, 0, n0);
    (s.x[c.kernel] as unknown as Fn)(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10]);
    two?.join();
    return true;
  };
}

/** C = op(A)·op(B) + beta·C in wasm, for arrays in the arena; the reference kernels take the rest. */
function products(s: WasmState): Kernels["gemm"] {
  return (tA, tB, M, N, K, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc) => {
    const { x, arena } = s;
    if ((tA && tB) || !(arena.has(A) && arena.has(B) && arena.has(C)))
      return referenceMatrix.gemm(tA, tB, M, N, K, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc);
    // The kernels overwrite C when beta is 0, except where K = 0 leaves nothing to write.
    if (beta === 0 && K === 0) for (let i = 0; i < M; i++) C.fill(0, cOff + i * ldc, cOff + i * ldc + N);
    const a = ptr(A, aOff),
      c = ptr(C, cOff);
    let b = ptr(B, bOff);
    if (tB && K < 8 && N >= 8) {
      // Dot products this short (an input projection, K = D) cost more in setup than in sums:
      // with Bᵀ laid out K×N, the product vectorises over N instead.
      const bt = arena.scratch(K * N);
      x.transpose(N, K, b, ldb, ptr(bt, 0));
      [b, tB, ldb] = [ptr(bt, 0), false, N];
    }
    // Two threads split the output columns at a multiple of 16, so every column takes the
    // path (tile or edge) and the summation order it takes on one thread.
    const two = s.threads === 2 && N >= 32 && M * N * K >= SPLIT_MIN_MACS ? worker(s) : null;
    const half = two ? (N >> 5) << 4 : 0;
    if (tB) {
      if (two) {
        two.post("gemm_nt", M, N - half, K, a, lda, b + half * ldb * 4, ldb, c + half * 4, ldc, beta);
        x.gemm_nt(M, half, K, a, lda, b, ldb, c, ldc, beta);
        two.join();
      } else x.gemm_nt(M, N, K, a, lda, b, ldb, c, ldc, beta);
    } else if (N >= 8) {
      const ars = tA ? 1 : lda,
        acs = tA ? lda : 1;
      if (two) {
        two.post("gemm_nn", M, N - half, K, a, ars, acs, b + half * 4, ldb, c + half * 4, ldc, beta);
        x.gemm_nn(M, half, K, a, ars, acs, b, ldb, c, ldc, beta);
        two.join();
      } else x.gemm_nn(M, N, K, a, ars, acs, b, ldb, c, ldc, beta);
    } else if (tA) x.gemm_tn(M, N, K, a, lda, b, ldb, c, ldc, beta);
    else {
      // A narrow B (few columns): transpose it so the product becomes dot products along K.
      const bt = arena.scratch(N * K);
      x.transpose(K, N, b, ldb, ptr(bt, 0));
      x.gemm_nt(M, N, K, a, lda, ptr(bt, 0), K, c, ldc, beta);
    }
  };
}

/** Compiles and instantiates one build; throws where WebAssembly SIMD (or relaxed SIMD) or threads are missing. */
export function createWasmKernels(
  build: WasmBuild = "simd",
  bytes: Uint8Array = fs.readFileSync(wasmPath(build)),
): Kernels & { exports: Exports; arena: Arena } {
  if (build === "relaxed-simd" && !relaxedSimdSupported(bytes)) {
    throw new GatescopeError(
      `wasm build "relaxed-simd": expected a runtime with WebAssembly relaxed SIMD (Node 22+, or Node 20 with ` +
        `its V8 flag), got Node ${process.version} without it`,
    );
  }
  const module = new WebAssembly.Module(bytes);
  const s: WasmState = { module, threads: 1, ...instantiate({ module, pool: null }) };
  return {
    name: `wasm-${build}`,
    arithmetic: wasmArithmetic(build)!, // a relaxed build that got here runs
    get exports() {
      return s.x;
    },
    get arena() {
      return s.arena;
    },
    get workspace() {
      return s.arena;
    },
    // Once retained caches are copied out, nothing a user holds aliases the arena, so between
    // operations the whole memory can be dropped and a fresh, small one taken.
    release() {
      s.arena.begin();
      Object.assign(s, instantiate(s));
    },
    memoryBytes() {
      return s.memory.buffer.byteLength;
    },
    ops: stepTwins(stepKernels(s)),
    get threads() {
      return s.threads;
    },
    setThreads(n) {
      s.threads = n;
    },
    gemm: products(s),
    addRowBias(M, N, bias, bOff, C, cOff, ldc) {
      if (!(s.arena.has(bias) && s.arena.has(C))) return referenceMatrix.addRowBias(M, N, bias, bOff, C, cOff, ldc);
      s.x.add_row_bias(M, N, ptr(bias, bOff), ptr(C, cOff), ldc);
    },
    sumRows(M, N, C, cOff, ldc, out, outOff) {
      if (!(s.arena.has(C) && s.arena.has(out))) return referenceMatrix.sumRows(M, N, C, cOff, ldc, out, outOff);
      s.x.sum_rows(M, N, ptr(C, cOff), ldc, ptr(out, outOff));
    },
  };
}
