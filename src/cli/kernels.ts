/**
 * The two Jupyter kernels a gatescope notebook runs in: tslab's and Deno's own (`deno jupyter`).
 * The same notebook runs under either (the kit finds the kernel when it shows something), so the
 * kernel is chosen when a notebook is run, not by its file. Each is registered inside a project
 * (under `.jupyter/`, found through JUPYTER_PATH), never in the user's own Jupyter.
 */
import { GatescopeError } from "../errors";

export const KERNEL_KINDS = ["tslab", "deno"] as const;
export type KernelKind = (typeof KERNEL_KINDS)[number];

export interface KernelDef {
  /** The kernelspec's name; the shipped notebooks' metadata names tslab's. */
  name: string;
  displayName: string;
  /** The command Jupyter starts, given the kernel's executable in node_modules/.bin. */
  argv(bin: string): string[];
  /**
   * 0, or the seconds of quiet a headless runner waits for after a last, empty request: Deno's
   * kernel forwards outputs asynchronously, so a cell's outputs can arrive after it reports idle
   * (front ends route them to the cell by their parent header, and so does the runner).
   */
  linger: number;
}

export const KERNELS: Record<KernelKind, KernelDef> = {
  tslab: {
    name: "gatescope-tslab",
    displayName: "TypeScript (gatescope)",
    argv: (bin) => [bin, "kernel", "--config-path", "{connection_file}"],
    linger: 0,
  },
  deno: {
    name: "gatescope-deno",
    displayName: "Deno (gatescope)",
    argv: (bin) => [bin, "jupyter", "--kernel", "--conn", "{connection_file}"],
    linger: 0.5,
  },
};

/** `--kernel tslab|deno|both` → the kinds it names. */
export function kernelChoice(value: string, what: string): KernelKind[] {
  if (value === "both") return [...KERNEL_KINDS];
  if ((KERNEL_KINDS as readonly string[]).includes(value)) return [value as KernelKind];
  throw new GatescopeError(`${what}: expected tslab, deno or both, got "${value}"`);
}

/** kernel.json for `kind`, whose executable is `bin`. */
export function kernelSpecJson(kind: KernelKind, bin: string): string {
  const k = KERNELS[kind];
  return `${JSON.stringify({ argv: k.argv(bin), display_name: k.displayName, language: "typescript" }, null, 2)}\n`;
}
