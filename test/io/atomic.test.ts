/**
 * Writes that are really atomic, on a real full disk: a small tmpfs mounted for the test (CI
 * runs as root). A write either lands whole or leaves the old file and no temporary file.
 */
import { expect } from "chai";
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { writeFileAtomic } from "../../src/io/atomic";
import { GatescopeError } from "../../src/errors";
import { loadCheckpoint, saveCheckpoint } from "../../src/io/checkpoint";
import { RecurrentNet } from "../../src/model/recurrent";
import { Rng } from "../../src/math/rng";
import { CLI } from "../helpers/paths";
import { tmpDir } from "../helpers/tmp";

const temps = (dir: string) => fs.readdirSync(dir).filter((n) => n.includes(".tmp-"));

describe("atomic writes", () => {
  const dir = tmpDir("atomic");

  it("leaves no temporary file and replaces the target whole", () => {
    const f = path.join(dir, "a.json");
    writeFileAtomic(f, "old");
    writeFileAtomic(f, Buffer.alloc(3 << 20, 7));
    expect(fs.statSync(f).size).to.equal(3 << 20);
    expect(temps(dir)).to.deep.equal([]);
  });

  it("removes temporary files that a killed writer left behind, and only those", async () => {
    const f = path.join(dir, "report.html");
    const child = spawn("sleep", ["30"]);
    const dead = spawnSync("true").pid!; // a process that has exited
    fs.writeFileSync(path.join(dir, `.report.html.tmp-${dead}-0`), "half");
    fs.writeFileSync(path.join(dir, `.report.html.tmp-${child.pid}-3`), "in progress");
    fs.writeFileSync(path.join(dir, `.other.html.tmp-${dead}-0`), "not ours");
    // Near misses of the pattern are someone else's files; this process's own may be in flight.
    const kept = [
      `.report.html.tmp-${dead}-0.bak`,
      `.report.html.tmp-x${dead}-0`,
      `.report.html.tmp-${dead}-`,
      `.report.html.tmp-${process.pid}-99`,
    ];
    for (const name of kept) fs.writeFileSync(path.join(dir, name), "keep");
    writeFileAtomic(f, "whole");
    child.kill();
    expect(temps(dir).sort()).to.deep.equal(
      [`.other.html.tmp-${dead}-0`, `.report.html.tmp-${child.pid}-3`, ...kept].sort(),
    );
  });
});

describe("atomic writes when the system misbehaves (faults injected into fs)", () => {
  const dir = tmpDir("atomic-faults");
  // atomic.ts reads fs through live bindings, so replacing a function here reaches it.
  const real = { writeSync: fs.writeSync, fsyncSync: fs.fsyncSync, openSync: fs.openSync };
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const raw = require("fs") as Record<string, unknown>; // the module itself, not this file's read-only view
  afterEach(() => Object.assign(raw, real));
  const errno = (code: string) => Object.assign(new Error(`${code}: injected`), { code });

  it("a short write is continued until every byte is in", () => {
    const f = path.join(dir, "short.bin");
    const sizes: number[] = [];
    raw.writeSync = (fd: number, b: Uint8Array, off: number, len: number) => {
      sizes.push(Math.min(len, 1000));
      return real.writeSync(fd, b, off, Math.min(len, 1000));
    };
    const data = Buffer.from(Array.from({ length: 4500 }, (_, i) => i % 251));
    writeFileAtomic(f, data);
    expect(sizes).to.deep.equal([1000, 1000, 1000, 1000, 500]);
    expect(fs.readFileSync(f).equals(data)).to.equal(true);
  });

  it("a write that makes no progress is an error, not a loop; the old file stays, no temporary file", () => {
    const f = path.join(dir, "stuck.json");
    writeFileAtomic(f, "old");
    let calls = 0;
    raw.writeSync = (fd: number, b: Uint8Array, off: number, len: number) =>
      ++calls === 1 ? real.writeSync(fd, b, off, 2) : 0;
    expect(() => writeFileAtomic(f, "new content")).to.throw(
      GatescopeError,
      new RegExp(
        "expected all 11 bytes written and renamed into place, got EIO after 2 bytes " +
          "\\(the write made no progress\\); the previous file, if any, is unchanged",
      ),
    );
    expect(calls).to.equal(2);
    expect(fs.readFileSync(f, "utf8")).to.equal("old");
    expect(temps(dir)).to.deep.equal([]);
  });

  it("a failing file fsync keeps the old file; a folder that cannot be fsynced is tolerated or reported", () => {
    const f = path.join(dir, "sync.json");
    writeFileAtomic(f, "old");
    raw.fsyncSync = () => {
      throw errno("EIO");
    };
    expect(() => writeFileAtomic(f, "new")).to.throw(/got EIO after 3 bytes .*the previous file, if any, is unchanged/);
    expect(fs.readFileSync(f, "utf8")).to.equal("old");
    // The folder's fsync only (every second call: the file's comes first). Some file systems refuse
    // it (EINVAL…), which is no failure; any other error is reported.
    let n = 0;
    const failDirSync = (code: string) => (fd: number) => {
      if (++n % 2 === 0) throw errno(code);
      real.fsyncSync(fd);
    };
    for (const code of ["EINVAL", "EISDIR", "EPERM", "EBADF"]) {
      raw.fsyncSync = failDirSync(code);
      writeFileAtomic(f, code);
      expect(fs.readFileSync(f, "utf8")).to.equal(code);
    }
    raw.fsyncSync = failDirSync("EIO");
    expect(() => writeFileAtomic(f, "late")).to.throw(
      /got EIO after 4 bytes .*the new file is in place, but its folder/,
    );
    expect(fs.readFileSync(f, "utf8")).to.equal("late");
    expect(temps(dir)).to.deep.equal([]);
  });

  it("a temporary file that cannot be created fails before anything changes", () => {
    const f = path.join(dir, "open.json");
    writeFileAtomic(f, "old");
    raw.openSync = () => {
      throw errno("EACCES");
    };
    expect(() => writeFileAtomic(f, "new")).to.throw(/got EACCES after 0 bytes/);
    raw.openSync = () => {
      throw new Error("no code given");
    };
    expect(() => writeFileAtomic(f, "new")).to.throw(/got an error after 0 bytes \(no code given\)/);
    Object.assign(raw, real);
    expect(fs.readFileSync(f, "utf8")).to.equal("old");
  });
});

