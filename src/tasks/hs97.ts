/**
 * Hochreiter & Schmidhuber 1997's own measure for their experiments 4 (adding) and 6a
 * (temporal order): a sequence is processed wrongly when its output misses the target by the
 * experiment's threshold (|error| ≥ 0.04 at the adding problem's one output; ≥ 0.3 at any of
 * temporal order's outputs), and a trained net is reported by its count of wrong test sequences
 * — 0 to 3 of 2560 for their LSTM (as read by issue 22; the tables are not among our sources).
 * "Solved" is that rate or better: at most 3 wrong per 2560.
 */
import type { Evaluation } from "./task";

export const HS97_MAX_WRONG_RATE = 3 / 2560;

export const HS97_CRITERION = "at most 3 of 2560 test sequences wrong (Hochreiter & Schmidhuber 1997)";

/** HS97's criterion on the measures `hs97Measures` gives: at most 3 wrong per 2560. */
export const hs97Solved = (e: Omit<Evaluation, "solved">): boolean => e.extra.wrong_rate <= HS97_MAX_WRONG_RATE;

/** The counts behind the verdict, as HS97 report them: `wrong` of `of`, and the rate. */
export function hs97Measures(metric: number, wrong: number, of: number, extra: Record<string, number> = {}) {
  return { metric, extra: { ...extra, wrong, of, wrong_rate: wrong / of } };
}
