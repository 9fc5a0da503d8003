/**
 * Character corpora built reproducibly offline from Debian packages, as Karpathy, Johnson & Fei-Fei (2015) built
 * theirs from the Linux kernel: every source and header file (.c, .h), shuffled, concatenated.
 *
 *   linux-kernel  /usr/src/linux-source-6.1.tar.xz (package linux-source-6.1): the .c/.h files' paths sorted,
 *                 shuffled with Rng(seed) (Fisher–Yates), read in that order, those not UTF-8 left out, joined
 *                 whole until the text holds `characters` characters (cut there; default 6 206 996, the size a
 *                 presentation of the paper gives; the paper's own text is not stored here)
 *   fortunes      /usr/share/games/fortunes/* (package fortunes): English prose, every entry of the plain-text
 *                 files (entries end at a line holding "%"), shuffled with Rng(seed), joined by blank lines
 *
 * A corpus is recorded with the package's version and the text's SHA-256: a package version gatescope knows
 * must give the known hash (anything else is an error); another version gives a corpus with its own hash, said
 * so, never mixed with runs made on the known one.
 */
import { createHash } from "crypto";
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { GatescopeError, fail } from "../errors";
import { writeFileAtomic } from "../io/atomic";
import { Rng } from "../math/rng";
import { vocabularyOf } from "../tasks/charlm";
import { TarReader, type TarFile } from "./tar";

/** What a corpus is, where it came from and how it was made: enough to make it again and to check it. */
export interface CorpusManifest {
  format: "gatescope.corpus";
  version: 1;
  corpus: CorpusName;
  /** The Debian package it came from and that package's version. */
  source: { package: string; version: string; path: string };
  seed: number;
  /** How many source files (entries for fortunes) went into the text, and how many were left out as not UTF-8. */
  files: number;
  skipped_not_utf8: number;
  characters: number;
  bytes: number;
  sha256: string;
  /** The distinct characters, in code-point order. */
  vocabulary: string[];
  /** Whether the hash is the one gatescope knows for this package version, seed and size. */
  known: boolean;
}

/** The corpora gatescope builds from Debian packages. */
export type CorpusName = "linux-kernel" | "fortunes";

/** The default size of the kernel corpus: 6 206 996 characters (second-hand: a presentation of the paper). */
export const PAPER_KERNEL_CHARACTERS = 6206996;

const SOURCES: Record<CorpusName, { package: string; path: string }> = {
  "linux-kernel": { package: "linux-source-6.1", path: "/usr/src/linux-source-6.1.tar.xz" },
  fortunes: { package: "fortunes", path: "/usr/share/games/fortunes" },
};

/**
 * SHA-256 of the corpora gatescope has built, by package version, seed and size: a build that matches none of
 * these is a corpus of its own (reported, never passed off as the known one).
 */
export const KNOWN_CORPORA: Record<string, string> = {
  "linux-kernel 6.1.192-3 seed 0 6206996 characters":
    "463da731eb855d45dc641b0f5702f76d291337aaba641b6387e01a61a08bd554",
  // The slice the tests build (CI builds it from the package as a user would).
  "linux-kernel 6.1.192-3 seed 0 100000 characters":
    "29bf83cc179dc43d9fa4d2c07763cfe4f2c82327f1d454c120c2bf8714ddc799",
  "fortunes 1:1.99.1-7.3 seed 0": "31fadba57234351fc4495087e3b971ac203e90511d45c293717de565fd7e3ba6",
};

const knownKey = (name: CorpusName, version: string, seed: number, characters: number | null) =>
  `${name} ${version} seed ${seed}${characters === null ? "" : ` ${characters} characters`}`;

/** The installed version of a Debian package, or null. */
export function packageVersion(pkg: string): string | null {
  const r = spawnSync("dpkg-query", ["-W", "-f", "${Version}", pkg], { encoding: "utf8" });
  return r.status === 0 && r.stdout ? r.stdout.trim() : null;
}

const decoder = new TextDecoder("utf-8", { fatal: true });
/** The text of bytes that are UTF-8, or null. */
function utf8(bytes: Buffer): string | null {
  try {
    return decoder.decode(bytes);
  } catch {
    return null;
  }
}

