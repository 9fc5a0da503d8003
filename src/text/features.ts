/**
 * What a reader can see in source text at each character, for finding the cells that track it (Karpathy,
 * Johnson & Fei-Fei 2015 found cells for line length, quotes, comments and bracket depth in C):
 *
 *   column           characters read since the last newline (0 right after it)
 *   bracket_depth    how many ( [ { are open here
 *   in_string        1 inside a "…" string literal (C escapes honoured; a '"' character literal is not one)
 *   in_comment       1 inside a /* … *\/ or // comment, else 0
 *
 * Each is one number per character, read left to right as the model reads; a character belongs to the
 * state after it is read (the closing quote is outside the string).
 */

/** The features gatescope computes, by name. */
export type TextFeature = "column" | "bracket_depth" | "in_string" | "in_comment";
/** Every feature textFeatures gives. */
export const TEXT_FEATURES: readonly TextFeature[] = ["column", "bracket_depth", "in_string", "in_comment"];

/** One value per character (code point) of `text` for each feature. */
export function textFeatures(text: string): Record<TextFeature, number[]> {
  const out: Record<TextFeature, number[]> = { column: [], bracket_depth: [], in_string: [], in_comment: [] };
  let column = 0, depth = 0;
  let mode: "code" | "string" | "char" | "line" | "block" = "code";
  let prev = "";
  let escaped = false;
  for (const ch of text) {
    if (mode === "string" || mode === "char") {
      if (escaped) escaped = false;
      else if (ch === "\\") escaped = true;
      else if (ch === (mode === "string" ? '"' : "'") || ch === "\n") mode = "code"; // a newline ends a broken one
    } else if (mode === "line") {
      if (ch === "\n") mode = "code";
    } else if (mode === "block") {
      if (prev === "*" && ch === "/") mode = "code";
    } else if (ch === '"') mode = "string";
    else if (ch === "'") mode = "char";
    else if (prev === "/" && ch === "/") mode = "line";
    else if (prev === "/" && ch === "*") mode = "block";
    else if ("([{".includes(ch)) depth++;
    else if (")]}".includes(ch)) depth = Math.max(0, depth - 1);
    column = ch === "\n" ? 0 : column + 1;
    out.column.push(column);
    out.bracket_depth.push(depth);
    out.in_string.push(mode === "string" ? 1 : 0);
    out.in_comment.push(mode === "line" || mode === "block" ? 1 : 0);
    // The "/" that closes a comment must not open another with the next "*".
    prev = mode === "code" && prev === "*" && ch === "/" ? "" : ch;
  }
  return out;
}
