/**
 * A backend's arithmetic, by what decides its float32 bits rather than by its name. Each build states its
 * rounding rules (a·b + c rounded once or twice, how dot products sum, …) and the hash of the sources that
 * compute them (scripts/kernel-id.js); the kernel build id hashes the two. Builds with one id give the same
 * bits — native AVX2 and AVX-512 do — so a run made by one is accepted wherever another runs, and a kernel
 * change gets a new id, so its runs can never mix with older ones unnoticed.
 */
import { createHash } from "crypto";
import type { KernelArithmetic, Kernels } from "../math/kernels";

/** A run's arithmetic, as run files, checkpoints and results record it. */
export interface Arithmetic {
  /** The kernel build id: 16 hex digits of sha256 over the sources' hash and the rules. */
  id: string;
  rules: string;
  /** Every backend known here whose arithmetic has this id: the class a run of this id is accepted by. */
  backends: string[];
}

export const kernelBuildId = (a: KernelArithmetic): string =>
  createHash("sha256").update(`${a.sources}\n${a.rules}`).digest("hex").slice(0, 16);

/** Kernels that say nothing of their arithmetic (a user's own) are a class of one, by name. */
const described = (k: Kernels): KernelArithmetic => k.arithmetic ?? { rules: `${k.name}'s own`, sources: k.name };

/**
 * The arithmetic of `k`, with every backend in `known` (name → what it says of itself, whether or not this
 * CPU runs it) that shares its id.
 */
export function arithmeticOf(k: Kernels, known: ReadonlyArray<{ name: string } & KernelArithmetic>): Arithmetic {
  const own = described(k);
  const id = kernelBuildId(own);
  const backends = new Set([k.name, ...known.filter((b) => kernelBuildId(b) === id).map((b) => b.name)]);
  return { id, rules: own.rules, backends: [...backends].sort() };
}
