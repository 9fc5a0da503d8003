/**
 * The experiment's tables as text for papers and notes: Markdown (every cell through the one
 * Markdown escaper, so data can neither break a table nor make a link) and LaTeX with booktabs
 * (TeX's special characters escaped, Unicode math signs spelled as math). One set of rows feeds both,
 * and summary.md beside results.json.
 */
import { CONTRAST_CAPTION, CONTRAST_HEAD, contrastRow, contrasts } from "./contrasts";
import { deviations } from "./deviations";
import { MEASURES_CAPTION, measureCells, measureNames, measureRows } from "./measures";
import { memoryRows, outcomeText } from "./report";
import { madeWith, runsCost, type ResultsFile } from "./results";
import { authorsVerdictText, SEEDS_NOTE, SUMMARY_HEADINGS, summaryCells, summaryKeys, verdictText } from "./summary";
import { escapeMarkdown } from "../viz/markdown";

/** A table of text cells with its caption and label. */
export interface TextTable {
  caption: string;
  label: string;
  head: string[];
  rows: string[][];
}

/** A table as Markdown, cells escaped. */
export function tableToMarkdown(t: TextTable): string {
  const line = (cells: string[]) => `| ${cells.map(escapeMarkdown).join(" | ")} |`;
  const rule = line(t.head.map(() => "---"));
  return [`**${escapeMarkdown(t.caption)}**`, "", line(t.head), rule, ...t.rows.map(line)].join("\n");
}

const TEX: Record<string, string> = {
  "\\": "\\textbackslash{}",
  "{": "\\{",
  "}": "\\}",
  $: "\\$",
  "&": "\\&",
  "#": "\\#",
  "^": "\\^{}",
  _: "\\_",
  "%": "\\%",
  "~": "\\~{}",
  "–": "--",
  "—": "---",
  "÷": "$\\div$",
  "±": "$\\pm$",
  "≤": "$\\le$",
  "≥": "$\\ge$",
  "×": "$\\times$",
  "→": "$\\to$",
  "≈": "$\\approx$",
  "“": "``",
  "”": "''",
  "‖": "$\\|$",
  "∂": "$\\partial$",
  "√": "$\\surd$",
};

export function texEscape(s: string): string {
  return Array.from(s, (ch) => TEX[ch] ?? ch).join("");
}

/** A table as LaTeX (booktabs), cells escaped. */
export function tableToLatex(t: TextTable): string {
  const row = (cells: string[]) => `${cells.map(texEscape).join(" & ")} \\\\`;
  return [
    "% requires \\usepackage{booktabs}",
    "\\begin{table}[t]",
    "\\centering",
    `\\caption{${texEscape(t.caption)}}`,
    `\\label{${t.label}}`,
    `\\begin{tabular}{${t.head.map(() => "l").join("")}}`,
    "\\toprule",
    row(t.head),
    "\\midrule",
    ...t.rows.map(row),
    "\\bottomrule",
    "\\end{tabular}",
    "\\end{table}",
    "",
  ].join("\n");
}

/** The summary, published-vs-ours and deviations tables of a results file. */
export function resultTables(results: ResultsFile): TextTable[] {
  const keys = summaryKeys(results.summary);
  const solves = keys.includes("solved");
  const seeds = [...new Set(results.summary.map((r) => r.seeds))].join("/");
  // Each bootstraps its intervals: computed once here.
  const measured = measureRows(results), measures = measureNames(measured);
  const compared = contrasts(results.manifest.config, results.runs);
  return [
    {
      caption:
        `Test metric of the weights selected on validation: mean over ${seeds} seeds with a bootstrap 95% interval` +
        (solves
          ? "; solve rate with a Wilson 95% interval; steps to solve: median [interquartile range] over the seeds " +
            "that solved"
          : "") +
        `. ${SEEDS_NOTE}`,
      label: "tab:summary",
      head: keys.map((k) => SUMMARY_HEADINGS[k]),
      rows: results.summary.map((r) => {
        const c = summaryCells(r);
        return keys.map((k) => c[k]);
      }),
    },
    {
      caption:
        "Published outcomes beside ours; each verdict is a predicate on the row (inconclusive: its interval spans " +
        "the claim's reference; not comparable: nothing comparable published, or fewer steps than the paper ran " +
        "where that budget cannot show the claim); where the paper states its rate and ours differs, the verdict " +
        "of our runs at its rate.",
      label: "tab:published",
      head: ["task", "T", "cell", "published", "source", "ours", "verdict", "at the paper's rate"],
      rows: results.summary.map((r) => [
        r.task,
        String(r.T),
        r.cell,
        r.published,
        r.source ? `${r.source.paper}, ${r.source.where}` : "—",
        outcomeText(r),
        verdictText(r),
        authorsVerdictText(r) || "—",
      ]),
    },
    ...(memoryRows(results).length
      ? [
          {
            caption:
              "Which input is remembered: test predictions fitted as a·X_first + b·X_second + c, mean over seeds " +
              "(adding both: a = b = 1).",
            label: "tab:memory",
            head: ["task", "T", "cell", "a (first)", "b (second)"],
            rows: memoryRows(results).map((r) => [
              r.task,
              String(r.T),
              r.cell,
              r.first.toPrecision(3),
              r.second.toPrecision(3),
            ]),
          },
        ]
      : []),
    ...(measured.length
      ? [
          {
            caption: MEASURES_CAPTION,
            label: "tab:measures",
            head: ["task", "T", "cell", ...measures, "seeds"],
            rows: measured.map((r) => measureCells(r, measures)),
          },
        ]
      : []),
    ...(compared.length
      ? [{ caption: CONTRAST_CAPTION, label: "tab:contrasts", head: CONTRAST_HEAD, rows: compared.map(contrastRow) }]
      : []),
    {
      caption: "Deviations from the original recipes (ours read from the experiment's spec).",
      label: "tab:deviations",
      head: ["paper", "setting", "paper's", "ours"],
      rows: deviations(results.manifest.config).map((d) => [d.paper, d.setting, d.paper_value, d.ours]),
    },
  ];
}

/** summary.md: what a reader of the repository sees first, every number from results.json. */
export function summaryMarkdown(results: ResultsFile): string {
  const m = results.manifest;
  // The manifest is data from a file too: every field goes through the escaper.
  const by =
    `${m.command} (gatescope ${m.version}, commit ${m.git_commit ?? "unknown"}, ${m.cpus} × ${m.cpu_model}, ` +
    `${madeWith(m)}; the runs took ${runsCost(results.runs)})`;
  return [
    `# gatescope results: preset ${escapeMarkdown(String(m.preset))}, seed ${escapeMarkdown(String(m.seed))}`,
    "",
    `Generated from results.json by ${escapeMarkdown(by)}. Do not edit by hand.`,
    "",
    ...resultTables(results).flatMap((t) => [tableToMarkdown(t), ""]),
  ].join("\n");
}
