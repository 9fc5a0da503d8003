/**
 * Text as Markdown that renders as exactly that text: data (names from a results file, a
 * progress field) can neither break a table nor become a link, an image, emphasis or HTML.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_{}[\]()#+!|~]/g, (c) => `\\${c}`)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\r?\n/g, " ");
}
