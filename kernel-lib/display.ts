/**
 * The part of tslab's display object the kit uses, typed structurally: pass `tslab.display`
 * or `tslab.newDisplay()` from a notebook cell, or a fake in tests. The kit never
 * `require("tslab")` itself, so a library copy outside the kernel's module graph still works.
 */
export interface DisplayLike {
  html(s: string): void;
  markdown(s: string): void;
}

/**
 * tslab's low-level writer (`require("tslab/dist/jupyter").lastWriteDisplayData`): one
 * display_data message with several mime types, for front ends with a native Plotly renderer.
 */
export type BundleWriter = (
  message: { data: Record<string, unknown>; metadata: Record<string, unknown>; transient?: { display_id?: string } },
  update: boolean,
) => void;
