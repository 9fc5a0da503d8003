/**
 * Headless Chromium for static export and render checks: Debian's `chromium` (or any Chrome
 * named by GATESCOPE_CHROMIUM), driven by playwright-core. Nothing is downloaded: when no
 * browser is found, the error says how to install one.
 */
import * as fs from "fs";
import { GatescopeError } from "../errors";

const CANDIDATES = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
  "/usr/bin/google-chrome-stable",
];

export function findChromium(): string {
  const forced = process.env.GATESCOPE_CHROMIUM;
  if (forced) {
    if (!fs.existsSync(forced))
      throw new GatescopeError(
        `GATESCOPE_CHROMIUM: expected the path of a Chromium or Chrome executable, got "${forced}", which does not ` +
          `exist`,
      );
    return forced;
  }
  const found = CANDIDATES.find((p) => fs.existsSync(p));
  if (!found) {
    throw new GatescopeError(
      `headless export: expected a Chromium browser at ${CANDIDATES.join(", ")} or in GATESCOPE_CHROMIUM, got none. ` +
        `Install one, e.g. "apt-get install chromium" on Debian/Ubuntu, or set GATESCOPE_CHROMIUM=/path/to/chrome.`,
    );
  }
  return found;
}

/** Flags that keep Chromium quiet and local on a closed network, as root, without a GPU. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

export interface BrowserLike {
  newPage(options?: { viewport?: { width: number; height: number } }): Promise<PageLike>;
  close(): Promise<void>;
}

export interface PageLike {
  goto(url: string, options?: { waitUntil?: "load" | "domcontentloaded" | "networkidle" }): Promise<unknown>;
  addInitScript(script: string): Promise<unknown>;
  waitForFunction(fn: string, arg?: unknown, options?: { timeout?: number }): Promise<unknown>;
  evaluate<R>(fn: string): Promise<R>;
  screenshot(options: { path: string; fullPage?: boolean }): Promise<unknown>;
  on(
    event: "console" | "pageerror",
    handler: (arg: { type?(): string; text?(): string; message?: string }) => void,
  ): void;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<BrowserLike> {
  const executablePath = findChromium();
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { chromium } = require("playwright-core");
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}
