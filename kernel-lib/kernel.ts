/**
 * The kernel a notebook runs in, found when something is shown: tslab (a Node.js kernel) or Deno's
 * own (`deno jupyter`). Both take the same Jupyter messages — a MIME bundle, optionally under a
 * display id that later updates replace — so every other part of the kit writes bundles through
 * `display` / `newDisplay()` and never asks which kernel it is in. Nothing here is typed from
 * either kernel's declarations: the kit compiles under tslab's TypeScript 5.0 without Deno's types.
 */
import { randomUUID } from "crypto";
import * as path from "path";
import { GatescopeError } from "../src/errors";
import type { BundleDisplay, MimeBundle } from "./display";

/** One kernel's way of sending an output: a new one, or (`update`) a replacement of `displayId`'s. */
export interface KernelOutput {
  readonly name: "tslab" | "deno";
  send(data: MimeBundle, displayId: string | undefined, update: boolean): void;
}

/** What tslab's own `dist/jupyter.js` exports while a cell runs. */
type TslabWriter = (
  message: { data: MimeBundle; metadata: object; transient: { display_id?: string } },
  update: boolean,
) => void;

/**
 * tslab's writer, from the module tslab itself loaded. A `require("tslab")` from here could load a
 * second copy whose writer is never set ("Not ready"), so the public module comes from
 * `__tslab__.require` (the cell's own require) and its `jupyter.js` from beside the cached file.
 */
export function tslabOutput(
  publicModule: unknown,
  cache: Record<string, { exports: unknown } | undefined> = require.cache,
): KernelOutput {
  const entry = Object.entries(cache).find(([, m]) => m?.exports === publicModule);
  if (!entry) {
    throw new GatescopeError("tslab kernel: expected its public module in Node's module cache, got no such module");
  }
  const jupyter = require(path.join(path.dirname(entry[0]), "jupyter.js")) as { lastWriteDisplayData?: TslabWriter };
  return {
    name: "tslab",
    send(data, displayId, update) {
      const write = jupyter.lastWriteDisplayData;
      if (typeof write !== "function") {
        throw new GatescopeError("tslab kernel: expected a running cell to show output from, got none");
      }
      write({ data, metadata: {}, transient: displayId === undefined ? {} : { display_id: displayId } }, update);
    },
  };
}

/** `Deno.jupyter.broadcast`: sends one Jupyter message on the kernel's IOPub channel. */
type DenoBroadcast = (type: string, content: object) => unknown;

/**
 * Deno's kernel, through `Deno.jupyter.broadcast`, which sends at once and in call order.
 * (`Deno.jupyter.display` first awaits formatting, so outputs sent near a cell's end can arrive
 * after the cell has finished and be lost.) A send that fails later is thrown by the next one.
 */
export function denoOutput(broadcast: DenoBroadcast): KernelOutput {
  let failure: unknown = null;
  return {
    name: "deno",
    send(data, displayId, update) {
      if (failure !== null) {
        const err = failure;
        failure = null;
        throw new GatescopeError(`Deno kernel: expected an earlier output to be sent, got ${String(err)}`);
      }
      const transient = displayId === undefined ? {} : { display_id: displayId };
      const sent = broadcast(update ? "update_display_data" : "display_data", { data, metadata: {}, transient });
      Promise.resolve(sent).catch((err) => {
        failure = err;
      });
    },
  };
}

/** What the kit reads from the global scope to tell the kernels apart. */
interface KernelGlobals {
  __tslab__?: { require?: (id: string) => unknown };
  Deno?: { version?: { deno?: string }; jupyter?: { broadcast?: DenoBroadcast } };
  process?: { versions?: { node?: string } };
}

function denoJupyter(g: KernelGlobals): { broadcast?: DenoBroadcast } | undefined {
  try {
    return g.Deno?.jupyter; // a getter that throws outside `deno jupyter`
  } catch {
    return undefined;
  }
}

/** The kernel this code runs in, or an error naming what it runs in instead. */
export function currentKernel(g: KernelGlobals = globalThis as KernelGlobals): KernelOutput {
  if (typeof g.__tslab__?.require === "function") return tslabOutput(g.__tslab__.require("tslab"));
  const jupyter = denoJupyter(g);
  if (typeof jupyter?.broadcast === "function") return denoOutput(jupyter.broadcast.bind(jupyter));
  const where = g.Deno?.version?.deno
    ? `Deno ${g.Deno.version.deno} outside \`deno jupyter\``
    : `Node.js ${g.process?.versions?.node ?? "?"} outside tslab`;
  throw new GatescopeError(
    `display: expected to run in a Jupyter kernel (tslab, or Deno's \`deno jupyter\`), got ${where}; ` +
      `outside a notebook, write a figure to a file with saveFigure(fig, "figure.html")`,
  );
}

let kernel: KernelOutput | null = null;

/** The kernel, found once per session (a restarted kernel loads the kit again). */
function output(): KernelOutput {
  return (kernel ??= currentKernel());
}

/** Sends to the current kernel; `html` and `markdown` are bundles of one type. */
class KernelDisplay implements BundleDisplay {
  private shown = false;
  constructor(private readonly id: string | undefined) {}

  html(s: string): void {
    this.bundle({ "text/html": s });
  }

  markdown(s: string): void {
    this.bundle({ "text/markdown": s });
  }

  bundle(data: MimeBundle): void {
    output().send(data, this.id, this.id !== undefined && this.shown);
    this.shown = true;
  }
}

/** Shows each call as a new output, in whichever kernel runs the notebook (`tslab.display`'s role). */
export const display: BundleDisplay = new KernelDisplay(undefined);

/** One output that each later call replaces in place: live charts and progress lines. */
export function newDisplay(): BundleDisplay {
  return new KernelDisplay(randomUUID());
}

/** Which kernel the notebook runs in: "tslab" or "deno" (an error outside both). */
export function kernelName(): "tslab" | "deno" {
  return output().name;
}
