/**
 * Installing never fails because of the native addon: where it cannot be compiled (here, a copy of
 * its sources with a syntax error) scripts/build-native.js — npm's install step — says why and
 * succeeds, and gatescope runs WebAssembly (native.test.ts shows that fallback and its reason).
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { REPO } from "../helpers/paths";
import { tmpDir } from "../helpers/tmp";

describe("native addon at install", function () {
  this.timeout(5 * 60 * 1000);

  it("a build that fails is a warning naming the error, never a failed install", () => {
    const pkg = path.join(tmpDir("install"), "pkg");
    fs.mkdirSync(path.join(pkg, "scripts"), { recursive: true });
    fs.cpSync(path.join(REPO, "native"), path.join(pkg, "native"), { recursive: true });
    for (const f of ["binding.gyp", "package.json", "scripts/build-native.js", "scripts/kernel-id.js",
      "scripts/kernel-lineage.json"])
      fs.copyFileSync(path.join(REPO, f), path.join(pkg, f));
    fs.symlinkSync(path.join(REPO, "node_modules"), path.join(pkg, "node_modules"));
    fs.mkdirSync(path.join(pkg, ".git")); // a checkout: it builds from source
    fs.appendFileSync(path.join(pkg, "native/src/addon.cc"), "\nthis is not C++;\n");
    const r = spawnSync(process.execPath, ["scripts/build-native.js"], { cwd: pkg, encoding: "utf8" });
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stderr).to.match(/^gatescope: native backend not built \(.*error.*\); WebAssembly will be used/m);
    expect(fs.existsSync(path.join(pkg, "build/Release/gatescope.node"))).to.equal(false);
  });
});
