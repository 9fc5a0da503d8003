/**
 * The vanishing-gradient comparison: vanilla tanh RNN vs LSTM vs GRU on long-memory tasks,
 * with gradient-flow profiles at initialisation and after training.
 *   tiny   a smoke test of the whole pipeline (CI): seconds
 *   quick  adding problem at T = 50, 100 and 200, 2 seeds, H = 32: a few minutes on 2 cores
 *   full   adding at T = 100, 200, 400, 750 and copy memory at T = 100, 3 seeds: hours
 * Shared choices: float32 on the fastest backend; Adam; global-norm clipping at 1 (Pascanu et
 * al. 2013) for every cell alike; LSTM forget-gate bias 1; GRU reset-after (PyTorch);
 * PyTorch's default U(±1/√H) initialisation; early stop once the task's criterion holds.
 */
import type { ExperimentSpec, CellSpec } from "./spec";

export type PresetName = "tiny" | "quick" | "full";
export const PRESETS: readonly PresetName[] = ["tiny", "quick", "full"];

export const CELLS: CellSpec[] = [
  { name: "rnn_tanh", rnn: { kind: "rnn_tanh", dtype: "float32" } },
  { name: "lstm", rnn: { kind: "lstm", dtype: "float32", forgetBias: 1 } },
  { name: "gru", rnn: { kind: "gru", dtype: "float32" } },
];

/** Gradient-flow probes every k steps (for the heatmap of gradient flow over training). */
const every = (k: number, steps: number) => Array.from({ length: Math.floor((steps - 1) / k) }, (_, i) => (i + 1) * k);

export function preset(name: PresetName, seed: number): ExperimentSpec {
  switch (name) {
    case "tiny":
      return {
        cells: CELLS, tasks: [{ name: "adding", T: [12] }], seeds: [seed], hidden: 8,
        train: { steps: 40, batchSize: 16, optimizer: { kind: "adam", lr: 0.01 }, clip: { kind: "norm", max: 1 }, evalEvery: 10, testSize: 200, gradFlowAt: [10, 20, 30] },
      };
    case "quick":
      return {
        cells: CELLS, tasks: [{ name: "adding", T: [50, 100, 200] }], seeds: [seed, seed + 1], hidden: 32,
        train: { steps: 5000, batchSize: 32, optimizer: { kind: "adam", lr: 0.01 }, clip: { kind: "norm", max: 1 }, evalEvery: 100, testSize: 500, earlyStop: true, gradFlowAt: every(250, 5000) },
      };
    case "full":
      return {
        cells: CELLS, tasks: [{ name: "adding", T: [100, 200, 400, 750] }, { name: "copy", T: [100] }], seeds: [seed, seed + 1, seed + 2], hidden: 128,
        train: { steps: 10000, batchSize: 50, optimizer: { kind: "adam", lr: 0.001 }, clip: { kind: "norm", max: 1 }, evalEvery: 200, testSize: 1000, earlyStop: true, gradFlowAt: every(500, 10000) },
      };
  }
}

export interface Published {
  text: string;
  /** What the papers' outcome predicts for our run: solved, not solved, or nothing (not reported). */
  expect: "solve" | "fail" | null;
}

/** What the papers report, beside our numbers. Qualitative, from the cited figures and tables. */
export function publishedOutcome(task: string, T: number, cell: string): Published {
  const table: Record<string, Published> = {
    "adding/rnn_tanh": { expect: "fail", text: "fails: stays at the 0.167 baseline (Arjovsky et al. 2016, T = 100–750; Le et al. 2015)" },
    "adding/lstm": { expect: "solve", text: "solves: MSE far below baseline (Arjovsky et al. 2016, T = 100–750, slower as T grows; Le et al. 2015)" },
    "adding/gru": { expect: null, text: "not in these papers (Arjovsky et al. 2016 and Le et al. 2015 compare RNN, IRNN, LSTM, uRNN)" },
    "adding_hs97/lstm": { expect: "solve", text: "solves at T = 100 (Hochreiter & Schmidhuber 1997, exp. 4)" },
    "adding_hs97/rnn_tanh": { expect: "fail", text: "BPTT/RTRL fail at long lags (Hochreiter & Schmidhuber 1997)" },
    "copy/rnn_tanh": { expect: "fail", text: "stays at the baseline (Arjovsky et al. 2016)" },
    "copy/lstm": { expect: "fail", text: "stuck at or near the baseline within the reported budget (Arjovsky et al. 2016, Fig. 1)" },
    "copy/gru": { expect: null, text: "not in Arjovsky et al. 2016" },
    "temporal_order/lstm": { expect: "solve", text: "solves (Hochreiter & Schmidhuber 1997, exp. 6a)" },
    "temporal_order/rnn_tanh": { expect: "fail", text: "BPTT/RTRL fail (Hochreiter & Schmidhuber 1997)" },
  };
  return table[`${task}/${cell}`] ?? { expect: null, text: `not reported for ${task} at T = ${T}` };
}
