/**
 * A setting said once for a whole experiment: its commonest value over the rows, then the groups
 * whose value differs — "30000 (adding T = 200: 47000; copy T = 100: 50000)". The methods paragraph
 * and the deviations table both say settings this way, from the resolved rows, so neither re-derives
 * which override applies where.
 */
import type { Row } from "./spec";

/** "adding T = 200": a row's task at its length. */
export const lengthOf = (r: Row): string => `${r.task.name} T = ${r.task.T}`;

/** "one recurrent layer", "2 recurrent layers". */
export const layersText = (r: Row): string =>
  (r.rnn.numLayers ?? 1) === 1 ? "one recurrent layer" : `${r.rnn.numLayers} recurrent layers`;

/** A cell's hidden size over its rows: "128 (80 on copy)". */
export const hiddenText = (own: readonly Row[]): string =>
  mostly(own.map((r) => [r.task.name, String(r.rnn.hiddenSize)]), (task, h) => `${h} on ${task}`);

/**
 * The commonest value, then each group that differs from it, said by `say`: "X (a: Y; b: Z)", or "X (…); a: Y"
 * where X has parentheses of its own. `pairs` holds a value per row, so the commonest is the one most rows have.
 */
export function mostly(
  pairs: Array<[group: string, value: string]>,
  say = (group: string, value: string) => `${group}: ${value}`,
): string {
  const count = new Map<string, number>();
  for (const [, v] of pairs) count.set(v, (count.get(v) ?? 0) + 1);
  const common = [...count].reduce((a, b) => (b[1] > a[1] ? b : a))[0];
  const own = [...new Map(pairs.filter(([, v]) => v !== common))].map(([g, v]) => say(g, v));
  if (!own.length) return common;
  // A value with parentheses of its own gets the others after a semicolon, not in parentheses around more.
  return common.includes("(") ? [common, ...own].join("; ") : `${common} (${own.join("; ")})`;
}

/**
 * `value` over the rows, said by cell, by task and length, or row by row ("lstm on adding T = 200") — whichever is
 * shortest among those where each group's rows agree, so no override hides behind another row's value.
 */
export function said(rows: readonly Row[], value: (r: Row) => string): string {
  const groupings = [(r: Row) => r.cell, lengthOf, (r: Row) => `${r.cell} on ${lengthOf(r)}`];
  const agree = (group: (r: Row) => string) => {
    const seen = new Map<string, string>();
    for (const r of rows) {
      const [g, v] = [group(r), value(r)];
      if ((seen.get(g) ?? v) !== v) return false;
      seen.set(g, v);
    }
    return true;
  };
  return groupings
    .filter(agree)
    .map((group) => mostly(rows.map((r) => [group(r), value(r)])))
    .reduce((a, b) => (b.length < a.length ? b : a));
}
