/** The reference backend: plain TypeScript, Float32 and Float64, exact to the equations. */
import { referenceMatrix, type Kernels, type Workspace } from "../math/kernels";
import { alloc } from "../math/tensor";
import { gatescopePackage } from "../package-root";

export const jsWorkspace: Workspace = {
  begin() {},
  alloc: (dtype, size) => alloc(dtype, size),
  stage: (a) => a,
  keep: (a) => a,
  retain() {}, // its arrays are ordinary JS memory: nothing to move
  drop() {},
};

function jsSources(): string {
  try {
    return `gatescope ${gatescopePackage().version}`;
  } catch {
    return "gatescope of unknown version"; // a copy without its package.json
  }
}

/** The reference kernels in TypeScript: float32 and float64, every cell on its own reference ops. */
export const jsKernels: Kernels = {
  name: "js",
  // Its sources are the library's own TypeScript, so its version pins them.
  get arithmetic() {
    return { rules: "TypeScript: float64 operations, rounded to float32 where stored", sources: jsSources() };
  },
  ...referenceMatrix,
  ops: {}, // every cell runs its own reference ops
  workspace: jsWorkspace,
};
