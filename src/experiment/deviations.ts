/**
 * The "deviations from the original" table: for each cited paper whose tasks an experiment
 * runs, its recipe beside what the experiment's spec actually did — read from the spec, so the
 * report, the writeup and the notebook show the same rows and none is typed by hand.
 */
import type { OptimizerConfig } from "../optim/optimizer";
import { cellDescription } from "../cells";
import { PAPER_LENGTHS, PAPER_STEPS, RECIPES } from "./published";
import { trainDefaults } from "../train/config";
import type { ExperimentSpec } from "./spec";

/** One setting, the paper's value and ours. */
export interface Deviation {
  paper: string;
  setting: string;
  paper_value: string;
  source: string;
  ours: string;
}

/** An optimizer's name as a paper writes it; a spec that names none at its top (a v1 spec) has one per cell. */
export const optimizerName = (kind: OptimizerConfig["kind"] | undefined): string =>
  kind === undefined
    ? "the optimizer each cell names"
    : ({
        rmsprop: "RMSProp (PyTorch's: cache from 0, ε = 1e-8)",
        "rmsprop-arjovsky": "RMSProp (Arjovsky et al.'s: cache from 1e-3, no ε)",
        adam: "Adam",
        sgd: "SGD",
      } as Record<string, string>)[kind] ?? kind;

/** How a staged sweep spends its seeds (the deviations table and the methods paragraph say it alike). */
export const stagedText = (spec: ExperimentSpec): string =>
  `staged: every rate on the first ${spec.pilotSeeds ?? 2} seed(s), the chosen one on the rest`;

/** How many seeds each length runs and which of them a verdict rests on. */
function seedsText(spec: ExperimentSpec): string {
  const counts = [...new Set(spec.tasks.map((t) => (t.seeds ?? spec.seeds).length))].join(" or ");
  const swept = spec.lrSelection === "staged"
    ? `the first ${spec.pilotSeeds ?? 2} choose a swept rate, and a row's numbers and verdict come from the others ` +
      "(every seed where a cell has one rate)"
    : spec.lrs && spec.lrs.length > 1
      ? "every seed runs every rate and chooses it: no seed is fresh (such rows are marked †)"
      : "one rate: every seed is fresh";
  return `${counts} seeds per row; ${swept}`;
}

function optimizerText(o: OptimizerConfig | undefined, lrs: number[] | undefined, spec: ExperimentSpec): string {
  const how = spec.lrSelection === "staged" ? ` (${stagedText(spec)})` : "";
  const lr =
    lrs && lrs.length > 1
      ? `lr swept over {${lrs.join(", ")}}, chosen on validation${how}`
      : (lrs?.[0] ?? o?.lr) === undefined
        ? "lr per cell"
        : `lr ${lrs?.[0] ?? o?.lr}`;
  const extra = Object.entries(o ?? {})
    .filter(([k]) => k !== "kind" && k !== "lr")
    .map(([k, v]) => `${k} ${v}`);
  return [optimizerName(o?.kind), lr, ...extra].join(", ");
}

/** The initialiser and every gate-bias choice the cell's options make (a null leaves the initialiser's). */
function initText(c: ExperimentSpec["cells"][number]): string {
  const init = typeof c.rnn.init === "string" ? c.rnn.init : c.rnn.init ? "custom" : "pytorch";
  const value = (key: string, dflt: unknown) => (c.rnn[key] === undefined ? dflt : c.rnn[key]);
  const biases = Object.entries(cellDescription(c.rnn.kind).options)
    .filter(([key, o]) => o.initialisation && value(key, o.default) !== null)
    .map(([key, o]) => `, ${o.initialisation} ${value(key, o.default)}`);
  return `${c.name}: ${init}${biases.join("")}`;
}

/** What no cell here does that the authors' models did (their code, as the recipe's init row reads it). */
function initDifferences(spec: ExperimentSpec): string {
  const kinds = new Set(spec.cells.map((c) => c.rnn.kind));
  return [
    "initial states fixed at 0, not learned",
    kinds.has("lstm") ? "no c_t → output-gate matrix (gatescope's peepholes are Gers' diagonal ones on i, f, o)" : "",
    spec.cells.some((c) => c.rnn.init === "irnn")
      ? "the irnn preset's input weights are N(0, 0.001²) (Le et al.)"
      : "",
  ]
    .filter((s) => s)
    .join("; ");
}

/** Where the spec trains fewer steps than the paper's figures show (adding by T, copy). */
function budgetShortfalls(spec: ExperimentSpec): string[] {
  return spec.tasks.flatMap((task) => {
    const steps = task.train?.steps ?? spec.trainByTask?.[task.name]?.steps ?? spec.train.steps;
    const paper = (T: number) =>
      task.name === "adding" ? PAPER_STEPS.adding[T] : task.name === "copy" ? PAPER_STEPS.copy : undefined;
    return task.T.filter((T) => (paper(T) ?? 0) > steps).map((T) => `${task.name} T = ${T} (${paper(T)})`);
  });
}

