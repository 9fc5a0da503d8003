/**
 * The backend by name: "js" is the TypeScript kernels; a forced backend gives GATESCOPE_BACKEND
 * as its reason.
 */
import { expect } from "chai";
import { backendInfo, kernelsByName } from "../../src/backend";
import { jsKernels } from "../../src/backend/js";

describe("choosing a backend", () => {
  it('"js" names the TypeScript kernels; a forced backend gives GATESCOPE_BACKEND as its reason', () => {
    expect(kernelsByName("js")).to.equal(jsKernels);
    const before = process.env.GATESCOPE_BACKEND;
    try {
      process.env.GATESCOPE_BACKEND = "js";
      expect(backendInfo()).to.deep.equal({ name: "js", reason: "GATESCOPE_BACKEND=js" });
      process.env.GATESCOPE_BACKEND = "wasm-simd";
      expect(backendInfo()).to.deep.equal({ name: "wasm-simd", reason: "GATESCOPE_BACKEND=wasm-simd" });
    } finally {
      if (before === undefined) delete process.env.GATESCOPE_BACKEND;
      else process.env.GATESCOPE_BACKEND = before;
    }
  });
});
