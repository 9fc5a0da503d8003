/**
 * The one source of randomness: xoshiro128** 1.0 (Blackman & Vigna, 2018), a small, fast,
 * well-tested 32-bit generator with a 2^128 − 1 period, seeded through SplitMix64 as its
 * authors recommend. An `Rng` is passed explicitly wherever randomness is needed; the
 * library never draws from JavaScript's global generator, so the same seed gives bit-identical
 * runs (test/math/rng.test.ts scans the sources to keep it so).
 * Its state is four uint32 words and can be saved and restored (for resumable training).
 */
import { GatescopeError, fail } from "../errors";

const MASK64 = (1n << 64n) - 1n;

function splitmix64(state: { x: bigint }): bigint {
  state.x = (state.x + 0x9e3779b97f4a7c15n) & MASK64;
  let z = state.x;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k));

/** The one source of randomness (xoshiro128**, seeded through SplitMix64): a seed gives the same draws everywhere. */
export class Rng {
  private s: Uint32Array;

  /** `seed`: a non-negative safe integer. */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed) || seed < 0) fail("Rng seed", "a non-negative safe integer", seed);
    const sm = { x: BigInt(seed) };
    const a = splitmix64(sm);
    const b = splitmix64(sm);
    this.s = new Uint32Array([Number(a & 0xffffffffn), Number(a >> 32n), Number(b & 0xffffffffn), Number(b >> 32n)]);
  }

  /** The stream numbered `index` of a family named by `seed`: independent of Rng(seed)'s own. */
  static derive(seed: number, index: number): Rng {
    if (!Number.isSafeInteger(index) || index < 0) fail("Rng.derive index", "a non-negative safe integer", index);
    const r = new Rng(seed);
    const sm = { x: ((BigInt(r.uint32()) << 32n) | BigInt(r.uint32())) ^ BigInt(index) };
    const a = splitmix64(sm);
    const b = splitmix64(sm);
    r.s.set([Number(a & 0xffffffffn), Number(a >> 32n), Number(b & 0xffffffffn), Number(b >> 32n)]);
    return r;
  }

  /** A generator that continues from a saved `state()`. */
  static fromState(state: readonly number[]): Rng {
    if (
      !Array.isArray(state) ||
      state.length !== 4 ||
      !state.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff)
    ) {
      fail("Rng state", "an array of 4 uint32 words", state);
    }
    if (state.every((w) => w === 0))
      throw new GatescopeError("Rng state: expected at least one non-zero word, got all zeros");
    const r = new Rng(0);
    r.s.set(state);
    return r;
  }

  /** The four 32-bit words of the generator's state, to save and restore with `fromState`. */
  state(): number[] {
    return Array.from(this.s);
  }

  /** Next raw 32-bit output, as an unsigned integer. */
  uint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const a = this.uint32() >>> 5;
    const b = this.uint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** A uniform draw from [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Uniform integer in [0, n), without modulo bias. */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 0x100000000) fail("Rng.int bound", "an integer in [1, 2^32]", n);
    const limit = 0x100000000 - (0x100000000 % n);
    let x = this.uint32();
    while (x >= limit) x = this.uint32();
    return x % n;
  }

  /** Standard normal by Box–Muller (one value per call, so the state stays four words). */
  normal(mean = 0, std = 1): number {
    const u1 = 1 - this.uniform(); // (0, 1]: log stays finite
    const u2 = this.uniform();
    return mean + std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** A new independent stream derived from this one (advances this one). */
  fork(): Rng {
    const r = new Rng(0);
    r.s.set([this.uint32(), this.uint32(), this.uint32(), this.uint32() | 1]);
    return r;
  }
}
