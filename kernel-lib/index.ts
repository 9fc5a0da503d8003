/** The notebook side of gatescope: inline Plotly figures, live training charts, tables — in tslab or Deno. */
export type { BundleDisplay, DisplayLike, MimeBundle } from "./display";
export { display, newDisplay, kernelName, currentKernel, type KernelOutput } from "./kernel";
export { show, showNative, LiveFigure, ProgressLine, resetInjection, type Clock } from "./show";
export { markdownTable, showTable } from "./table";
export { runWithProgress, type RunWithProgressOptions } from "./run";
