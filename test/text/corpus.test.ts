/**
 * Corpora built offline: the tar reader on archives GNU tar writes (long names both ways, files cut short,
 * damaged headers), the kernel corpus's selection on a small tarball made here, determinism by seed, refusals,
 * and — where Debian's packages are installed, as in CI — the real corpora against their known hashes.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { TarReader, type TarFile } from "../../src/text/tar";
import { buildCorpus, KNOWN_CORPORA, packageVersion, readCorpus, writeCorpus } from "../../src/text/corpus";
import { CLI } from "../helpers/paths";
import { tmpDir } from "../helpers/tmp";

const LONG = `drivers/${"very-long-directory-name/".repeat(5)}long.c`; // 135 characters: past ustar's 100
const FILES: Record<string, Buffer> = {
  "a.c": Buffer.from("int a;\n"),
  "include/b.h": Buffer.from("#define B 1 /* ünïcode */\n"),
  [LONG]: Buffer.from("long x = 1;\n".repeat(40)),
  "README": Buffer.from("not a source file\n"),
  "latin1.c": Buffer.from([0x2f, 0x2a, 0xe9, 0x2a, 0x2f, 0x0a]), // "/*é*/" in Latin-1: not UTF-8
  "empty.h": Buffer.alloc(0),
};

describe("corpora", () => {
  const dir = tmpDir("corpus");
  const tree = path.join(dir, "tree");
  for (const [name, data] of Object.entries(FILES)) {
    fs.mkdirSync(path.dirname(path.join(tree, name)), { recursive: true });
    fs.writeFileSync(path.join(tree, name), data);
  }
  const tarball = (format: string) => {
    const file = path.join(dir, `${format}.tar`);
    const r = spawnSync("tar", [`--format=${format}`, "-cf", file, "-C", tree, "--sort=name", "."]);
    expect(r.status, String(r.stderr)).to.equal(0);
    return file;
  };
  const read = (bytes: Buffer, chunk: number) => {
    const files: TarFile[] = [];
    const reader = new TarReader((name) => name.endsWith(".c") || name.endsWith(".h"), (f) => files.push(f));
    for (let at = 0; at < bytes.length; at += chunk) reader.push(bytes.subarray(at, at + chunk));
    reader.end();
    return files;
  };

  for (const format of ["gnu", "pax"]) {
    it(`reads every regular file of a ${format} archive, long names too, in chunks of any size`, () => {
      const bytes = fs.readFileSync(tarball(format));
      for (const chunk of [1, 511, 512, 4096, bytes.length]) {
        const files = read(bytes, chunk);
        const byName = Object.fromEntries(files.map((f) => [f.name.replace(/^\.\//, ""), f]));
        expect(Object.keys(byName).sort()).to.deep.equal(Object.keys(FILES).sort());
        for (const [name, data] of Object.entries(FILES)) {
          expect(byName[name].size).to.equal(data.length);
          const wanted = name.endsWith(".c") || name.endsWith(".h");
          expect(byName[name].data === null ? null : byName[name].data!.equals(data), name).to.equal(
            wanted ? true : null,
          );
        }
      }
    });
  }

  it("an archive cut short or with a damaged header is refused, not read as a shorter one", () => {
    const bytes = fs.readFileSync(tarball("gnu"));
    expect(() => read(bytes.subarray(0, 700), 512)).to.throw(/expected a whole tar archive, got one that ends inside/);
    expect(() => read(bytes.subarray(0, 512 * 3), 512)).to.throw(/expected a (whole tar archive|tar archive's end)/);
    const damaged = Buffer.from(bytes);
    damaged[10] ^= 0xff;
    expect(() => read(damaged, 512)).to.throw(/expected tar headers with valid checksums, got a damaged header/);
  });

  it("the kernel corpus: source files only, not-UTF-8 ones out, cut at N characters, one text per seed", async () => {
    const xz = path.join(dir, "tree.tar.xz");
    fs.writeFileSync(xz, spawnSync("xz", ["-c", tarball("pax")]).stdout);
    const build = (seed: number, characters: number) =>
      buildCorpus("linux-kernel", { source: xz, seed, characters });
    const sources = ["a.c", "include/b.h", LONG].map((n) => FILES[n].toString("utf8"));
    const whole = sources.reduce((n, s) => n + [...s].length, 0);
    const all = await build(0, 10_000).catch((e: Error) => e);
    expect((all as Error).message).to.equal(
      `corpus linux-kernel characters: expected at most the ${whole} the package's sources hold, got 10000`,
    );
    const a = await build(0, whole);
    expect(a.manifest.characters).to.equal(whole);
    expect(a.manifest.skipped_not_utf8).to.equal(1);
    expect(a.manifest.files).to.equal(4); // empty.h too
    for (const s of sources) expect(a.text).to.include(s);
    expect(a.text).to.not.include("not a source file");
    expect((await build(0, whole)).manifest.sha256).to.equal(a.manifest.sha256);
    const orders = new Set<string>();
    for (let seed = 0; seed < 8; seed++) orders.add((await build(seed, whole)).text);
    expect(orders.size, "seeds shuffle the files").to.be.above(1);
    const cut = await build(0, 20);
    expect([...cut.text]).to.have.length(20);
    expect(a.text.startsWith(cut.text)).to.equal(true);
    expect(cut.manifest.vocabulary).to.deep.equal([...new Set(cut.text)].sort());
    expect(cut.manifest.known).to.equal(false);
    expect(cut.manifest.source.version).to.equal(`none (read from ${xz})`); // not the package, whatever is installed
  });

  it("a corpus is written whole, and read back only when its text matches its manifest", async () => {
    const xz = path.join(dir, "tree.tar.xz");
    const built = await buildCorpus("linux-kernel", { source: xz, characters: 30 });
    const file = path.join(dir, "out", "c.txt");
    writeCorpus(file, built);
    expect(readCorpus(file).text).to.equal(built.text);
    fs.appendFileSync(file, "x");
    expect(() => readCorpus(file)).to.throw(/c.txt: expected SHA-256 [0-9a-f]{64} \(its manifest's\), got "[0-9a-f]/);
    fs.rmSync(`${file}.json`);
    expect(() => readCorpus(file)).to.throw(/c.txt: expected its manifest .*c.txt.json \(gatescope data …\), got/);
    const notXz = path.join(dir, "plain.tar.xz");
    fs.writeFileSync(notXz, "plain text");
    const err = await buildCorpus("linux-kernel", { source: notXz }).catch((e: Error) => e);
    expect((err as Error).message).to.match(/plain.tar.xz: expected an xz-compressed tarball, got xz exit 1/);
    const none = await buildCorpus("linux-kernel", { source: path.join(dir, "none") }).catch((e: Error) => e);
    expect((none as Error).message).to.match(/expected .*none \(apt-get install linux-source-6.1\), got no such file/);
  });

  it("the data command refuses what it cannot use, naming it", () => {
    const run = (...args: string[]) => spawnSync(process.execPath, [CLI, "data", ...args], { encoding: "utf8" });
    expect(run("war-and-peace").stderr).to.match(/data: expected one of linux-kernel, fortunes, got "war-and-peace"/);
    expect(run("linux-kernel", "--characters", "0").stderr).to.match(/--characters: expected a positive integer/);
    expect(run("fortunes", "--characters", "9").stderr).to.match(/--characters: expected it with linux-kernel only/);
    expect(run("linux-kernel", "--seed").stderr).to.match(/--seed: expected a value, got none/);
    expect(run("linux-kernel", "--bogus", "1").stderr).to.include(
      'data: expected a corpus name or one of --out, --seed, --characters, --source, got "--bogus"',
    );
  });

  // CI installs both packages (.ci/run): there these build from the package exactly as a user's command does.
  const kernel = packageVersion("linux-source-6.1");
  (kernel === "6.1.192-3" ? it : it.skip)("the Linux kernel slice the tests use matches its known hash", () => {
    const out = path.join(dir, "lk.txt");
    const r = spawnSync(process.execPath, [CLI, "data", "linux-kernel", "--characters", "100000", "--out", out], {
      encoding: "utf8",
    });
    expect(r.status, r.stderr).to.equal(0);
    const { manifest } = readCorpus(out);
    expect(manifest.sha256).to.equal(KNOWN_CORPORA["linux-kernel 6.1.192-3 seed 0 100000 characters"]);
    expect([manifest.known, manifest.characters, manifest.source.version]).to.deep.equal([true, 100000, kernel]);
    expect(r.stdout).to.include("the corpus gatescope knows for this package version");
  });

  const fortunes = packageVersion("fortunes");
  (fortunes === "1:1.99.1-7.3" ? it : it.skip)("the fortunes corpus matches its known hash", async () => {
    const built = await buildCorpus("fortunes");
    expect(built.manifest.sha256).to.equal(KNOWN_CORPORA["fortunes 1:1.99.1-7.3 seed 0"]);
    expect(built.manifest.known).to.equal(true);
  });
});
