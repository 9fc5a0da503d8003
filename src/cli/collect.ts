/** `gatescope collect DIR`: merges the finished runs in DIR into results.json, report.html and summary.md. */
import * as path from "path";
import { GatescopeError } from "../errors";
import { collect } from "../experiment/collect";
import { checkpointStep } from "../experiment/store";
import { formatSummary } from "../experiment/summary";

export function collectCommand(argv: string[], out: (line: string) => void): number {
  if (argv.length !== 1 || argv[0].startsWith("--")) {
    throw new GatescopeError(
      `collect: expected one experiment directory, got ${argv.length ? `"${argv.join(" ")}"` : "none"}`,
    );
  }
  const started = new Date();
  const { file, runs, missing, other } = collect(argv[0], {
    command: ["gatescope", "collect", ...argv].join(" "),
    jobs: 0,
    executor: "collect",
    started: started.toISOString(),
    wall_s: (Date.now() - started.getTime()) / 1000,
  });
  out(formatSummary(file.summary));
  out("");
  out(
    `collected ${runs.length - missing.length} of ${runs.length} runs into ${path.resolve(argv[0])}/results.json, ` +
      `report.html, summary.md`,
  );
  const a = file.manifest.arithmetic!;
  out(`arithmetic ${a.id} (${a.rules}), made by any of ${a.backends.join(", ")}`);
  const otherwise = new Map(other.map((o) => [o.id, o.made]));
  for (const m of missing) {
    const at = checkpointStep(argv[0], m.id);
    const why = otherwise.has(m.id)
      ? ` (its file was made with ${otherwise.get(m.id)}: to be redone here, never mixed)`
      : at === null
        ? ""
        : ` (in progress: checkpoint at step ${at} of ${m.train.steps})`;
    out(`  missing: ${m.id}${why}`);
  }
  return 0;
}
