/** The reference backend: plain TypeScript, Float32 and Float64, exact to the equations. */
import { referenceMatrix, type Kernels, type Workspace } from "../math/kernels";
import { alloc } from "../math/tensor";

export const jsWorkspace: Workspace = {
  begin() {},
  alloc: (dtype, size) => alloc(dtype, size),
  stage: (a) => a,
  keep: (a) => a,
  retain() {}, // its arrays are ordinary JS memory: nothing to move
  drop() {},
};

/** The reference kernels in TypeScript: float32 and float64, every cell on its own reference ops. */
export const jsKernels: Kernels = {
  name: "js",
  ...referenceMatrix,
  ops: {}, // every cell runs its own reference ops
  workspace: jsWorkspace,
};
