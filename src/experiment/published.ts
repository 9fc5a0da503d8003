/**
 * What the papers report, as data: each claim names its task, cells and lengths, what outcome
 * it predicts, and its exact source (paper, figure or section, a short quote, and where that
 * quote was checked). `judge` decides agree / deviate / not comparable from a summary row, so
 * no "agrees" is typed by hand.
 */
import type { TaskName } from "../tasks";

/**
 * What a claim predicts, as a predicate on a row's seeds (`judge`):
 *   solve                    every seed's selected weights meet the task's criterion on test
 *   fail                     no seed does
 *   at_baseline              no seed solves and the interval's low end is ≥ 0.9 × baseline
 *   beats_baseline           the interval's high end is below the baseline
 *   below_baseline_unsolved  below the baseline (high end < baseline), and no seed solves
 */
export type Expectation = "solve" | "fail" | "at_baseline" | "beats_baseline" | "below_baseline_unsolved";

/**
 * A row against a claim: it agrees, it deviates, or — for the predicates on an interval — the interval spans
 * the claim's reference (0.9 × baseline for at_baseline, the baseline for the others) while the mean lies on
 * one side of it: inconclusive, more seeds would tell. Counting predicates (solve, fail) are never inconclusive.
 */
export type Verdict = "agrees" | "deviates" | "inconclusive";

/** Where a claim is written: paper, place, quote and where the quote was checked. */
export interface Source {
  paper: string;
  where: string;
  quote: string;
  /** Where the quote was read, or that it could not be checked here ("" quote: none to give). */
  checked: string;
}

/** One published outcome: task, cells, lengths, what it predicts and where it is written. */
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
  /** The steps the paper ran at each T (from its figures); absent where it trained to a criterion instead. */
  steps?: Record<number, number>;
  /** The learning rate the paper trained these cells at, where it states one (a second verdict is drawn there). */
  lr?: number;
}

const ARJOVSKY = "Arjovsky, Shah & Bengio 2016, Unitary Evolution Recurrent Neural Networks (ICML)";
const HS97 = "Hochreiter & Schmidhuber 1997, Long Short-Term Memory (Neural Computation 9(8))";
/** The paper's later draft, with its figures, in the authors' repository before the paper folder was deleted. */
const DRAFT = "amarshah/complex_RNN at 94dc6fbf (2 Dec 2015), paper/uRNN/uRNN.tex";
const FIGURES = "amarshah/complex_RNN at 94dc6fbf, paper/uRNN/figures (x-axes read by eye)";
/** Their rate for every model but the IRNN (draft §4: "a learning rate of 10^{-3}"; optimizations.py). */
const ARJOVSKY_LR = 1e-3;
/** The stored char-rnn the paper's code descends from: its defaults, where the paper's own text is not stored. */
const CHAR_RNN = "karpathy/char-rnn train.lua at 0483593b";
const KARPATHY_ABSTRACT = "arXiv 1506.02078, as stored by paperswithcode.com and bibbase.org";
const TANH = ["rnn_tanh", "rnn_tanh_glorot"];
const LSTM = ["lstm", "lstm_glorot"];

/**
 * The steps each panel of Arjovsky et al.'s figures ran (its longest curve; copy: 10^6 training
 * examples at batch 20). Their scripts take n_iter as a required positional argument, so these
 * figures, not a code default, are the budget.
 */
export const PAPER_STEPS = {
  adding: { 100: 30000, 200: 47000, 400: 36000, 750: 100000 } as Record<number, number>,
  copy: 50000,
};
const ADDING = PAPER_STEPS.adding;
const COPY_STEPS = { 100: PAPER_STEPS.copy, 200: PAPER_STEPS.copy, 300: PAPER_STEPS.copy, 500: PAPER_STEPS.copy };
/** The lengths Arjovsky et al. ran each task at (the panels of their Fig. 2 and Fig. 1). */
export const PAPER_LENGTHS: Partial<Record<TaskName, number[]>> = {
  adding: Object.keys(ADDING).map(Number),
  copy: Object.keys(COPY_STEPS).map(Number),
};

