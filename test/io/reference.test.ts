/**
 * PyTorch reference files in-process: every missing or malformed part is named.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { verifyReference, verifyReferenceFile } from "../../src/io/reference";
import { REPO } from "../helpers/paths";

describe("PyTorch reference files in-process: every missing or malformed part is named", () => {
  const file = path.join(REPO, "test/fixtures/torch/lstm_l1_float64.json");
  const good = () => JSON.parse(fs.readFileSync(file, "utf8"));
  const verify = (doc: unknown) => () => verifyReference(doc, "ref");

  it("a whole file passes; a damaged one fails naming the field", () => {
    expect(verifyReferenceFile(file).pass).to.equal(true);
    expect(() => verifyReferenceFile(path.join(REPO, "no-such.json"))).to.throw(
      /no-such.json: expected a readable JSON reference file, got ENOENT/,
    );
    expect(verify(null)).to.throw("ref: expected a JSON object, got null");
    expect(verify([])).to.throw("ref: expected a JSON object");
    expect(verify({ ...good(), state_dict: null })).to.throw("ref state_dict: expected an object of nested arrays");
    expect(verify({ ...good(), gru_variant: "both" })).to.throw(
      'ref gru_variant: expected "reset_after" or "reset_before", got "both"',
    );
    for (const key of ["h0", "c0", "grad_output", "grad_h_n", "grad_c_n"]) {
      const doc = good();
      delete doc[key];
      expect(verify(doc), key).to.throw(`ref: expected a field "${key}", got none`);
    }
    expect(verify({ ...good(), expected: null })).to.throw("ref expected: expected an object");
    for (const key of ["output", "h_n", "c_n", "grad_x", "grad_h0", "grad_c0"]) {
      const doc = good();
      delete doc.expected[key];
      expect(verify(doc), key).to.throw(`ref: expected a field "expected.${key}", got none`);
    }
    const noGrads = good();
    noGrads.expected.grads = null;
    expect(verify(noGrads)).to.throw("ref expected.grads: expected an object of nested arrays");
    const oneGrad = good();
    delete oneGrad.expected.grads.weight_hh_l0;
    expect(verify(oneGrad)).to.throw('ref: expected a field "expected.grads.weight_hh_l0", got none');
  });
});