/** Fisher–Yates with the library's one RNG: the same seed, the same order everywhere. */
function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** Streams the tarball through `xz -dc` into a TarReader; progress in decompressed bytes of `total`. */
async function readTarball(
  file: string,
  want: (name: string, size: number) => boolean,
  onFile: (f: TarFile) => void,
  onBytes: (n: number) => void,
): Promise<void> {
  const reader = new TarReader(want, onFile, file);
  const xz = spawn("xz", ["-dc", file], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  xz.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise<number | null>((done, failed) => {
    xz.on("error", (err) =>
      failed(new GatescopeError(`xz: expected the xz program (apt install xz-utils), got ${err.message}`)),
    );
    xz.on("close", done);
  });
  for await (const chunk of xz.stdout) {
    reader.push(chunk as Buffer);
    onBytes((chunk as Buffer).length);
  }
  const code = await exited;
  if (code !== 0)
    throw new GatescopeError(`${file}: expected an xz-compressed tarball, got xz exit ${code}: ${stderr.trim()}`);
  reader.end();
}

/** The uncompressed size of an .xz file, from its index (`xz --robot --list`), for a progress bar; null if unknown. */
function uncompressedSize(file: string): number | null {
  const r = spawnSync("xz", ["--robot", "--list", file], { encoding: "utf8" });
  const totals = r.stdout?.split("\n").find((l) => l.startsWith("totals"));
  const n = totals ? Number(totals.split("\t")[4]) : NaN;
  return Number.isFinite(n) ? n : null;
}

/** Options of a corpus build. */
export interface CorpusOptions {
  seed?: number;
  /** The kernel corpus's size in characters (default PAPER_KERNEL_CHARACTERS); fortunes takes every entry. */
  characters?: number;
  /** Where the package's data is (default: where Debian installs it). */
  source?: string;
  /** Progress: units done of total (decompressed bytes for the kernel, files for fortunes). */
  onProgress?: (done: number, total: number | null) => void;
}

/** Builds a corpus's text and manifest in memory; `writeCorpus` puts them on disk. */
export async function buildCorpus(
  name: CorpusName,
  options: CorpusOptions = {},
): Promise<{ text: string; manifest: CorpusManifest }> {
  if (!(name in SOURCES)) fail("corpus", Object.keys(SOURCES).join(" or "), name);
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed) || seed < 0) fail("corpus seed", "a non-negative integer", seed);
  const { package: pkg } = SOURCES[name];
  const where = options.source ?? SOURCES[name].path;
  if (!fs.existsSync(where))
    throw new GatescopeError(`corpus ${name}: expected ${where} (apt-get install ${pkg}), got no such file`);
  // Data from elsewhere (--source) is no version of the package: nothing known is checked against it.
  const fromPackage = path.resolve(where) === SOURCES[name].path;
  const version = fromPackage ? (packageVersion(pkg) ?? "not installed by dpkg") : `none (read from ${where})`;
  const built =
    name === "linux-kernel" ? await kernelText(where, seed, options) : fortunesText(where, seed, options.onProgress);
  const characters = name === "linux-kernel" ? (options.characters ?? PAPER_KERNEL_CHARACTERS) : null;
  const bytes = Buffer.from(built.text, "utf8");
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const expected = fromPackage ? KNOWN_CORPORA[knownKey(name, version, seed, characters)] : undefined;
  if (expected !== undefined && expected !== sha256) {
    throw new GatescopeError(
      `corpus ${name} from ${pkg} ${version}: expected SHA-256 ${expected} (the corpus gatescope knows for this ` +
        `version), got ${sha256}: the package's files are not the ones it was built from`,
    );
  }
  const vocabulary = vocabularyOf(built.text);
  const manifest: CorpusManifest = {
    format: "gatescope.corpus",
    version: 1,
    corpus: name,
    source: { package: pkg, version, path: where },
    seed,
    files: built.files,
    skipped_not_utf8: built.skipped,
    characters: [...built.text].length,
    bytes: bytes.length,
    sha256,
    vocabulary,
    known: expected !== undefined,
  };
  return { text: built.text, manifest };
}

