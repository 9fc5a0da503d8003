/**
 * Notebook users meet our types through tslab's own compiler: TypeScript 5.0, lib ES2022, no
 * DOM, not strict, CommonJS, node10 resolution, the package found through node_modules by its
 * `main` and `types`. This compiles a notebook-like file that way with tslab's own compiler, then runs it.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { REPO } from "../helpers/paths";
import { tmpDir } from "../helpers/tmp";

// tslab's own bundled compiler, the one notebook cells go through.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const ts50 = require("@tslab/typescript-for-tslab") as typeof import("typescript");

// types: [] is stricter than tslab (which has Node's types): our .d.ts must not need them.
const NOTEBOOK = `
declare const console: { log(line: string): void };
import {
  RecurrentNet, Rng, Linear, lastStep, mse, fromPyTorch, toPyTorch, toNested, type Tensor, type RecurrentConfig,
} from "gatescope";
const rng = new Rng(0);
const config: RecurrentConfig = { kind: "lstm", inputSize: 2, hiddenSize: 4, numLayers: 2, forgetBias: 1 };
const net = new RecurrentNet(config, rng);
const fwd = net.forward([[[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]]);
const f: Tensor = fwd.trace.get("f", 0);
const head = new Linear({ inputSize: 4, outputSize: 1 }, rng);
const last = lastStep(fwd.output);
const loss = mse(head.forward(last), [[1]]);
const bwd = net.backward(fwd, { dOutput: head.backward(last, loss.grad).dInput }, { truncate: 2 });
const again = fromPyTorch("lstm", toPyTorch(net));
const nested = (toNested(f) as number[][][]).length;
const layers = again.config.numLayers;
const positive = loss.loss > 0;
console.log(JSON.stringify({ gates: fwd.trace.names, f: f.shape, dh: bwd.dh.shape, loss: positive, layers, nested }));
`;

describe("public types under tslab's compiler (TypeScript 5.0, ES2022, no DOM, non-strict)", () => {
  const dir = tmpDir("tslab");

  it("the compiler under test is tslab's TypeScript 5.0", () => {
    expect(ts50.version).to.match(/^5\.0\./);
  });

  it("a notebook-style file type-checks against dist/*.d.ts and runs", () => {
    fs.mkdirSync(path.join(dir, "node_modules"));
    fs.symlinkSync(REPO, path.join(dir, "node_modules", "gatescope"), "dir");
    const file = path.join(dir, "notebook.ts");
    fs.writeFileSync(file, NOTEBOOK);
    const options: import("typescript").CompilerOptions = {
      target: ts50.ScriptTarget.ES2022,
      lib: ["lib.es2022.d.ts"],
      module: ts50.ModuleKind.CommonJS,
      moduleResolution: ts50.ModuleResolutionKind.Node10,
      strict: false,
      types: [],
      esModuleInterop: true,
      outDir: dir,
    };
    const program = ts50.createProgram([file], options);
    const emitted = program.emit();
    const diagnostics = ts50.getPreEmitDiagnostics(program).concat(emitted.diagnostics);
    const where = (d: (typeof diagnostics)[number]) => (d.file ? path.relative(dir, d.file.fileName) : "");
    const messages = diagnostics.map((d) => `${where(d)}: ${ts50.flattenDiagnosticMessageText(d.messageText, "\n")}`);
    expect(messages).to.deep.equal([]);
    const r = spawnSync(process.execPath, [path.join(dir, "notebook.js")], { encoding: "utf8", cwd: dir });
    expect(r.status, r.stderr).to.equal(0);
    expect(JSON.parse(r.stdout)).to.deep.equal({
      gates: ["i", "f", "g", "o", "c", "h"], f: [1, 3, 4], dh: [2, 1, 3, 4], loss: true, layers: 2, nested: 1,
    });
  });
});
