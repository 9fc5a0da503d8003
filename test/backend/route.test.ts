/**
 * native/src/route.h, the plan layer between the addon's checked arguments and the kernels, tested on its own:
 * test/native/route_test.cc is compiled with the base build's kernels and no Node-API, and checks that each shape
 * takes its route, equals a float64 product, and gives one piece's bits when split into chunks of its grain.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as path from "path";
import { REPO } from "../helpers/paths";
import { tmpDir } from "../helpers/tmp";

describe("native GEMM routes, without Node-API", function () {
  this.timeout(2 * 60 * 1000);

  it("every route: the split it asks for, float64's product to rounding, the same bits in chunks", () => {
    const exe = path.join(tmpDir("route"), "route_test");
    // The flags binding.gyp gives every build (its target_defaults), with the base build's ISA.
    const flags = ["-O2", "-std=gnu++17", "-ffp-contract=fast", "-fno-math-errno"];
    const sources = ["test/native/route_test.cc", "native/src/kernels_base.cc"];
    const cc = spawnSync("g++", [...flags, "-Inative/src", ...sources, "-o", exe], { cwd: REPO, encoding: "utf8" });
    expect(cc.status, cc.stderr).to.equal(0);
    const run = spawnSync(exe, { encoding: "utf8" });
    expect(run.status, run.stdout).to.equal(0);
    const lines = run.stdout.trim().split("\n");
    expect(lines).to.have.length(7);
    expect(lines.every((l) => l.startsWith("ok ")), run.stdout).to.equal(true);
  });
});