describe("on a full disk (a real small tmpfs)", function () {
  const mount = fs.mkdtempSync(path.join(os.tmpdir(), "gatescope-full-"));
  let mounted = false;

  before(function () {
    const r = spawnSync("mount", ["-t", "tmpfs", "-o", "size=192k", "tmpfs", mount], { encoding: "utf8" });
    if (r.status !== 0) {
      if (process.env.CI) throw new Error(`CI runs as root and must mount a tmpfs: ${r.stderr}`);
      this.skip();
    }
    mounted = true;
  });
  after(() => {
    if (mounted) spawnSync("umount", [mount]);
    fs.rmSync(mount, { recursive: true, force: true });
  });

  it("a write that does not fit fails clearly and leaves the old file whole, with no temporary file", () => {
    const f = path.join(mount, "results.json");
    writeFileAtomic(f, "x".repeat(50_000));
    expect(() => writeFileAtomic(f, "y".repeat(400_000))).to.throw(
      /writing .*results.json: expected all 400000 bytes written .*got ENOSPC/,
    );
    expect(fs.readFileSync(f, "utf8")).to.equal("x".repeat(50_000));
    expect(temps(mount)).to.deep.equal([]);
    fs.rmSync(f);
  });

  it("saveCheckpoint never replaces a good checkpoint with a stub", () => {
    const f = path.join(mount, "model.json");
    const small = new RecurrentNet({ kind: "lstm", inputSize: 2, hiddenSize: 8, dtype: "float64" }, new Rng(1));
    saveCheckpoint(small, f);
    const good = fs.readFileSync(f);
    const big = new RecurrentNet({ kind: "lstm", inputSize: 2, hiddenSize: 96, dtype: "float64" }, new Rng(2));
    expect(() => saveCheckpoint(big, f)).to.throw(/ENOSPC/);
    expect(fs.readFileSync(f).equals(good)).to.equal(true);
    expect(loadCheckpoint(f).config.hiddenSize).to.equal(8);
    expect(temps(mount)).to.deep.equal([]);
    fs.rmSync(f);
  });

  it("reproduce on a full disk exits non-zero, names the error, and writes no truncated report", () => {
    const out = path.join(mount, "run");
    const r = spawnSync(process.execPath, [CLI, "reproduce", "--preset", "tiny", "--out", out, "--jobs", "1"], {
      encoding: "utf8",
    });
    expect(r.status).to.not.equal(0);
    expect(r.stderr).to.match(/ENOSPC/);
    const report = path.join(out, "report.html");
    expect(fs.existsSync(report), "no half-written report").to.equal(false);
    const left = fs.existsSync(out) ? fs.readdirSync(out).concat(fs.readdirSync(path.join(out, "runs"))) : [];
    expect(left.filter((n) => n.includes(".tmp-"))).to.deep.equal([]);
  });
});
