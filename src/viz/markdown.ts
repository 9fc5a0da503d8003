/**
 * Text as Markdown that renders as exactly that text (the one escaper: notebook tables and progress
 * lines, summary.md and the writeup's tables): data (names from a results file, a
 * progress field) can neither break a table nor become a link, an image, emphasis or HTML.
 * Markup characters become numeric character references, not backslash escapes: every Markdown
 * renderer decodes a reference to the plain character, while backslashes inside table cells
 * are read differently by nbconvert's renderer (`a \\| b` splits the cell and shows the backslash).
 */
export function escapeMarkdown(text: string): string {
  return (
    text
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      // ":" and "www." too: renderers with GFM's autolinks turn a bare http://… or www.… into a link.
      .replace(/[\\`*_{}[\]()#+!|~:]|(?<=www)\./gi, (c) => `&#${c.charCodeAt(0)};`)
      .replace(/\r?\n/g, " ")
  );
}
