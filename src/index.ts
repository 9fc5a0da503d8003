/**
 * gatescope: recurrent networks you can see inside.
 * Engine: RNN, LSTM and GRU layers with exact BPTT, gate traces and ∂L/∂h_t for every step.
 */
export { GatescopeError } from "./errors";
export { Rng } from "./math/rng";
export { sigmoid, type KernelArithmetic, type Kernels, type Workspace, type FastOp } from "./math/kernels";
export type { Arithmetic } from "./backend/arithmetic";
export { jsKernels } from "./backend/js";
export {
  backendArithmetic,
  backendInfo,
  defaultKernels,
  kernelsByName,
  releaseMemory,
  setThreads,
  type BackendName,
  type Threads,
} from "./backend";
export type { WasmBuild } from "./backend/wasm";
export type { NativeIsa } from "./backend/native";
export { initialise, INIT_KINDS, type InitSpec } from "./math/init";
export {
  alloc,
  cloneTensor,
  toNested,
  toTensor,
  zeros,
  type DType,
  type FloatArray,
  type Tensor,
  type TensorLike,
} from "./math/tensor";
export type { GruVariant, GruOptions } from "./cells/gru";
export type { IndrnnOptions } from "./cells/indrnn";
export { LSTM_VARIANTS, LSTM_VARIANT_NOTES, LSTM_PRESETS, type LstmVariant, type LstmOptions } from "./cells/lstm";
export {
  cellDescription,
  cellKinds,
  registerCell,
  unregisterCell,
  option,
  standardParams,
  gateSlots,
  SIGMOID,
  TANH,
  H_SLOT,
  C_SLOT,
  type CellDescription,
  type CellOption,
  type CellOptions,
  type Cell,
  type ParamSpec,
  type GradRole,
  type LayerParams,
  type LayerWork,
  type LayerGradWork,
  type TraceSlot,
  type HiddenInput,
  type CustomInit,
  type BuiltInOptions,
  BUILT_IN_CELLS,
} from "./cells";
export {
  INIT_PRESETS,
  paramShapes,
  resolveConfig,
  type Kind,
  type CellConfig,
  type InitConfig,
  type InitPreset,
  type RecurrentConfig,
  type ResolvedConfig,
} from "./model/config";
export {
  RecurrentNet,
  type BackwardInput,
  type BackwardOptions,
  type BackwardResult,
  type ForwardOptions,
  type ForwardResult,
} from "./model/recurrent";
export { Trace } from "./model/trace";
export {
  gradcheck,
  formatGradcheck,
  numericGrad,
  type GradcheckOptions,
  type GradcheckReport,
  type GradcheckCase,
} from "./model/gradcheck";
export { Linear, lastStep, READOUT_INITS, type LinearConfig, type ReadoutInit } from "./model/readout";
export { mse, softmaxCrossEntropy, type LossResult } from "./model/losses";
export {
  fromPyTorch,
  toPyTorch,
  loadPyTorchSafetensors,
  savePyTorchSafetensors,
  type FromPyTorchOptions,
} from "./io/pytorch";
export {
  decodeSafetensors,
  encodeSafetensors,
  readSafetensors,
  writeSafetensors,
  type SafetensorsContents,
} from "./io/safetensors";
export { loadCheckpoint, saveCheckpoint, type CheckpointFormat } from "./io/checkpoint";
export {
  verifyReference,
  verifyReferenceFile,
  scaleNormalisedError,
  TOLERANCE,
  type ReferenceReport,
  type TensorCheck,
} from "./io/reference";
export { writeFileAtomic } from "./io/atomic";
export { cellColor, cellLabel, sweepColors, type Figure, type PlotlyTrace } from "./viz/figure";
export {
  gradientFlowFigure,
  gradientFlowHeatmap,
  gradientFlowSlider,
  type FlowProfile,
} from "./viz/gradient-flow";
export {
  gateHeatmaps,
  inputChannels,
  unitFigure,
  timeScrubber,
  saturationScatter,
  gateTrajectories,
  gateSaturationHistogram,
  stateNormsFigure,
  type InputChannel,
} from "./viz/gates";
export {
  learningCurves,
  gradientNormsFigure,
  sweepFigure,
  type CurveRun,
  type NormSeries,
  type SweepSeries,
} from "./viz/training";
export { figureHtml, figuresPage, htmlPage, escapeHtml, jsonForScript, plotlyInjection } from "./viz/html";
export { saveFigure, type SaveOptions } from "./viz/export";
export { addStaticImages } from "./viz/static-images";
export { reportHtml, reportFigures, type ReportFigure } from "./experiment/report";
export { comparisonDashboard } from "./experiment/dashboard";
export {
  SequenceModel,
  type SequenceModelConfig,
  type LossStep,
  type Targets,
  type RecurrentState,
} from "./model/sequence-model";
export {
  makeTask,
  testSet,
  validationSet,
  probeBatch,
  TASK_NAMES,
  charLMTask,
  vocabularyOf,
  bitsPerNat,
  type CharLMTask,
  type CharLMOptions,
  type TextStreams,
  type HeldOutStreams,
  type Split,
  type Task,
  type TaskName,
  type TaskConfig,
  type Batch,
  type Evaluation,
} from "./tasks";
export { Optimizer, type OptimizerConfig, type OptimizerState } from "./optim/optimizer";
export { learningRate, type ScheduleConfig } from "./optim/schedule";
export { clipGradients, globalNorm, type ClipConfig } from "./optim/clip";
export {
  train,
  evaluate,
  evaluateStreams,
  probeGradientFlow,
  type Score,
  type TrainResult,
  type TrainCallbacks,
  type TrainOptions,
  type StopSignal,
} from "./train/train";
export { type TrainConfig, type History, type StepRecord, type EvalRecord, type GradFlowRecord } from "./train/config";
export { openCheckpoint, type CheckpointContents, type OpenedCheckpoint } from "./train/checkpoint";
export { gradientNorms, summarizeFlow, stepGains, type FlowSummary } from "./probe/gradient-flow";
export {
  gateStats,
  stateNorms,
  unitSaturation,
  saturationOf,
  addSaturation,
  type GateStats,
  type GateSaturation,
} from "./probe/gates";
export { splitSaturation, readPassage, readWindows, type TextWindows } from "./text/inside";
export {
  saveModel,
  loadModel,
  shippedWeights,
  type ShippedModel,
  type ModelFileInfo,
  type LoadModelOptions,
} from "./io/model-file";
export { findCells, pearson, type CellMatch } from "./probe/cells";
export { textFeatures, TEXT_FEATURES, type TextFeature } from "./text/features";
export { cellTextHtml } from "./viz/text";
export { sampleText, type SampleTextOptions } from "./tasks/sample-text";
export {
  buildCorpus,
  readText,
  readCorpus,
  writeCorpus,
  type CorpusManifest,
  type CorpusName,
  type CorpusOptions,
} from "./text/corpus";
export { type RunTask, type CorpusRef, type CharLMConfig } from "./experiment/task-of";
export {
  expand,
  rows,
  resolveRow,
  pilotSeeds,
  lrOf,
  hiddenForParams,
  recurrentParamCount,
  type Row,
  type TaskKind,
  type ExperimentSpec,
  type RunSpec,
  type CellSpec,
} from "./experiment/spec";
export { runOne, type RunOptions, type RunResult } from "./experiment/run";
export { runAll, type PoolOptions } from "./experiment/pool";
export { StopFlag } from "./experiment/stop-flag";
export { preset, PRESETS, type PresetName } from "./experiment/presets";
export {
  CLAIMS,
  RECIPES,
  findClaim,
  judge,
  type Claim,
  type Expectation,
  type Source,
  type Recipe,
  type Contrasted,
  type Outcome,
  type Verdict,
} from "./experiment/published";
export {
  summarize,
  formatSummary,
  summaryCells,
  metricOnly,
  type SeedStats,
  type SummaryRow,
} from "./experiment/summary";
export { deviations, type Deviation } from "./experiment/deviations";
export { contrasts, type Contrast } from "./experiment/contrasts";
export { measureRows, type MeasureRow } from "./experiment/measures";
export { summaryMarkdown, tableToMarkdown, tableToLatex, type TextTable } from "./experiment/tables";
export { writeup, methodsParagraph, REFERENCES_BIB } from "./experiment/writeup";
export { bootstrapMeanCI, wilsonCI, quantile, median } from "./experiment/stats";
export { madeWith, readResults, parseResults, type ResultsFile, type Manifest } from "./experiment/results";
