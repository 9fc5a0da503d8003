/**
 * The "deviations from the original" table: for each cited paper whose tasks an experiment
 * runs, its recipe beside what the experiment's spec actually did — read from the spec, so the
 * report, the writeup and the notebook show the same rows and none is typed by hand.
 */
import type { OptimizerConfig } from "../optim/optimizer";
import { cellDescription } from "../cells";
import { PAPER_LENGTHS, PAPER_STEPS, RECIPES, type Recipe } from "./published";
import { CHARLM_SPLIT } from "../tasks/charlm";
import { trainDefaults, type TrainConfig } from "../train/config";
import { hiddenText, layersText, lengthOf, mostly, said } from "./said";
import { pilotSeeds, rows, type ExperimentSpec, type Row } from "./spec";

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
  `staged: every rate on the first ${pilotSeeds(spec)} seed(s), the chosen one on the rest`;

/** How many seeds each length runs and which of them a verdict rests on. */
function seedsText(spec: ExperimentSpec, all: Row[]): string {
  const swept = spec.lrSelection === "staged"
    ? `the first ${pilotSeeds(spec)} choose a swept rate, and a row's numbers and verdict come from the others ` +
      "(every seed where a cell has one rate)"
    : all.some((r) => r.lrs.length > 1)
      ? "every seed runs every rate and chooses it: no seed is fresh (such rows are marked †)"
      : "one rate: every seed is fresh";
  return `${said(all, (r) => String(r.seeds.length))} seeds per row; ${swept}`;
}

function optimizerText(r: Row, spec: ExperimentSpec): string {
  const o = r.train.optimizer;
  const how = spec.lrSelection === "staged" ? ` (${stagedText(spec)})` : "";
  const lr = r.lrs.length > 1 ? `lr swept over {${r.lrs.join(", ")}}, chosen on validation${how}` : `lr ${r.lrs[0]}`;
  const extra = Object.entries(o)
    .filter(([k]) => k !== "kind" && k !== "lr")
    .map(([k, v]) => `${k} ${v}`);
  return [optimizerName(o.kind), lr, ...extra].join(", ");
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

/** What the authors' models had that these cells do not, as the recipe says per cell kind and initialiser. */
function modelDifferences(spec: ExperimentSpec, recipe: Recipe): string {
  const inits = spec.cells.map((c) => (typeof c.rnn.init === "string" ? c.rnn.init : ""));
  const keys = new Set(["every", ...spec.cells.map((c) => c.rnn.kind), ...inits]);
  return Object.entries(recipe.models ?? {})
    .filter(([key]) => keys.has(key))
    .map(([, text]) => text)
    .join("; ");
}

/** Where a row trains fewer steps than the paper's figures show (adding by T, copy). */
function budgetShortfalls(all: Row[]): string[] {
  const paper = (r: Row) =>
    r.task.name === "adding" ? PAPER_STEPS.adding[r.task.T] : r.task.name === "copy" ? PAPER_STEPS.copy : undefined;
  const short = all.filter((r) => (paper(r) ?? 0) > r.train.steps).map((r) => `${lengthOf(r)} (${paper(r)})`);
  return [...new Set(short)];
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

/** A clipping setting as the deviations table and the methods paragraph say it. */
export const clipText = (clip: TrainConfig["clip"]): string =>
  clip ? `${clip.kind === "norm" ? "global norm" : "element-wise"} at ${clip.max}` : "none";

/** What the spec's rows did for each setting a recipe names, said once where every row agrees. */
function ours(spec: ExperimentSpec, all: Row[], recipe: Recipe, setting: string): string {
  switch (setting) {
    case "optimizer":
      return said(all, (r) => optimizerText(r, spec));
    case "lengths":
      return lengthsText(spec);
    case "batch":
      return said(all, (r) => String(r.train.batchSize));
    case "clipping":
      // A language model's loss here is the mean over every character of the batch, so its gradient is the
      // summed one's ÷ T: the same bound clips less.
      return said(all, (r) => clipText(r.train.clip) + ("corpus" in r.task ? ", on the mean over the characters" : ""));
    case "training_data":
      return said(all, ({ train: { trainSet: set } }) =>
        set
          ? `a fixed set of ${set.size} sequences (seed ${set.seed})`
          : "a fresh sequence at every step (no fixed set)",
      );
    case "init": {
      const unlike = modelDifferences(spec, recipe);
      return `${spec.cells.map(initText).join("; ")}${unlike ? `. Unlike the authors: ${unlike}` : ""}`;
    }
    case "corpus":
      return said(all, ({ task }) =>
        "corpus" in task ? `${task.corpus.path} (SHA-256 ${task.corpus.sha256.slice(0, 12)}…)` : "none",
      );
    case "split":
      return `${CHARLM_SPLIT.map((f) => `${f * 100} %`).join(" / ")} training / validation / test, contiguous`;
    case "unroll":
      return said(all, (r) => `${r.task.T} characters, the state carried from batch to batch`);
    case "hidden":
      return mostly(
        spec.cells.map((c) => {
          const H = hiddenText(all.filter((r) => r.cell === c.name));
          const equal = typeof c.hidden === "object" ? `, as many parameters as ${c.hidden.equalParams}` : "";
          return [c.name, H + equal];
        }),
      );
    case "iterations": {
      const short = budgetShortfalls(all);
      return (
        `≤ ${said(all, (r) => String(r.train.steps))}, ` +
        said(all, (r) =>
          r.train.earlyStop
            ? "early stop once solved on validation"
            : r.train.patience
              ? `stop after ${r.train.patience} evaluations (every ${r.train.evalEvery} steps) without a better ` +
                "validation score"
              : "no early stop",
        ) +
        (short.length
          ? `. Fewer steps than the paper's at ${short.join(", ")}: there a verdict says only what this budget ` +
            "can show (a solve or a beaten baseline, or a solve the paper never saw), else \"not comparable\""
          : "")
      );
    }
    case "selection":
      return (
        `weights with the best validation metric (validation set of ` +
        `${said(all, (r) => String(trainDefaults(r.train).validationSize))}), test scored once`
      );
    case "sequence_length":
      return "fixed at T";
    case "criterion":
      return "the criterion on the held-out validation set; reported on the test set";
    case "architecture": {
      // Each kind's one-line description up to its options ("long short-term memory with a forget gate (…)").
      const kinds = [...new Set(all.map((r) => r.rnn.kind))].map((k) => cellDescription(k).summary.split(";")[0]);
      return `${said(all, layersText)}: ${kinds.join("; ")}; tanh and σ unscaled; a linear readout`;
    }
    case "seeds":
      return seedsText(spec, all);
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
  const all = rows(spec);
  const tasks = new Set(spec.tasks.map((t) => t.name));
  return RECIPES.filter((r) => r.tasks.some((t) => tasks.has(t))).flatMap((recipe) =>
    Object.entries(recipe.settings).map(([setting, v]) => ({
      paper: recipe.paper,
      setting,
      paper_value: v.value,
      source: v.source,
      ours: ours(spec, all.filter((r) => (recipe.tasks as string[]).includes(r.task.name)), recipe, setting),
    })),
  );
}