/** The published outcomes ours are judged against, each with its source. */
export const CLAIMS: Claim[] = [
  {
    task: "adding",
    cells: TANH,
    T: [100, 750],
    expect: "at_baseline",
    text: "the tanh RNN does not beat the 0.167 baseline at any T",
    source: {
      paper: ARJOVSKY,
      where: "§4.2 (Adding Problem), Fig. 2",
      quote: "The RNN with tanh and IRNN were not able to beat the baseline for any number of time steps.",
      checked: DRAFT,
    },
    steps: ADDING,
    lr: ARJOVSKY_LR,
  },
  {
    task: "adding",
    cells: [...LSTM, "urnn"],
    T: [100, 400],
    expect: "beats_baseline",
    text: "the LSTM and the uRNN beat the baseline convincingly up to T = 400 (one run per model and T)",
    source: {
      paper: ARJOVSKY,
      where: "§4.2 (Adding Problem), Fig. 2",
      quote: "The LSTM and uRNN models are able to convincingly beat the baseline up to $T=400$ time steps.",
      checked: DRAFT,
    },
    steps: ADDING,
    lr: ARJOVSKY_LR,
  },
  {
    task: "adding",
    cells: [...LSTM, "urnn"],
    T: [750, 750],
    expect: "below_baseline_unsolved",
    text: "at T = 750 the LSTM and the uRNN get below the baseline but their MSE does not reach close to 0",
    source: {
      paper: ARJOVSKY,
      where: "§4.2 (Adding Problem), Fig. 2",
      quote: "Both models do well when $T=750$, but the mean squared error does not reach close to $0$.",
      checked: DRAFT,
    },
    steps: ADDING,
    lr: ARJOVSKY_LR,
  },
  {
    task: "adding",
    cells: ["irnn"],
    T: [100, 750],
    expect: "at_baseline",
    text:
      "the IRNN, which Arjovsky et al. ran themselves with RMSProp, does not beat the baseline at any T (Le et al. " +
      "2015 report it solving T = 300 with SGD after over a million iterations)",
    source: {
      paper: ARJOVSKY,
      where: "§4.2 (Adding Problem); its curves are not in Fig. 2",
      quote: "The RNN with tanh and IRNN were not able to beat the baseline for any number of time steps.",
      checked: DRAFT,
    },
    steps: ADDING,
  },
  {
    task: "copy",
    cells: ["urnn"],
    T: [100, 500],
    expect: "solve",
    text: "the uRNN solves every time lag in very few iterations, without staying at the baseline",
    source: {
      paper: ARJOVSKY,
      where: "§4.1 (Copying memory problem), Fig. 1",
      checked: DRAFT,
      quote: "the uRNN is able to completely solve each time length in very few training iterations",
    },
    steps: COPY_STEPS,
    lr: ARJOVSKY_LR,
  },
  {
    task: "copy",
    cells: LSTM,
    T: [100, 100],
    expect: "beats_baseline",
    text: "at T = 100 the LSTM beats the baseline (slowly); at no longer lag does it",
    source: {
      paper: ARJOVSKY,
      where: "§4.1, Fig. 1 caption",
      checked: DRAFT,
      quote: "The LSTM is able to beat the baseline only for $100$ times steps.",
    },
    steps: COPY_STEPS,
    lr: ARJOVSKY_LR,
  },
  {
    task: "copy",
    cells: [...LSTM, ...TANH],
    T: [200, 500],
    expect: "at_baseline",
    text: "from T = 200 on, tanh RNN and LSTM get almost exactly the memoryless baseline's cost",
    source: {
      paper: ARJOVSKY,
      where: "§4.1, Fig. 1",
      checked: DRAFT,
      quote:
        "aside from the simplest case, both the RNN with tanh and more surprisingly the LSTMs get almost exactly the " +
        "same cost as the memoryless strategy",
    },
    steps: COPY_STEPS,
    lr: ARJOVSKY_LR,
  },
  {
    task: "copy",
    cells: TANH,
    T: [100, 100],
    expect: "at_baseline",
    text: "at T = 100 the tanh RNN's curve lies on the memoryless baseline for all 10^6 examples",
    source: {
      paper: ARJOVSKY,
      // The text excepts "the simplest case" (T = 100) from its baseline sentence: only the figure speaks here.
      where: "Fig. 1, T = 100 panel (the text's baseline sentence excepts this case)",
      quote: "",
      checked: `${FIGURES}: memory_100.jpeg`,
    },
    steps: COPY_STEPS,
    lr: ARJOVSKY_LR,
  },
  {
    task: "copy",
    cells: ["irnn"],
    T: [100, 100],
    // Left out of the paper's figures, but its curve is in the authors' figure folder: far above the baseline.
    expect: "at_baseline",
    text:
      "run by Arjovsky et al. but not shown in the paper: in the authors' figure its cross entropy falls from 6 to " +
      "about 1.7 over 10^6 examples, far above the memoryless baseline",
    source: {
      paper: ARJOVSKY,
      where: "§4, opening paragraph (\"we do not show IRNN curves\"); the curve: figure memory_100_IRNN.jpeg",
      checked: `${FIGURES}: memory_100_IRNN.jpeg (read 7 Dec 2026)`,
      quote:
        "Since the performance was so poor relative to other models we compare against, we do not show IRNN curves " +
        "in the figures.",
    },
    steps: COPY_STEPS,
  },
  {
    task: "copy",
    cells: ["irnn"],
    T: [200, 500],
    // "So poor relative to other models" is a comparison without a number, and no figure of it at these lags.
    expect: null,
    text:
      "run by Arjovsky et al. but not shown: unstable except at very low learning rates, and so poor beside the " +
      "other models that its curves were left out",
    source: {
      paper: ARJOVSKY,
      where: "§4 (Experiments), opening paragraph; no IRNN curve in Fig. 1",
      checked: DRAFT,
      quote:
        "Since the performance was so poor relative to other models we compare against, we do not show IRNN curves " +
        "in the figures.",
    },
    steps: COPY_STEPS,
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

/** The published claim about a cell on a task at length T, or null. */
export function findClaim(task: string, T: number, cell: string): Claim | null {
  return CLAIMS.find((c) => c.task === task && c.cells.includes(cell) && T >= c.T[0] && T <= c.T[1]) ?? null;
}

/** What a row must show for `judge`: solve counts on test, the interval of the test metric, the steps run. */
export interface Outcome {
  seeds: number;
  solved: number;
  baseline: number;
  metric_ci95: [number, number];
  /** The most steps a seed ran (a run that did not stop early ran its whole budget). */
  steps: number;
}

/**
 * The claim's predicate on a row, limited by what our budget can show when it is shorter than
 * the paper's (`paperSteps`): fewer steps can confirm that something happens (solve, beat the
 * baseline) and refute that it does not (a solve the paper never saw), but not the reverse —
 * those verdicts are null, "not comparable at this budget".
 */
export function judge(expect: Expectation | null, o: Outcome, paperSteps: number | null = null): Verdict | null {
  const verdict = predicate(expect, o);
  if (verdict === null || paperSteps === null || o.steps >= paperSteps) return verdict;
  switch (expect) {
    case "solve":
    case "beats_baseline":
      return verdict === "agrees" ? verdict : null;
    case "fail":
    case "at_baseline":
      return verdict === "deviates" ? verdict : null;
    default: // below_baseline_unsolved: a solve refutes it at any budget; the rest needs the paper's
      return o.solved > 0 ? "deviates" : null;
  }
}

/** The paper's steps for a row: the claim's figure budget at that T, or null. */
export function paperSteps(claim: Claim | null, T: number): number | null {
  return claim?.steps?.[T] ?? null;
}

function predicate(expect: Expectation | null, o: Outcome): Verdict | null {
  const yes = (holds: boolean): Verdict => (holds ? "agrees" : "deviates");
  // The interval wholly below the reference, wholly at or above it, or across it (inconclusive).
  const against = (reference: number, under: Verdict, over: Verdict): Verdict => {
    const [lo, hi] = o.metric_ci95;
    return hi < reference ? under : lo >= reference ? over : "inconclusive";
  };
  switch (expect) {
    case null:
      return null;
    case "solve":
      return yes(o.solved === o.seeds);
    case "fail":
      return yes(o.solved === 0);
    case "at_baseline":
      return o.solved > 0 ? "deviates" : against(0.9 * o.baseline, "deviates", "agrees");
    case "beats_baseline":
      return against(o.baseline, "agrees", "deviates");
    case "below_baseline_unsolved":
      return o.solved > 0 ? "deviates" : against(o.baseline, "agrees", "deviates");
  }
}

/** Each paper's training recipe, for the deviations table (what ours did is read from the spec). */
/** What a comparison between two of a paper's models varies: the cell's kind, or its number of layers. */
export type Contrasted = "kind" | "layers";

/** A cited paper's settings for its tasks, which the deviations table sets beside ours, and what it compares. */
export interface Recipe {
  paper: string;
  tasks: Array<TaskName | "charlm">;
  /** The comparisons the paper makes between its models, which our runs answer in a table of their own. */
  contrasts?: Contrasted[];
  settings: Record<string, { value: string; source: string }>;
  /**
   * What the authors' models had that ours do not, by the cell kind or initialiser it concerns ("every": all of
   * them): the init row lists those an experiment's cells touch.
   */
  models?: Record<string, string>;
}

/** Each cited paper's settings, which the deviations table sets beside ours. */
export const RECIPES: Recipe[] = [
  {
    paper: "Arjovsky et al. 2016",
    tasks: ["adding", "copy"],
    models: {
      every: "initial states fixed at 0, not learned",
      lstm: "no c_t → output-gate matrix (gatescope's peepholes are Gers' diagonal ones on i, f, o)",
      irnn: "the irnn preset's input weights are N(0, 0.001²) (Le et al.)",
    },
    settings: {
      lengths: {
        value: `${Object.entries(PAPER_LENGTHS)
          .map(([task, Ts]) => `${task} T = ${Ts.join(", ")}`)
          .join("; ")}; one run per model and T`,
        source: `${DRAFT}, captions of Fig. 1 ("time lags of 100, 200, 300, 500") and Fig. 2 ("T=100, 200, 400, 750")`,
      },
      optimizer: {
        value: "RMSProp, lr 1e-3 (the IRNN: very low rates, not given), decay 0.9, cache initialised to 1e-3, no ε",
        source:
          `authors' code, optimizations.py rms_prop (cache = 1e-3·ones; p − lr·g/√cache, no ε); ` +
          `${DRAFT}, §4: "a learning rate of 10^{-3} and a decay rate of 0.9"; the IRNN "only ran without ` +
          `blowing up with incredibly low learning rates"`,
      },
      batch: {
        value: "20 (adding: 20 and 50 both run, the better reported)",
        source: `${DRAFT}, §4.2: "trained using batch sizes of 20 and 50 with the best results being reported"`,
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
        value:
          "tanh RNN: Glorot uniform for every matrix, the recurrent one too; IRNN: recurrent identity, input and " +
          "output Glorot; LSTM: Glorot for every matrix, forget bias 1, other biases 0, a full H×H matrix from c_t " +
          "into the output gate; every model: a learned initial state (h_0, and c_0 for the LSTM), starting at 0; " +
          "uRNN: reflections U[−1, 1], diagonal phases U[−π, π], h_0 U[±√(3/2n_h)]",
        source: `authors' models.py at 94dc6fbf (initialize_matrix, LSTM's V_o, b_f, h_0, state_0); ${DRAFT}, §3.3`,
      },
      hidden: {
        value:
          "adding: 128 for tanh RNN, IRNN and LSTM, 512 for the uRNN; copy: tanh RNN 80, IRNN 80, LSTM 40, " +
          "uRNN 128 (about 6500 parameters each)",
        source: `${DRAFT}, §4.1 and §4.2`,
      },
      iterations: {
        value:
          `adding: T = 100 to ${ADDING[100]} steps, 200 to ${ADDING[200]}, 400 to ${ADDING[400]}, 750 to ` +
          `${ADDING[750]} (each panel's longest curve, the LSTM's; the uRNN's end near 21 000 at T = 100 and ` +
          `30 000 at T = 200, the tanh RNN's near 36 000 at T = 200); copy: 10^6 examples, ${PAPER_STEPS.copy} ` +
          "steps at batch 20",
        source:
          `${FIGURES}: adding_*.jpeg, memory_*.jpeg (adding_200.jpeg re-read 7 Dec 2026); n_iter is a required ` +
          "positional argument of their scripts",
      },
      selection: {
        value: "the parameters with the best test-set MSE kept (selection on test)",
        source: "authors' code: best_params when mse < best_test_loss",
      },
      seeds: {
        value: "one run per model and T; the rate fixed in advance (1e-3), not chosen",
        source: `${DRAFT}, §4; one curve per model in each panel of Fig. 1 and Fig. 2`,
      },
      readout: {
        value: "Glorot uniform weights, bias 0",
        source: "authors' models.py at 94dc6fbf: out_mat = initialize_matrix (Glorot), out_bias zeros",
      },
      batches: {
        value: "consecutive slices of the fixed training set, in order",
        source:
          "authors' complex_RNN_adding.py and complex_RNN_memory.py at 94dc6fbf: givens slice " +
          "s_train_x[:, n_batch·index : n_batch·(index + 1)]",
      },
      copy_classes: {
        value: "9 outputs (as issue 44's audit read their data; not re-read here)",
        source:
          "authors' complex_RNN_memory.py at 94dc6fbf takes n_output from its data file (trainingRNNs-master " +
          "memory_data_300.pkl), which is not stored here",
      },
      modrelu: {
        value: "modulus + 1e-5 in the rescaling; bias U[−0.01, 0.01] in the code, 0 in the draft",
        source:
          `authors' models.py at 94dc6fbf: rescale = max(modulus + hidden_bias, 0) / (modulus + 1e-5); ${DRAFT}`,
      },
    },
  },
  {
    paper: "Karpathy, Johnson & Fei-Fei 2015",
    tasks: ["charlm"],
    contrasts: ["kind", "layers"],
    settings: {
      corpus: {
        value: "War and Peace, and the Linux kernel's source and header files shuffled and concatenated",
        source:
          `not in the stored abstract (${KARPATHY_ABSTRACT}); named by stored third-party summaries ` +
          "(study.space, emergentmind.com); the paper's text is not stored here",
      },
      split: {
        value: "95 % training, 5 % validation, no test split (char-rnn's defaults); the paper's own: not stored",
        source: `${CHAR_RNN}: train_frac 0.95, val_frac 0.05`,
      },
      hidden: {
        value: "LSTM, GRU and RNN of 1–3 layers, parameter-matched to LSTMs of 64–512 cells",
        source: "stored third-party summaries (emergentmind.com), not the paper: check before relying on it",
      },
      optimizer: {
        value: "RMSProp, lr 2e-3, decay 0.95; lr × 0.97 after every epoch from epoch 10",
        source: `${CHAR_RNN}: learning_rate, decay_rate, learning_rate_decay, learning_rate_decay_after`,
      },
      batch: { value: "50 streams", source: `${CHAR_RNN}: batch_size` },
      unroll: {
        value: "50 characters, the state carried from batch to batch",
        source: `${CHAR_RNN}: seq_length; init_state_global = rnn_state[#rnn_state]`,
      },
      clipping: {
        value: "element-wise at 5, on the gradient summed over the 50 steps (each step's loss a mean over the batch)",
        source: `${CHAR_RNN}: grad_clip 5; "grad_params:div(opt.seq_length) -- this line should be here but" left out`,
      },
      init: {
        value: "every parameter U(±0.08), then the LSTM's forget-gate biases 1",
        source: `${CHAR_RNN}: params:uniform(-0.08, 0.08); forget gate biases filled with 1.0`,
      },
      iterations: {
        value: "50 epochs; validation loss every 1000 iterations",
        source: `${CHAR_RNN}: max_epochs 50, eval_val_every 1000`,
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
        value:
          "a sequence is wrong if its absolute error is ≥ 0.04 (adding) or any output's is ≥ 0.3 " +
          "(temporal order); " +
          "training stops when the training stream's average error < 0.01 (0.1) and the last 2000 sequences were " +
          "right; reported: wrong test sequences, 0–3 of 2560 for their LSTM",
        source: "HS97 §5.4, §5.6; the counts as read by issue 22 (their tables are not among the stored sources)",
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
