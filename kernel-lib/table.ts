/** Markdown tables for results: every cell escaped so data cannot break the table or inject HTML. */
import type { DisplayLike } from "./display";
import { escapeMarkdown } from "../src/viz/markdown";

function cell(v: unknown): string {
  const s =
    typeof v === "number"
      ? Number.isInteger(v)
        ? String(v)
        : v.toPrecision(4)
      : v === null || v === undefined
        ? "—"
        : String(v);
  return escapeMarkdown(s);
}

export function markdownTable(
  rows: Array<Record<string, unknown>>,
  columns: string[] = Object.keys(rows[0] ?? {}),
): string {
  const head = `| ${columns.map(cell).join(" | ")} |`;
  const rule = `| ${columns.map(() => "---").join(" | ")} |`;
  return [head, rule, ...rows.map((r) => `| ${columns.map((c) => cell(r[c])).join(" | ")} |`)].join("\n");
}

export function showTable(display: DisplayLike, rows: Array<Record<string, unknown>>, columns?: string[]): void {
  display.markdown(markdownTable(rows, columns));
}
