/**
 * `gatescope writeup DIR`: what a paper or research note needs from a results directory —
 * every report figure as SVG and PNG, the tables as Markdown and LaTeX (booktabs), the cited
 * papers as BibTeX, and a methods paragraph generated from the manifest. Every number comes
 * from results.json.
 */
import * as fs from "fs";
import * as path from "path";
import { writeFileAtomic } from "../io/atomic";
import { saveFigures } from "../viz/export";
import { reportFigures } from "./report";
import { madeWith, runsCost, type ResultsFile } from "./results";
import { trainDefaults } from "../train/config";
import { cellDescription } from "../cells";
import { rows, type Row } from "./spec";
import { hiddenText, layersText, said } from "./said";
import { clipText, optimizerName, stagedText } from "./deviations";
import { metricOnly } from "./summary";
import { isCharLM } from "./task-of";
import { tableToLatex, tableToMarkdown, resultTables } from "./tables";

/** BibTeX of the cited papers, written by `gatescope writeup`. */
export const REFERENCES_BIB = `@inproceedings{arjovsky2016unitary,
  title = {Unitary Evolution Recurrent Neural Networks},
  author = {Arjovsky, Martin and Shah, Amar and Bengio, Yoshua},
  booktitle = {Proceedings of the 33rd International Conference on Machine Learning (ICML)},
  pages = {1120--1128}, year = {2016}
}
@article{hochreiter1997lstm,
  title = {Long Short-Term Memory},
  author = {Hochreiter, Sepp and Schmidhuber, J{\\"u}rgen},
  journal = {Neural Computation}, volume = {9}, number = {8}, pages = {1735--1780}, year = {1997}
}
@article{gers2000forget,
  title = {Learning to Forget: Continual Prediction with {LSTM}},
  author = {Gers, Felix A. and Schmidhuber, J{\\"u}rgen and Cummins, Fred},
  journal = {Neural Computation}, volume = {12}, number = {10}, pages = {2451--2471}, year = {2000}
}
@inproceedings{cho2014gru,
  title = {Learning Phrase Representations using {RNN} Encoder--Decoder for Statistical Machine Translation},
  author = {Cho, Kyunghyun and van Merri{\\"e}nboer, Bart and Gulcehre, Caglar and Bahdanau, Dzmitry and
            Bougares, Fethi and Schwenk, Holger and Bengio, Yoshua},
  booktitle = {Proceedings of EMNLP}, pages = {1724--1734}, year = {2014}
}
@article{chung2014empirical,
  title = {Empirical Evaluation of Gated Recurrent Neural Networks on Sequence Modeling},
  author = {Chung, Junyoung and Gulcehre, Caglar and Cho, KyungHyun and Bengio, Yoshua},
  journal = {arXiv:1412.3555}, year = {2014}
}
@article{le2015irnn,
  title = {A Simple Way to Initialize Recurrent Networks of Rectified Linear Units},
  author = {Le, Quoc V. and Jaitly, Navdeep and Hinton, Geoffrey E.},
  journal = {arXiv:1504.00941}, year = {2015}
}
@inproceedings{jozefowicz2015empirical,
  title = {An Empirical Exploration of Recurrent Network Architectures},
  author = {Jozefowicz, Rafal and Zaremba, Wojciech and Sutskever, Ilya},
  booktitle = {Proceedings of the 32nd International Conference on Machine Learning (ICML)},
  pages = {2342--2350}, year = {2015}
}
@inproceedings{pascanu2013difficulty,
  title = {On the Difficulty of Training Recurrent Neural Networks},
  author = {Pascanu, Razvan and Mikolov, Tomas and Bengio, Yoshua},
  booktitle = {Proceedings of the 30th International Conference on Machine Learning (ICML)},
  pages = {1310--1318}, year = {2013}
}
@inproceedings{glorot2010understanding,
  title = {Understanding the Difficulty of Training Deep Feedforward Neural Networks},
  author = {Glorot, Xavier and Bengio, Yoshua},
  booktitle = {Proceedings of AISTATS}, pages = {249--256}, year = {2010}
}
@article{pineau2021reproducibility,
  title = {Improving Reproducibility in Machine Learning Research
           (A Report from the {NeurIPS} 2019 Reproducibility Program)},
  author = {Pineau, Joelle and Vincent-Lamarre, Philippe and Sinha, Koustuv and Larivi{\\\`e}re, Vincent and
            Beygelzimer, Alina and d'Alch{\\'e}-Buc, Florence and Fox, Emily and Larochelle, Hugo},
  journal = {Journal of Machine Learning Research}, volume = {22}, number = {164}, pages = {1--20}, year = {2021}
}
`;

const list = (xs: string[]) =>
  xs.length <= 1 ? xs.join("") : `${xs.slice(0, -1).join(", ")} and ${xs[xs.length - 1]}`;

/**
 * The methods paragraph: cells, sizes, data, optimizer, rates and how one is chosen, budget,
 * seeds, selection, statistics, hardware, software. Read from the experiment's resolved rows, so
 * a setting a cell or a task overrides is said where it applies.
 */
