/**
 * A results manifest says what computed it.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { backendArithmetic, backendInfo } from "../../src/backend";
import { preset } from "../../src/experiment/presets";
import { manifest } from "../../src/experiment/results";
import { REPO } from "../helpers/paths";

describe("a results manifest says what computed it", () => {
  it("library, version, commit, Node, platform, CPU, backend and arithmetic, beside the invocation's fields", () => {
    const fields = {
      command: "gatescope reproduce",
      preset: "tiny",
      seed: 0,
      jobs: 1,
      executor: "local",
      config: preset("tiny", 0),
      started: "2026-01-01T00:00:00.000Z",
      wall_s: 1,
      runs_wall_s: 2,
    };
    const m = manifest(fields);
    const head = spawnSync("git", ["rev-parse", "HEAD"], { cwd: REPO, encoding: "utf8" }).stdout.trim();
    expect(m).to.deep.equal({
      library: "gatescope",
      version: JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")).version,
      git_commit: head || null,
      node: process.version,
      platform: `${os.platform()} ${os.arch()}`,
      cpus: os.cpus().length,
      cpu_model: os.cpus()[0].model,
      backend: backendInfo(),
      arithmetic: backendArithmetic(),
      ...fields,
    });
    expect(m.git_commit, "this checkout is a git repository").to.match(/^[0-9a-f]{40}$/);
  });
});