async function kernelText(tarball: string, seed: number, options: CorpusOptions) {
  const target = options.characters ?? PAPER_KERNEL_CHARACTERS;
  if (!Number.isSafeInteger(target) || target < 1) fail("corpus characters", "a positive integer", target);
  const total = uncompressedSize(tarball);
  let done = 0;
  const progress = (n: number) => options.onProgress?.((done += n), total === null ? null : 2 * total);
  const isSource = (name: string) => /\.[ch]$/.test(name);
  // Pass 1: every source file's path and size. Pass 2: the bytes of the first files in shuffled order.
  const sizes = new Map<string, number>();
  await readTarball(tarball, () => false, (f) => isSource(f.name) && sizes.set(f.name, f.size), progress);
  const order = shuffled([...sizes.keys()].sort(), new Rng(seed));
  // Bytes ≥ characters, and some files are not UTF-8: twice the target in bytes is read, and checked below.
  const chosen = new Set<string>();
  let bytes = 0;
  for (const name of order) {
    if (bytes >= 2 * target) break;
    chosen.add(name);
    bytes += sizes.get(name)!;
  }
  const data = new Map<string, Buffer>();
  await readTarball(tarball, (name) => chosen.has(name), (f) => data.set(f.name, f.data!), progress);
  const parts: string[] = [];
  let characters = 0;
  let skipped = 0;
  for (const name of order) {
    if (characters >= target) break;
    if (!chosen.has(name))
      fail("corpus linux-kernel", `${target} characters of UTF-8 sources in the files read`, characters);
    const text = utf8(data.get(name)!);
    if (text === null) {
      skipped++;
      continue;
    }
    parts.push(text);
    characters += [...text].length;
  }
  if (characters < target)
    fail("corpus linux-kernel characters", `at most the ${characters} the package's sources hold`, target);
  const whole = [...parts.join("")];
  return { text: whole.slice(0, target).join(""), files: parts.length, skipped };
}

function fortunesText(dir: string, seed: number, onProgress: CorpusOptions["onProgress"]) {
  // The plain-text files: not the .dat indexes, not the .u8 copies, not links (the same file twice).
  const files = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && !/\.(dat|u8)$/.test(e.name))
    .map((e) => e.name)
    .sort();
  const entries: string[] = [];
  let skipped = 0;
  files.forEach((name, i) => {
    const text = utf8(fs.readFileSync(path.join(dir, name)));
    if (text === null) skipped++;
    else entries.push(...text.split(/^%\n/m).map((e) => e.trimEnd()).filter((e) => e.length > 0));
    onProgress?.(i + 1, files.length);
  });
  if (entries.length === 0) throw new GatescopeError(`corpus fortunes: expected fortune files in ${dir}, got none`);
  return { text: `${shuffled(entries, new Rng(seed)).join("\n\n")}\n`, files: entries.length, skipped };
}

/** The manifest's path beside a corpus file. */
export const manifestPath = (file: string): string => `${file}.json`;

/** Writes the text, then its manifest, each whole or not at all (a text without its manifest is not a corpus). */
export function writeCorpus(file: string, built: { text: string; manifest: CorpusManifest }): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.rmSync(manifestPath(file), { force: true });
  writeFileAtomic(file, built.text);
  writeFileAtomic(manifestPath(file), `${JSON.stringify(built.manifest, null, 1)}\n`);
}

/** A corpus written by `writeCorpus`, its text checked against its manifest's length and SHA-256. */
export function readCorpus(file: string): { text: string; manifest: CorpusManifest } {
  let manifest: CorpusManifest;
  try {
    manifest = JSON.parse(fs.readFileSync(manifestPath(file), "utf8"));
  } catch (err) {
    throw new GatescopeError(
      `corpus ${file}: expected its manifest ${manifestPath(file)} (gatescope data …), got ${(err as Error).message}`,
    );
  }
  if (manifest?.format !== "gatescope.corpus" || manifest.version !== 1)
    fail(
      `corpus ${manifestPath(file)}`,
      'format "gatescope.corpus" version 1',
      `${manifest?.format} ${manifest?.version}`,
    );
  const bytes = fs.readFileSync(file);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  if (sha256 !== manifest.sha256) fail(`corpus ${file}`, `SHA-256 ${manifest.sha256} (its manifest's)`, sha256);
  return { text: bytes.toString("utf8"), manifest };
}

/**
 * Any text a language model can read: a corpus written by `writeCorpus` (checked against its manifest), or a plain
 * UTF-8 file without one, whose SHA-256 and vocabulary are computed here. Not UTF-8, or empty: an error.
 */
export function readText(file: string): { text: string; sha256: string; vocabulary: string[] } {
  if (fs.existsSync(manifestPath(file))) {
    const { text, manifest } = readCorpus(file);
    return { text, sha256: manifest.sha256, vocabulary: manifest.vocabulary };
  }
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    throw new GatescopeError(`text ${file}: expected a readable file, got ${(err as Error).message}`);
  }
  const text = utf8(bytes);
  if (text === null) fail(`text ${file}`, "UTF-8 text", "bytes that are not UTF-8");
  if (text!.length === 0) fail(`text ${file}`, "at least one character", "an empty file");
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  return { text: text!, sha256, vocabulary: vocabularyOf(text!) };
}
