/**
 * What the papers report, as data: each claim names its task, cells and lengths, what outcome
 * it predicts, and its exact source (paper, figure or section, a short quote, and where that
 * quote was checked). `judge` decides agree / deviate / not comparable from a summary row, so
 * no "agrees" is typed by hand.
 */
import type { TaskName } from "../tasks";

/**
 *   solve                    every seed's selected weights meet the task's criterion on test
 *   fail                     no seed does
 *   at_baseline              no seed solves and the interval's low end is ≥ 0.9 × baseline
 *   beats_baseline           the interval's high end is below the baseline
 *   below_baseline_unsolved  below the baseline (high end < baseline), and no seed solves
 */
export type Expectation = "solve" | "fail" | "at_baseline" | "beats_baseline" | "below_baseline_unsolved";

export interface Source {
  paper: string;
  where: string;
  quote: string;
  /** Where the quote was read, or that it could not be checked here ("" quote: none to give). */
  checked: string;
}

export interface Claim {
  task: TaskName;
  /** Experiment cell names the claim is about. */
  cells: string[];
  /** Inclusive range of T it covers. */
  T: [number, number];
  /** null: the paper reports no outcome we can compare (not run, or a budget far from ours). */
  expect: Expectation | null;
  text: string;
  source: Source;
}

const ARJOVSKY = "Arjovsky, Shah & Bengio 2016, Unitary Evolution Recurrent Neural Networks (ICML)";
const HS97 = "Hochreiter & Schmidhuber 1997, Long Short-Term Memory (Neural Computation 9(8))";
const DRAFT = "authors' repository amarshah/complex_RNN, paper/uRNN/uRNN.tex (a draft of the paper)";
const NOT_STORED = "not checkable here: the final ICML text is not among the stored sources; as read by issue 9";
const TANH = ["rnn_tanh", "rnn_tanh_orth"];

export const CLAIMS: Claim[] = [
  {
    task: "adding",
    cells: TANH,
    T: [100, 750],
    expect: "at_baseline",
    text: "the tanh RNN stays at the 0.167 baseline",
    source: { paper: ARJOVSKY, where: "§4.2, Fig. 2 (adding problem)", quote: "", checked: NOT_STORED },
  },
  {
    task: "adding",
    cells: ["lstm"],
    T: [100, 400],
    expect: "solve",
    text: "the LSTM beats the baseline convincingly up to T = 400",
    source: { paper: ARJOVSKY, where: "§4.2, Fig. 2", quote: "", checked: NOT_STORED },
  },
  {
    task: "adding",
    cells: ["lstm"],
    T: [750, 750],
    expect: "below_baseline_unsolved",
    text: "at T = 750 the LSTM gets below the baseline but its MSE does not reach close to 0",
    source: {
      paper: ARJOVSKY,
      where: "§4.2, Fig. 2",
      quote: "the MSE does not reach close to 0",
      checked: NOT_STORED,
    },
  },
  {
    task: "adding",
    cells: ["irnn"],
    T: [2, 100000],
    expect: null,
    text:
      "Le et al. 2015's tanh RNN solved T = 150 and the IRNN T = 300, after over a million iterations — a budget " +
      "two orders of magnitude above ours, so no outcome is predicted here",
    source: { paper: `${ARJOVSKY}, on Le, Jaitly & Hinton 2015`, where: "§4.2", quote: "", checked: NOT_STORED },
  },
  {
    task: "copy",
    cells: ["urnn"],
    T: [100, 500],
    expect: "solve",
    text: "the uRNN goes from initialisation to almost zero cost, without staying at the baseline",
    source: {
      paper: ARJOVSKY,
      where: "§4.1, Fig. 1 (copying memory)",
      checked: DRAFT,
      quote:
        "the uRNN displays perfect performance in very little iterations ... it goes from initialization to almost " +
        "0 cost without staying at the baseline",
    },
  },
  {
    task: "copy",
    cells: ["lstm"],
    T: [100, 100],
    expect: "beats_baseline",
    text: "at T = 100 the LSTM stays on the baseline for a while, then improves slowly: it beats the baseline",
    source: {
      paper: ARJOVSKY,
      where: "§4.1, Fig. 1 (copying memory)",
      checked: DRAFT,
      quote: "for the first plot, the LSTM stays on the baseline for a while, before starting to improve very slowly",
    },
  },
  {
    task: "copy",
    cells: ["lstm", ...TANH],
    T: [200, 500],
    expect: "at_baseline",
    text: "from T = 200 on, tanh RNN and LSTM get almost exactly the memoryless baseline's cost",
    source: {
      paper: ARJOVSKY,
      where: "§4.1, Fig. 1",
      checked: DRAFT,
      quote:
        "except in the simplest case both the RNN with tanh and more surprisingly the LSTMs get almost exactly the " +
        "same cost as the memoryless strategy",
    },
  },
  {
    task: "copy",
    cells: TANH,
    T: [100, 100],
    expect: "at_baseline",
    text: "the tanh RNN stays at the memoryless baseline",
    source: {
      paper: ARJOVSKY,
      where: "§4.1, Fig. 1",
      quote: "the RNN with tanh ... get[s] almost exactly the same cost as the memoryless strategy",
      checked: DRAFT,
    },
  },
  {
    task: "adding_hs97",
    cells: ["lstm"],
    T: [100, 1000],
    expect: "solve",
    text: "LSTM solves the adding problem at T = 100, 500 and 1000 (their exp. 4, 10 trials each)",
    source: {
      paper: HS97,
      where: "abstract; §5.4, experiment 4",
      checked: "HS97 text as stored (huggingface.co/datasets/nvidia/Nemotron-CC-Math-v1)",
      quote:
        "LSTM also solves complex, artificial long time lag tasks that have never been solved by previous recurrent " +
        "network algorithms",
    },
  },
  {
    task: "adding_hs97",
    cells: TANH,
    T: [2, 100000],
    expect: null,
    text:
      "not run by HS97 (no BPTT/RTRL on this task); they say such tasks were never solved by earlier " +
      "recurrent-net algorithms",
    source: {
      paper: HS97,
      where: "abstract",
      checked: "HS97 text as stored (huggingface.co/datasets/nvidia/Nemotron-CC-Math-v1)",
      quote: "tasks that have never been solved by previous recurrent network algorithms",
    },
  },
  {
    task: "temporal_order",
    cells: ["lstm"],
    T: [100, 110],
    expect: "solve",
    text: "LSTM solves temporal order 6a (sequence length 100–110)",
    source: {
      paper: "Hochreiter & Schmidhuber 1997 (NIPS 9 version: LSTM can solve hard long time lag problems)",
      where: "experiment 2a (6a in the journal paper)",
      quote:
        "LSTM solves another task that cannot be solved at all by any other recurrent net learning algorithm we are " +
        "aware of",
      checked: "people.idsia.ch/~juergen/nipslstm/node5.html as stored",
    },
  },
  {
    task: "temporal_order",
    cells: TANH,
    T: [2, 100000],
    expect: null,
    text: "not run by HS97 (no BPTT/RTRL on this task); they say no other recurrent-net algorithm solved it",
    source: {
      paper: "Hochreiter & Schmidhuber 1997 (NIPS 9 version)",
      where: "experiment 2a",
      quote: "cannot be solved at all by any other recurrent net learning algorithm we are aware of",
      checked: "people.idsia.ch/~juergen/nipslstm/node5.html as stored",
    },
  },
];

