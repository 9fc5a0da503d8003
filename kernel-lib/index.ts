/** The notebook side of gatescope: inline Plotly figures, live training charts, tables. */
export type { DisplayLike, BundleWriter } from "./display";
export { show, showNative, LiveFigure, ProgressLine, resetInjection, type Clock } from "./show";
export { markdownTable, showTable } from "./table";
