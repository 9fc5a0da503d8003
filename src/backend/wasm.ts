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
import { referenceMatrix, type Kernels, type Workspace } from "../math/kernels";
import type { lstmOps } from "../cells/lstm";
import type { gruOps } from "../cells/gru";
import type { rnnOps } from "../cells/rnn";
import { alloc, MAX_ARRAY_BYTES, type DType, type FloatArray } from "../math/tensor";
import { Pool } from "./pool";
import type { Op } from "./protocol";

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
  gemm_nt(
    M: number,
    N: number,
    K: number,
    A: number,
    lda: number,
    B: number,
    ldb: number,
    C: number,
    ldc: number,
    beta: number,
  ): void;
  gemm_tn(
    M: number,
    N: number,
    K: number,
    A: number,
    lda: number,
    B: number,
    ldb: number,
    C: number,
    ldc: number,
    beta: number,
  ): void;
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

type RowOp =
  | "lstm_forward"
  | "lstm_backward"
  | "gru_forward_gates"
  | "gru_forward_state"
  | "gru_backward_state"
  | "gru_backward_reset";
/** Row widths of each gate op's arguments after (N, H), in H-wide blocks; 0 for a flag. */
const ROW_WIDTHS: Record<RowOp, readonly number[]> = {
  lstm_forward: [4, 1, 1, 1, 0, 0, 0, 0], // gates, cPrev, cNext, hNext
  lstm_backward: [4, 1, 1, 1, 1, 1, 1, 4], // gates, cPrev, cCur, dH, dcNext, dC, dcPrev, dA
  gru_forward_gates: [3, 3, 1, 1, 0, 0, 0, 0], // gates, scratch, hPrev, extra, after
  gru_forward_state: [3, 3, 1, 1, 0, 0, 0, 0], // gates, scratch, hPrev, hNext, after
  gru_backward_state: [3, 1, 1, 3, 1, 0, 0, 0], // gates, hPrev, dH, dA, dhPrev
  gru_backward_reset: [3, 1, 1, 1, 3, 3, 1, 0], // gates, hPrev, extra, drh, dA, dAhh, dhPrev, after
};

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
  // A WebAssembly memory only grows; giving it back means a fresh instance (see `release`).
  let memory: WasmMemory, x: Exports, arena: Arena;
  let threads: 1 | 2 = 1;
  let pool: Pool | null = null; // started by the first product worth splitting, over this memory
  type Fn = (...args: number[]) => void;
  const instantiate = () => {
    pool?.close();
    pool = null;
    memory = new WebAssembly.Memory({ initial: 16, maximum: 65536, shared: true });
    const env = {
      memory,
      abort: () => {
        throw new Error("wasm abort");
      },
    };
    x = new WebAssembly.Instance(module, { env }).exports as unknown as Exports;
    // Below the arena: the packing buffers of gemm_nn, one for this thread and one for the worker.
    x.set_pack(x.heap_base());
    arena = new Arena(memory, x.heap_base() + 2 * x.PACK_BYTES.value);
  };
  instantiate();
  const p = (a: FloatArray, off: number) => a.byteOffset + off * 4;
  // Checked per array (no rest arguments): these run inside the time loop, which allocates nothing.
  const ok = (a: FloatArray) => arena.has(a);

  /** The second thread, started on first use; if it cannot start, one thread from then on, with a warning. */
  const worker = (): Pool | null => {
    try {
      return (pool ??= new Pool(module, memory, x.heap_base() + x.PACK_BYTES.value, x as unknown as Record<Op, Fn>));
    } catch (err) {
      threads = 1;
      process.emitWarning(`gatescope: ${(err as Error).message}`);
      return null;
    }
  };
  type Arg = number | boolean;
  /**
   * A per-row gate op over N rows; on two threads, rows [N/2, N) go to the worker. Every pointer
   * argument is an N-row buffer whose row width in H-wide blocks ROW_WIDTHS gives (0: a flag).
   */
  function rows(
    op: RowOp,
    N: number,
    H: number,
    a2: Arg,
    a3: Arg,
    a4: Arg,
    a5: Arg,
    a6: Arg = 0,
    a7: Arg = 0,
    a8: Arg = 0,
    a9: Arg = 0,
  ): void {
    const two = threads === 2 && N * H >= SPLIT_MIN_UNITS ? worker() : null;
    const n0 = two ? N >> 1 : N;
    if (two) {
      const w = ROW_WIDTHS[op],
        o = n0 * H * 4;
      two.post(
        op,
        N - n0,
        H,
        +a2 + w[0] * o,
        +a3 + w[1] * o,
        +a4 + w[2] * o,
        +a5 + w[3] * o,
        +a6 + w[4] * o,
        +a7 + w[5] * o,
        +a8 + w[6] * o,
        +a9 + w[7] * o,
      );
    }
    (x[op] as unknown as Fn)(n0, H, +a2, +a3, +a4, +a5, +a6, +a7, +a8, +a9);
    two?.join();
  }
  /** The vanilla RNN's elementwise ops over `count` values; two threads split at a multiple of 4. */
  function elements(count: number, a: number, h: number, relu: boolean, dH = -1, dA = -1): void {
    const two = threads === 2 && count >= SPLIT_MIN_UNITS ? worker() : null;
    const k0 = two ? (count >> 3) << 2 : count,
      o = k0 * 4;
    if (two && dH < 0) two.post("rnn_forward", count - k0, a + o, h + o, +relu, 0, 0, 0, 0, 0);
    if (two && dH >= 0) two.post("rnn_backward", count - k0, a + o, h + o, dH + o, dA + o, +relu, 0, 0, 0);
    if (dH < 0) x.rnn_forward(k0, a, h, relu);
    else x.rnn_backward(k0, a, h, dH, dA, relu);
    two?.join();
  }

  // Twins of the cells' reference ops (same arguments); false hands the call back to the cell.
  type References = typeof lstmOps & typeof gruOps & typeof rnnOps;
  const ops: { [K in keyof References]: (...args: Parameters<References[K]>) => boolean } = {
    lstmForward(N, H, gates, gOff, cs, hs, prev) {
      if (H % 4 || !(ok(gates) && ok(cs) && ok(hs))) return false;
      rows("lstm_forward", N, H, p(gates, gOff), p(cs, prev), p(cs, prev + N * H), p(hs, prev + N * H));
      return true;
    },
    lstmBackward(N, H, gates, gOff, cs, prev, dH, dcNext, dC, dcPrev, dA) {
      if (H % 4 || !(ok(gates) && ok(cs) && ok(dH) && ok(dcNext) && ok(dC) && ok(dcPrev) && ok(dA))) return false;
      rows(
        "lstm_backward",
        N,
        H,
        p(gates, gOff),
        p(cs, prev),
        p(cs, prev + N * H),
        p(dH, prev),
        p(dcNext, 0),
        p(dC, prev),
        p(dcPrev, 0),
        p(dA, gOff),
      );
      return true;
    },
    gruForwardGates(N, H, gates, gOff, scratch, hs, extra, prev, after) {
      if (H % 4 || !(ok(gates) && ok(scratch) && ok(hs) && ok(extra))) return false;
      rows("gru_forward_gates", N, H, p(gates, gOff), p(scratch, 0), p(hs, prev), p(extra, prev), after);
      return true;
    },
    gruForwardState(N, H, gates, gOff, scratch, hs, prev, after) {
      if (H % 4 || !(ok(gates) && ok(scratch) && ok(hs))) return false;
      rows("gru_forward_state", N, H, p(gates, gOff), p(scratch, 0), p(hs, prev), p(hs, prev + N * H), after);
      return true;
    },
    gruBackwardState(N, H, gates, gOff, hs, prev, dH, dA, dhPrev) {
      if (H % 4 || !(ok(gates) && ok(hs) && ok(dH) && ok(dA) && ok(dhPrev))) return false;
      rows("gru_backward_state", N, H, p(gates, gOff), p(hs, prev), p(dH, prev), p(dA, gOff), p(dhPrev, 0));
      return true;
    },
    gruBackwardReset(N, H, gates, gOff, hs, extra, prev, drh, dA, dAhh, dhPrev, after) {
      if (H % 4 || !(ok(gates) && ok(hs) && ok(extra) && ok(drh) && ok(dA) && ok(dAhh) && ok(dhPrev))) return false;
      rows(
        "gru_backward_reset",
        N,
        H,
        p(gates, gOff),
        p(hs, prev),
        p(extra, prev),
        p(drh, 0),
        p(dA, gOff),
        p(dAhh, gOff),
        p(dhPrev, 0),
        after,
      );
      return true;
    },
    rnnForward(count, a, aOff, hs, relu) {
      if (count % 4 || !(ok(a) && ok(hs))) return false;
      elements(count, p(a, aOff), p(hs, aOff + count), relu);
      return true;
    },
    rnnBackward(count, a, aOff, hs, dH, dA, relu) {
      if (count % 4 || !(ok(a) && ok(hs) && ok(dH) && ok(dA))) return false;
      elements(count, p(a, aOff), p(hs, aOff + count), relu, p(dH, aOff), p(dA, aOff));
      return true;
    },
  };

  return {
    name: `wasm-${build}`,
    get exports() {
      return x;
    },
    get arena() {
      return arena;
    },
    get workspace() {
      return arena;
    },
    // Once retained caches are copied out, nothing a user holds aliases the arena, so between
    // operations the whole memory can be dropped and a fresh, small one taken.
    release() {
      arena.begin();
      instantiate();
    },
    memoryBytes() {
      return memory.buffer.byteLength;
    },
    ops,
    get threads() {
      return threads;
    },
    setThreads(n) {
      threads = n;
    },
    gemm(tA, tB, M, N, K, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc) {
      if ((tA && tB) || !(ok(A) && ok(B) && ok(C)))
        return referenceMatrix.gemm(tA, tB, M, N, K, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc);
      // The kernels overwrite C when beta is 0, except where K = 0 leaves nothing to write.
      if (beta === 0 && K === 0) for (let i = 0; i < M; i++) C.fill(0, cOff + i * ldc, cOff + i * ldc + N);
      const a = p(A, aOff),
        c = p(C, cOff);
      let b = p(B, bOff);
      if (tB && K < 8 && N >= 8) {
        // Dot products this short (an input projection, K = D) cost more in setup than in sums:
        // with Bᵀ laid out K×N, the product vectorises over N instead.
        const bt = arena.scratch(K * N);
        x.transpose(N, K, b, ldb, p(bt, 0));
        [b, tB, ldb] = [p(bt, 0), false, N];
      }
      // Two threads split the output columns at a multiple of 16, so every column takes the
      // path (tile or edge) and the summation order it takes on one thread.
      const two = threads === 2 && N >= 32 && M * N * K >= SPLIT_MIN_MACS ? worker() : null;
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
        x.transpose(K, N, b, ldb, p(bt, 0));
        x.gemm_nt(M, N, K, a, lda, p(bt, 0), K, c, ldc, beta);
      }
    },
    addRowBias(M, N, bias, bOff, C, cOff, ldc) {
      if (!(ok(bias) && ok(C))) return referenceMatrix.addRowBias(M, N, bias, bOff, C, cOff, ldc);
      x.add_row_bias(M, N, p(bias, bOff), p(C, cOff), ldc);
    },
    sumRows(M, N, C, cOff, ldc, out, outOff) {
      if (!(ok(C) && ok(out))) return referenceMatrix.sumRows(M, N, C, cOff, ldc, out, outOff);
      x.sum_rows(M, N, p(C, cOff), ldc, p(out, outOff));
    },
  };
}
