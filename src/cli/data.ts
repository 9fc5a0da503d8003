/** `gatescope data linux-kernel|fortunes`: a character corpus built offline from a Debian package. */
import { SingleBar, Presets } from "cli-progress";
import { GatescopeError } from "../errors";
import { buildCorpus, manifestPath, writeCorpus, type CorpusName } from "../text/corpus";
import { parseCommandArgs } from "./args";

const NAMES: readonly CorpusName[] = ["linux-kernel", "fortunes"];

export async function dataCommand(argv: string[], out: (line: string) => void): Promise<number> {
  const bad = (what: string): never => {
    throw new GatescopeError(`data: ${what}`);
  };
  const given = parseCommandArgs("data", argv, { one: "corpus name", many: "corpus names", min: 1, max: 1 });
  const [name] = given.operands;
  if (!(NAMES as readonly string[]).includes(name)) bad(`expected one of ${NAMES.join(", ")}, got "${name}"`);
  const options: { out: string; seed?: number; characters?: number; source?: string } = { out: `data/${name}.txt` };
  for (const flag of given.given) {
    const value = given.value(flag)!;
    if (flag === "--seed" || flag === "--characters") {
      const n = Number(value);
      if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || (flag === "--characters" && n < 1))
        bad(`${flag}: expected a ${flag === "--seed" ? "non-negative" : "positive"} integer, got "${value}"`);
      options[flag === "--seed" ? "seed" : "characters"] = n;
    } else if (flag === "--out") options.out = value;
    else if (flag === "--source") options.source = value;
    else throw new Error(`data: ${flag} is declared in help.ts but has no branch in dataCommand`);
  }
  if (name === "fortunes" && options.characters !== undefined)
    bad("--characters: expected it with linux-kernel only (fortunes takes every entry)");
  const format = { format: "{bar} {percentage}% | ETA {eta_formatted}" };
  const bar = process.stdout.isTTY ? new SingleBar(format, Presets.shades_classic) : null;
  let started = false;
  const built = await buildCorpus(name as CorpusName, {
    ...options,
    onProgress: (done, total) => {
      if (!bar || total === null) return;
      if (!started) bar.start(total, 0);
      started = true;
      bar.update(done);
    },
  }).finally(() => bar?.stop());
  writeCorpus(options.out, built);
  const m = built.manifest;
  const left = m.skipped_not_utf8 ? `, ${m.skipped_not_utf8} left out (not UTF-8)` : "";
  out(
    `${options.out}: ${m.characters} characters (${m.bytes} bytes, ${m.vocabulary.length} distinct), ` +
      `${m.files} ${name === "fortunes" ? "entries" : "files"}${left}`,
  );
  out(`from ${m.source.package} ${m.source.version}, seed ${m.seed}; SHA-256 ${m.sha256}`);
  out(
    m.known
      ? "the corpus gatescope knows for this package version: committed results made on it compare"
      : `no hash is known for ${m.source.package} ${m.source.version} at these settings: this corpus is its own ` +
          "(results made on it name this hash and are never mixed with others)",
  );
  out(`manifest: ${manifestPath(options.out)}`);
  return 0;
}
