/**
 * The committed PyTorch golden files must be what scripts/make_torch_fixtures.py makes: this
 * regenerates them with Debian's python3-torch and compares. CI installs torch (.ci/run); a
 * developer machine without it skips this one check, and CI fails rather than skip.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { FIXTURES, REPO } from "../helpers/paths";
import { tmpDir } from "../helpers/tmp";
import { scaleNormalisedError } from "../../src/io/reference";

const PYTHON = "/usr/bin/python3";
const hasTorch = () => fs.existsSync(PYTHON) && spawnSync(PYTHON, ["-c", "import torch"]).status === 0;

function leaves(v: unknown, out: number[] = []): number[] {
  if (Array.isArray(v)) for (const x of v) leaves(x, out);
  else if (typeof v === "number") out.push(v);
  return out;
}

describe("PyTorch golden files", () => {
  const dir = tmpDir("fixtures");

  it("are reproduced by scripts/make_torch_fixtures.py", function () {
    if (!hasTorch()) {
      if (process.env.CI) throw new Error(`CI must have python3-torch under ${PYTHON} (see .ci/run)`);
      this.skip();
    }
    const r = spawnSync(PYTHON, [path.join(REPO, "scripts/make_torch_fixtures.py"), dir], { encoding: "utf8" });
    expect(r.status, r.stderr).to.equal(0);
    const committed = fs.readdirSync(FIXTURES).filter((f) => f.endsWith(".json")).sort();
    expect(fs.readdirSync(dir).sort()).to.deep.equal(committed);
    for (const f of committed) {
      const a = JSON.parse(fs.readFileSync(path.join(FIXTURES, f), "utf8"));
      const b = JSON.parse(fs.readFileSync(path.join(dir, f), "utf8"));
      for (const key of ["state_dict", "x", "h0", "grad_output", "grad_h_n", "expected"]) {
        const la = leaves(a[key]), lb = leaves(b[key]);
        expect(la.length, `${f} ${key}`).to.equal(lb.length);
        // Inputs are bit-identical; results may differ in the last bits with another BLAS.
        expect(scaleNormalisedError(lb, la), `${f} ${key}`).to.be.at.most(key === "expected" ? 1e-6 : 0);
      }
    }
  });
});
