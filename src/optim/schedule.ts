/**
 * Learning-rate schedules, as closed forms of the step index s = 0, 1, … (the lr used for the
 * update of step s). An optional linear warm-up of w steps, lr·(s+1)/w, runs first; the
 * schedule then starts at s − w.
 *   constant  η
 *   step      η·γ^⌊s/every⌋                       (torch StepLR)
 *   cosine    η_min + (η − η_min)(1 + cos(π·s/total))/2, held at η_min after `total` (CosineAnnealingLR)
 */
import { checkKeys, fail } from "../errors";

/** A learning-rate schedule, with optional linear warm-up. */
export type ScheduleConfig =
  | { kind: "constant"; warmup?: number }
  | { kind: "step"; every: number; gamma: number; warmup?: number }
  | { kind: "cosine"; total: number; min?: number; warmup?: number };

export function checkSchedule(c: unknown, what = "schedule"): ScheduleConfig {
  if (typeof c !== "object" || c === null) fail(what, "{kind: constant|step|cosine, ...}", c);
  const o = c as Record<string, unknown>;
  const fields: Record<string, string[]> = {
    constant: ["kind", "warmup"],
    step: ["kind", "every", "gamma", "warmup"],
    cosine: ["kind", "total", "min", "warmup"],
  };
  if (typeof o.kind !== "string" || !(o.kind in fields)) fail(`${what}.kind`, "one of constant, step, cosine", o.kind);
  checkKeys(`${what} (${o.kind})`, o, fields[o.kind as string]);
  const int = (k: string, min: number) => {
    if (o[k] !== undefined && (!Number.isInteger(o[k]) || (o[k] as number) < min))
      fail(`${what}.${k}`, `an integer ≥ ${min}`, o[k]);
  };
  int("warmup", 0);
  if (o.kind === "step") {
    int("every", 1);
    if (o.every === undefined) fail(`${what}.every`, "an integer ≥ 1", undefined);
    if (typeof o.gamma !== "number" || !(o.gamma > 0)) fail(`${what}.gamma`, "a positive number", o.gamma);
  }
  if (o.kind === "cosine") {
    int("total", 1);
    if (o.total === undefined) fail(`${what}.total`, "an integer ≥ 1", undefined);
    if (o.min !== undefined && (typeof o.min !== "number" || !(o.min >= 0)))
      fail(`${what}.min`, "a non-negative number", o.min);
  }
  return o as ScheduleConfig;
}

/** The learning rate at step s (from 0) under a schedule. */
export function learningRate(base: number, schedule: ScheduleConfig, s: number): number {
  const w = schedule.warmup ?? 0;
  if (s < w) return (base * (s + 1)) / w;
  const k = s - w;
  switch (schedule.kind) {
    case "constant":
      return base;
    case "step":
      return base * Math.pow(schedule.gamma, Math.floor(k / schedule.every));
    case "cosine": {
      const min = schedule.min ?? 0;
      return k >= schedule.total ? min : min + ((base - min) * (1 + Math.cos((Math.PI * k) / schedule.total))) / 2;
    }
  }
}
