/**
 * What the kit draws on, typed structurally: the kit's own `display` / `newDisplay()` (either
 * kernel), tslab's `tslab.display` / `tslab.newDisplay()`, or a fake in tests.
 */
export interface DisplayLike {
  html(s: string): void;
  markdown(s: string): void;
}

/** One Jupyter output's data: MIME type → content (text, or JSON for the `+json` types). */
export type MimeBundle = Record<string, unknown>;

/** A display that can also send a whole bundle (several MIME types in one output). */
export interface BundleDisplay extends DisplayLike {
  bundle(data: MimeBundle): void;
}
