/**
 * Tensors from user data: what each wrong form gets told.
 */
import { expect } from "chai";
import { alloc, checkDType, toTensor } from "../../src/math/tensor";

describe("tensors from user data: what each wrong form gets told", () => {
  it("typed arrays need a full shape, tensors a matching length; nothing over 2 GiB is allocated", () => {
    const f = new Float32Array(6);
    expect(() => toTensor(f, "float32", null, "x")).to.throw(
      "x: expected a tensor {shape, data} or nested array (a flat typed array has no shape), got a Float32Array",
    );
    expect(() => toTensor(f, "float32", [-1, 3], "x")).to.throw(/flat typed array has no shape/);
    expect(() => toTensor(f, "float32", [2, 4], "x")).to.throw(
      "x: expected a typed array of length 8 for shape [2, 4]",
    );
    expect(toTensor(f, "float64", [2, 3], "x").shape).to.deep.equal([2, 3]);
    expect(
      toTensor(new Float32Array(0), "float64", [0, 3], "x").shape,
      "a zero-size axis is a size, not a wildcard",
    ).to.deep.equal([0, 3]);
    expect(() => toTensor({ shape: [2, 2], data: f }, "float32", null, "x")).to.throw(
      "x: expected data of length 4 for shape [2, 2], got a Float32Array of length 6",
    );
    expect(() => alloc("float64", 2 ** 28 + 1)).to.throw(
      "allocation: expected at most 2 GiB per array, got 268435457 float64 values (2.0 GiB); " +
        "use smaller sizes or batches",
    );
    expect(() => checkDType("int8")).to.throw('dtype: expected "float32" or "float64", got "int8"');
  });
});