export function findClaim(task: string, T: number, cell: string): Claim | null {
  return CLAIMS.find((c) => c.task === task && c.cells.includes(cell) && T >= c.T[0] && T <= c.T[1]) ?? null;
}

/** What a row must show for `judge`: solve counts on test and the interval of the test metric. */
export interface Outcome {
  seeds: number;
  solved: number;
  baseline: number;
  metric_ci95: [number, number];
}

export function judge(expect: Expectation | null, o: Outcome): boolean | null {
  switch (expect) {
    case null:
      return null;
    case "solve":
      return o.solved === o.seeds;
    case "fail":
      return o.solved === 0;
    case "at_baseline":
      return o.solved === 0 && o.metric_ci95[0] >= 0.9 * o.baseline;
    case "beats_baseline":
      return o.metric_ci95[1] < o.baseline;
    case "below_baseline_unsolved":
      return o.solved === 0 && o.metric_ci95[1] < o.baseline;
  }
}

/** Each paper's training recipe, for the deviations table (what ours did is read from the spec). */
export interface Recipe {
  paper: string;
  tasks: TaskName[];
  settings: Record<string, { value: string; source: string }>;
}

export const RECIPES: Recipe[] = [
  {
    paper: "Arjovsky et al. 2016",
    tasks: ["adding", "copy"],
    settings: {
      optimizer: {
        value: "RMSProp, lr 1e-3, decay 0.9, cache initialised to 1e-3, no ε",
        source: "authors' code, optimizations.py rms_prop",
      },
      batch: {
        value: "20 (adding: the better of 20 and 50)",
        source: "paper §4, as read by issue 9; code default n_batch 20",
      },
      clipping: {
        value: "element-wise at 1 (RNN, IRNN, LSTM); none for the uRNN",
        source: "authors' code, adding_problem.py: T.clip per entry for every model but complex_RNN",
      },
      training_data: {
        value: "a fixed set of 10^5 sequences; test set 10^4",
        source: "authors' code, complex_RNN_adding.py n_train, n_test",
      },
      init: {
        value: "Glorot uniform for input and output matrices",
        source: "paper §3 (initialisation), draft uRNN.tex",
      },
      hidden: {
        value: "adding: 128 (RNN, LSTM); copy: RNN 80, LSTM 40; uRNN: n_hidden complex units, a required argument",
        source:
          "paper Table/§4 as read by issue 9 (not checkable here); uRNN: authors' scripts take n_hidden " +
          "positionally (the default written there, 512, never applies)",
      },
      iterations: { value: "20 000 (code default n_iter)", source: "authors' code, argparse default" },
      selection: {
        value: "the parameters with the best test-set MSE kept (selection on test)",
        source: "authors' code: best_params when mse < best_test_loss",
      },
    },
  },
  {
    paper: "Hochreiter & Schmidhuber 1997",
    tasks: ["adding_hs97", "temporal_order"],
    settings: {
      sequence_length: {
        value: "random in [T, T + T/10] (adding), [100, 110] (temporal order)",
        source: "HS97 §5.4, §5.6",
      },
      criterion: {
        value: "training stops when the training stream's average error < 0.01 and the last 2000 sequences were right",
        source: "HS97 §5.4",
      },
      optimizer: {
        value: "online gradient descent, lr 0.5; truncated backprop inside the memory cells",
        source: "HS97 §5",
      },
      architecture: {
        value: "2 memory-cell blocks of size 2, no forget gate, scaled activations",
        source: "HS97 §5.4",
      },
    },
  },
];
