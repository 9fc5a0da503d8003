export * from "./figure";
export * from "./gradient-flow";
export * from "./gates";
export * from "./training";
