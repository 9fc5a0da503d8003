/** `gatescope collect DIR`: merges the finished runs in DIR into results.json, report.html and summary.md. */
import * as path from "path";
import { collect } from "../experiment/collect";
import { runCheckpointStep } from "../experiment/store";
import { formatSummary } from "../experiment/summary";
import { EXPERIMENT_DIR, parseCommandArgs } from "./args";

export function collectCommand(argv: string[], out: (line: string) => void): number {
  const [dir] = parseCommandArgs("collect", argv, EXPERIMENT_DIR).operands;
  const started = new Date();
  const { file, runs, missing, other } = collect(dir, {
    command: ["gatescope", "collect", ...argv].join(" "),
    jobs: 0,
    executor: "collect",
    started: started.toISOString(),
    wall_s: (Date.now() - started.getTime()) / 1000,
  });
  out(formatSummary(file.summary));
  out("");
  out(
    `collected ${runs.length - missing.length} of ${runs.length} runs into ${path.resolve(dir)}/results.json, ` +
      `report.html, summary.md`,
  );
  const a = file.manifest.arithmetic!;
  out(`arithmetic ${a.id} (${a.rules}), made by any of ${a.backends.join(", ")}`);
  const otherwise = new Map(other.map((o) => [o.id, o.made]));
  for (const m of missing) {
    const at = runCheckpointStep(dir, m.id);
    const why = otherwise.has(m.id)
      ? ` (its file was made with ${otherwise.get(m.id)}: to be redone here, never mixed)`
      : at === null
        ? ""
        : ` (in progress: checkpoint at step ${at} of ${m.train.steps})`;
    out(`  missing: ${m.id}${why}`);
  }
  return 0;
}
