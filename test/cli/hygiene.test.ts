/**
 * CLI hygiene and bounded resources: user errors on stderr with exit 2 and no stack, internal
 * errors exit 1 asking for a report, one process per --out, --out checked before any run,
 * --jobs capped, and sizes refused before any memory is taken.
 */
import { expect } from "chai";
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { reportFailure } from "../../src/cli/main";
import { GatescopeError } from "../../src/errors";
import { alloc } from "../../src/math/tensor";
import { Rng } from "../../src/math/rng";
import { RecurrentNet } from "../../src/model/recurrent";
import { CLI } from "../helpers/paths";
import { tmpDir } from "../helpers/tmp";

const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });

describe("command-line hygiene", () => {
  const dir = tmpDir("hygiene");

  it("user errors: stderr, exit 2, the message, no stack", () => {
    for (const args of [["frobnicate"], ["reproduce", "--preset", "huge"], ["collect", path.join(dir, "none")]]) {
      const r = cli(...args);
      expect(r.status, args.join(" ")).to.equal(2);
      expect(r.stderr).to.match(/^gatescope: /);
      expect(r.stderr).to.not.match(/\n\s+at /);
      expect(r.stdout).to.equal("");
    }
  });

  it("internal errors: exit 1 and a request to report; the stack only with --debug", () => {
    const lines: string[] = [];
    expect(reportFailure(new TypeError("x is not a function"), false, (l) => lines.push(l))).to.equal(1);
    expect(lines.join("\n")).to.match(/internal error: x is not a function\nplease report this/);
    expect(lines.join("\n")).to.not.match(/\n\s+at /);
    const debug: string[] = [];
    reportFailure(new TypeError("x is not a function"), true, (l) => debug.push(l));
    expect(debug.join("\n")).to.match(/\n\s+at /);
    expect(reportFailure(new GatescopeError("bad: expected 1, got 2"), false, () => undefined)).to.equal(2);
  });

  it("one process per --out: a live owner's lock refuses, a dead owner's lock is taken over", () => {
    const out = path.join(dir, "locked");
    fs.mkdirSync(out);
    const owner = spawn("sleep", ["30"]);
    fs.writeFileSync(path.join(out, ".gatescope.lock"), String(owner.pid));
    const r = cli("reproduce", "--preset", "tiny", "--out", out);
    owner.kill();
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(new RegExp(`expected no other gatescope process working there, got PID ${owner.pid}`));
    expect(fs.existsSync(path.join(out, "runs", "adding-T12-lstm-s0.json")), "nothing ran").to.equal(false);
    fs.writeFileSync(path.join(out, ".gatescope.lock"), String(spawnSync("true").pid));
    const again = cli("reproduce", "--preset", "tiny", "--out", out, "--jobs", "1000");
    expect(again.status, again.stderr).to.equal(0);
    expect(again.stdout).to.match(new RegExp(`--jobs 1000: .*using ${4 * os.cpus().length}`));
    expect(fs.existsSync(path.join(out, ".gatescope.lock")), "released at the end").to.equal(false);
  });

  it("--out is checked before any run: a file, a read-only place, /proc", () => {
    const file = path.join(dir, "a-file");
    fs.writeFileSync(file, "");
    for (const [out, re] of [
      [file, /--out .*a-file: expected a writable directory, got .*a-file, which is a file/],
      [path.join(file, "sub"), /expected a writable directory, got .*which is a file/],
      [
        "/proc/gatescope-out",
        /--out \/proc\/gatescope-out: expected a writable directory, got E\w+ creating \/proc\/gatescope-out/,
      ],
    ] as const) {
      const r = spawnSync(process.execPath, [CLI, "reproduce", "--preset", "tiny", "--out", out], {
        encoding: "utf8",
        timeout: 20000,
      });
      expect(r.status, `${out}: ${r.stderr}`).to.equal(2);
      expect(r.stderr).to.match(re);
    }
  });

  it("--out on a read-only mount is refused before any run (a real read-only tmpfs)", function () {
    const ro = fs.mkdtempSync(path.join(os.tmpdir(), "gatescope-ro-"));
    const m = spawnSync("mount", ["-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", ro], { encoding: "utf8" });
    if (m.status !== 0) {
      fs.rmSync(ro, { recursive: true, force: true });
      if (process.env.CI) throw new Error(`CI runs as root and must mount a tmpfs: ${m.stderr}`);
      this.skip();
    }
    try {
      for (const out of [ro, path.join(ro, "sub")]) {
        const r = cli("reproduce", "--preset", "tiny", "--out", out);
        expect(r.status, r.stderr).to.equal(2);
        expect(r.stderr).to.match(/expected a writable directory, got EROFS/);
      }
    } finally {
      spawnSync("umount", [ro]);
      fs.rmSync(ro, { recursive: true, force: true });
    }
  });

  it("sizes whose buffers would pass 2 GiB are refused before allocation, with the size they need", () => {
    expect(() => new RecurrentNet({ kind: "lstm", inputSize: 2, hiddenSize: 2 ** 31 }, new Rng(1))).to.throw(
      /config: expected weights of at most 2 GiB each, got inputSize 2, hiddenSize 2147483648: a 8589934592×/,
    );
    expect(() => alloc("float64", 2 ** 28 + 1)).to.throw(
      /allocation: expected at most 2 GiB per array, got 268435457 float64 values \(2.0 GiB\)/,
    );
    expect(alloc("float32", 16).length).to.equal(16);
  });
});