export function methodsParagraph(results: ResultsFile): string {
  const m = results.manifest;
  const spec = m.config;
  const all = rows(spec);
    const cells = spec.cells.map((c) => {
    const H = hiddenText(all.filter((r) => r.cell === c.name));
    const init = typeof c.rnn.init === "string" ? `, ${c.rnn.init} initialisation` : "";
    const units = cellDescription(c.rnn.kind).units;
    return `${c.name} (${c.rnn.kind}${init}, H = ${H}${units ? `, ${units}` : ""})`;
  });
  const lengths = new Map<string, number[]>();
  for (const task of spec.tasks) lengths.set(task.name, [...(lengths.get(task.name) ?? []), ...task.T]);
  const tasks = [...lengths].map(([name, T]) => `${name} at T = ${T.join(", ")}`);
  const rates = said(all, (r) =>
    r.lrs.length > 1 ? `learning rates {${r.lrs.join(", ")}}` : `learning rate ${r.lrs[0]}`,
  );
  const choice = !all.some((r) => r.lrs.length > 1)
    ? ""
    : spec.lrSelection === "staged"
      ? `, one chosen per row by its mean validation metric (${stagedText(spec)})`
      : ", every rate on every seed, the one with the lowest mean validation metric reported per row";
  const clip = said(all, (r) => clipText(r.train.clip));
  const data = said(all, ({ task, train: { trainSet: set, batchSize } }) =>
    isCharLM(task)
      ? `contiguous ${task.T}-character chunks of ${batchSize} streams over the text's training split (the state ` +
        "carried from batch to batch)"
      : set
        ? `a fixed training set of ${set.size} sequences`
        : "freshly sampled training sequences at every step",
  );
  const early = all.some((r) => r.train.earlyStop);
  const patience = said(all, (r) => (r.train.patience ? `${r.train.patience}` : "no"));
  const sizes = (r: Row) => trainDefaults(r.train);
  // A text's held-out sets are its own splits; generated tasks draw theirs from fixed seeds.
  const heldOut = said(all, (r) =>
    isCharLM(r.task)
      ? `the text's own validation and test splits, each read whole as ${sizes(r).validationSize} streams with the ` +
        "state carried, are the held-out sets"
      : `validation (${sizes(r).validationSize} sequences) and test (${sizes(r).testSize} sequences) sets are ` +
        "fixed, disjoint streams",
  );
  const solves = !results.summary.every(metricOnly);
  const made = m.preset.startsWith("spec:")
    ? `gatescope reproduce --spec ${m.preset.slice(5)}`
    : `gatescope reproduce --preset ${m.preset}${m.seed ? ` --seed ${m.seed}` : ""}`;
  const finished = results.missing.length
    ? `The ${results.runs.length} finished runs (of ${results.runs.length + results.missing.length})`
    : `The ${results.runs.length} runs`;
  return [
    `We compare ${list(cells)} on ${list(tasks)}, ${said(all, layersText)} with a linear readout, in ` +
      `${spec.cells[0].rnn.dtype ?? "float32"}.`,
    `Each run trains on ${data} with ${said(all, (r) => optimizerName(r.train.optimizer.kind))}, ` +
      `${rates}${choice}, batch size ${said(all, (r) => String(r.train.batchSize))} and gradient clipping ` +
      `${clip},`,
    `for at most ${said(all, (r) => String(r.train.steps))} ` +
      `steps${early ? ", stopping early once the task's criterion holds on the validation set" : ""}` +
      `${patience === "no" ? "" : `, stopping after ${patience} evaluations without a better validation metric`}.`,
    `${heldOut[0].toUpperCase()}${heldOut.slice(1)};`,
    `weights are selected at the evaluation (every ${said(all, (r) => String(sizes(r).evalEvery))} steps) ` +
      `with the lowest validation metric, and the test set is scored once, for those weights.`,
    `We report the mean over a row's seeds, ${said(all, (r) => String(r.seeds.length))} per row, with a ` +
      "percentile-bootstrap 95% interval (2000 resamples)" +
      `${solves ? " and solve rates with Wilson 95% intervals" : ""}.`,
    `${finished} took ${runsCost(results.runs)} (each run one thread) on ${m.cpus} × ${m.cpu_model}`,
    `(${m.platform}, Node.js ${m.node}, ${madeWith(m)}),`,
    `with gatescope ${m.version}${m.git_commit ? ` at commit ${m.git_commit.slice(0, 12)}` : ""}; the runs come ` +
      `from \`${made}\`${m.command.startsWith("gatescope reproduce") ? "" : `, merged by \`${m.command}\``}.`,
  ].join(" ");
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");

/** Writes everything into `out`; returns the files written, relative to it. */
export async function writeup(results: ResultsFile, out: string): Promise<string[]> {
  fs.mkdirSync(path.join(out, "figures"), { recursive: true });
  const written: string[] = [];
  const put = (name: string, text: string) => {
    writeFileAtomic(path.join(out, name), text);
    written.push(name);
  };
  const tables = resultTables(results);
  put("tables.md", tables.map(tableToMarkdown).join("\n\n") + "\n");
  put("tables.tex", tables.map(tableToLatex).join("\n"));
  put("references.bib", REFERENCES_BIB);
  put("methods.md", methodsParagraph(results) + "\n");
  const figures = reportFigures(results).flatMap((f, i) => {
    const base = path.join("figures", `${String(i + 1).padStart(2, "0")}-${slug(f.heading)}`);
    return [".svg", ".png"].map((ext) => ({ figure: f.figure, file: path.join(out, base + ext), name: base + ext }));
  });
  await saveFigures(figures, { width: 1000, height: 600, scale: 2 });
  written.push(...figures.map((f) => f.name));
  // Figures are numbered in the report's order, so a new row renumbers those after it: a figure file of ours that
  // this writeup did not make is a stale copy under its old number, and goes.
  const made = new Set(figures.map((f) => path.basename(f.file)));
  for (const name of fs.readdirSync(path.join(out, "figures")))
    if (/^\d{2,}-[a-z0-9-]+\.(svg|png)$/.test(name) && !made.has(name)) fs.rmSync(path.join(out, "figures", name));
  return written;
}
