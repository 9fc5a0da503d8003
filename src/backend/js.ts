/** The reference backend: plain TypeScript, Float32 and Float64, exact to the equations. */
import { lstmOps } from "../cells/lstm";
import { gruOps } from "../cells/gru";
import { rnnOps } from "../cells/rnn";
import { referenceMatrix, type Kernels, type Workspace } from "../math/kernels";
import { alloc } from "../math/tensor";

export const jsWorkspace: Workspace = {
  begin() {},
  alloc,
  stage: (a) => a,
  keep: (a) => a,
};

export const referenceOps = { ...lstmOps, ...gruOps, ...rnnOps };

export const jsKernels: Kernels = {
  name: "js",
  ...referenceMatrix,
  ops: referenceOps,
  workspace: jsWorkspace,
};