/** The lengths the spec runs with their seed counts, then the paper's lengths of those tasks it leaves out. */
function lengthsText(spec: ExperimentSpec): string {
  const ran = spec.tasks
    .filter((task) => task.name in PAPER_LENGTHS)
    .map((task) => `${task.name} T = ${task.T.join(", ")} (${(task.seeds ?? spec.seeds).length} seeds)`);
  const left = Object.entries(PAPER_LENGTHS)
    .filter(([name]) => spec.tasks.some((task) => task.name === name))
    .map(([name, Ts]) => {
      const missing = Ts.filter((T) => !spec.tasks.some((task) => task.name === name && task.T.includes(T)));
      return missing.length ? `${name} T = ${missing.join(", ")}` : "";
    })
    .filter((s) => s);
  return ran.join("; ") + (left.length ? `. Not run: ${left.join("; ")}` : "");
}

/** What the spec did for each setting a recipe names (cells with their own overrides listed after). */
function ours(spec: ExperimentSpec, setting: string): string {
  const t = spec.train;
  const perCell = (f: (c: ExperimentSpec["cells"][number]) => string | null) =>
    spec.cells
      .map((c) => {
        const v = f(c);
        return v === null ? null : `${c.name}: ${v}`;
      })
      .filter((v) => v !== null);
  switch (setting) {
    case "optimizer":
      return [
        optimizerText(t.optimizer, spec.lrs, spec),
        ...perCell((c) =>
          c.train?.optimizer || c.lrs
            ? optimizerText(c.train?.optimizer ?? t.optimizer, c.lrs ?? spec.lrs, spec)
            : null,
        ),
      ].join("; ");
    case "lengths":
      return lengthsText(spec);
    case "batch":
      return String(t.batchSize);
    case "clipping": {
      const text = (clip: ExperimentSpec["train"]["clip"]) =>
        clip ? `${clip.kind === "norm" ? "global norm" : "element-wise"} at ${clip.max}` : "none";
      const own = perCell((c) => (c.train && "clip" in c.train ? text(c.train.clip) : null));
      return own.length ? [`${text(t.clip)}, every other cell`, ...own].join("; ") : `${text(t.clip)}, every cell`;
    }
    case "training_data":
      return t.trainSet
        ? `a fixed set of ${t.trainSet.size} sequences (seed ${t.trainSet.seed})`
        : "a fresh sequence at every step (no fixed set)";
    case "init":
      return `${spec.cells.map(initText).join("; ")}. Unlike the authors: ${initDifferences(spec)}`;
    case "hidden":
      return [
        `${spec.hidden}`,
        ...Object.entries(spec.hiddenByTask ?? {}).map(([k, v]) => `${k}: ${v}`),
        ...perCell(
          (c) =>
            [
              c.hidden === undefined
                ? null
                : typeof c.hidden === "number"
                  ? String(c.hidden)
                  : `as many parameters as ${c.hidden.equalParams}`,
              ...Object.entries(c.hiddenByTask ?? {}).map(([k, v]) => `${v} on ${k}`),
            ]
              .filter((v) => v !== null)
              .join(", ") || null,
        ),
      ].join("; ");
    case "iterations": {
      const short = budgetShortfalls(spec);
      return (
        `≤ ${t.steps}${t.earlyStop ? ", early stop once solved on validation" : ""}` +
        Object.entries(spec.trainByTask ?? {})
          .filter(([, v]) => v?.steps)
          .map(([k, v]) => `; ${k}: ≤ ${v!.steps}`)
          .join("") +
        spec.tasks
          .filter((task) => task.train?.steps)
          .map((task) => `; ${task.name} T = ${task.T.join(", ")}: ≤ ${task.train!.steps}`)
          .join("") +
        (short.length
          ? `. Fewer steps than the paper's at ${short.join(", ")}: there a verdict says only what this budget ` +
            "can show (a solve or a beaten baseline, or a solve the paper never saw), else \"not comparable\""
          : "")
      );
    }
    case "selection":
      return (
        `weights with the best validation metric (validation set of ${trainDefaults(t).validationSize}), ` +
        `test scored once`
      );
    case "sequence_length":
      return "fixed at T";
    case "criterion":
      return "the criterion on the held-out validation set; reported on the test set";
    case "architecture":
      return "one layer, PyTorch-form LSTM with Gers' forget gate, unscaled tanh/sigmoid, linear readout";
    case "seeds":
      return seedsText(spec);
    case "readout":
      return spec.readoutInit === "glorot"
        ? "Glorot uniform weights, bias 0 (as the authors)"
        : "PyTorch's nn.Linear: weights and bias U(±1/√H)";
    case "batches":
      return "each of a batch's sequences drawn from the fixed set with replacement, by the run's seed";
    case "copy_classes":
      return "10 (blank, 8 symbols, delimiter), as input and as output";
    case "modrelu":
      return "no ε; bias initialised to 0 (the draft's value)";
    default:
      return "—";
  }
}

/** Each cited paper's setting beside what the spec does. */
export function deviations(spec: ExperimentSpec): Deviation[] {
  const tasks = new Set(spec.tasks.map((t) => t.name));
  return RECIPES.filter((r) => r.tasks.some((t) => tasks.has(t))).flatMap((r) =>
    Object.entries(r.settings).map(([setting, v]) => ({
      paper: r.paper,
      setting,
      paper_value: v.value,
      source: v.source,
      ours: ours(spec, setting),
    })),
  );
}
