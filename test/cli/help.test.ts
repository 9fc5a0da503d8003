/**
 * The command line explains itself: --version, an overview, and `CMD --help` for every command
 * with every option and its default; parsers accept exactly the flags the help lists.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { GatescopeError } from "../../src/errors";
import { COMMANDS } from "../../src/cli/help";
import { parseInitArgs } from "../../src/cli/init";
import { parseReproduceArgs } from "../../src/cli/reproduce";
import { CLI, REPO } from "../helpers/paths";

const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });

describe("command-line help", () => {
  it("--version prints the package's version", () => {
    const r = cli("--version");
    expect(r.status).to.equal(0);
    expect(r.stdout.trim()).to.equal(JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")).version);
  });

  it("--help lists every command; no argument prints it too, with exit 2", () => {
    const r = cli("--help");
    expect(r.status).to.equal(0);
    for (const name of Object.keys(COMMANDS)) expect(r.stdout).to.match(new RegExp(`^  ${name} `, "m"));
    const bare = cli();
    expect(bare.status).to.equal(2);
    expect(bare.stdout).to.equal(r.stdout);
  });

  for (const [name, c] of Object.entries(COMMANDS)) {
    it(`${name} --help and help ${name}: usage, every option with its default, ≤ 100 columns`, () => {
      const r = cli(name, "--help");
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.include(`usage: ${c.usage}`);
      for (const o of c.options) {
        expect(r.stdout).to.include(o.flag);
        if (o.default) expect(r.stdout.replace(/\s+/g, " ")).to.include(`(default: ${o.default})`);
      }
      for (const line of r.stdout.split("\n")) expect(line.length, line).to.be.at.most(100);
      expect(cli("help", name).stdout).to.equal(r.stdout);
      expect(cli(name, "-h").stdout).to.equal(r.stdout);
    });
  }

  it("reproduce and init accept every flag their help lists, and refuse one it does not", () => {
    for (const o of COMMANDS.reproduce.options) {
      const value = o.arg ? (o.arg.includes("|") ? o.arg.split("|")[0] : "1") : null;
      const argv = [o.flag, ...(value === null ? [] : [value])];
      if (["--max-parallel", "--sbatch-arg", "--no-wait"].includes(o.flag)) argv.push("--executor", "slurm");
      expect(parseReproduceArgs(argv), o.flag).to.be.an("object");
    }
    expect(() => parseReproduceArgs(["--dryrun"])).to.throw(
      GatescopeError,
      /^reproduce: expected one of --preset, .*--no-wait, got "--dryrun"$/,
    );
    // A flag the help table declares but the parser has no branch for is an internal error, not --out.
    const options = COMMANDS.reproduce.options;
    options.push({ flag: "--tag", arg: "NAME", default: "none", text: "a flag with no branch" });
    try {
      expect(() => parseReproduceArgs(["--tag", "run7"])).to.throw(
        "reproduce: --tag is declared in help.ts but has no branch in parseReproduceArgs",
      );
    } finally {
      options.pop();
    }
    expect(parseReproduceArgs(["--out", "d"])).to.deep.include({ out: "d" });
    for (const o of COMMANDS.init.options) {
      const value = o.arg ? (o.arg.includes("|") ? o.arg.split("|")[0] : "x") : null;
      expect(() => parseInitArgs(["dir", o.flag, ...(value === null ? [] : [value])]), o.flag).to.not.throw();
    }
    // Both parsers speak one way: a GatescopeError naming the command, what was expected and what came.
    expect(() => parseInitArgs(["dir", "--pyton", "x"])).to.throw(
      GatescopeError,
      /init: expected a folder or one of --from, --python, --kernel, --no-install, got "--pyton"/,
    );
    expect(() => parseInitArgs(["dir", "--kernel", "jupyter"])).to.throw(
      'init: --kernel: expected tslab, deno or both, got "jupyter"',
    );
    expect(parseInitArgs(["dir", "--kernel", "both"]).kernels).to.deep.equal(["tslab", "deno"]);
    const initOptions = COMMANDS.init.options;
    initOptions.push({ flag: "--tag", arg: "NAME", default: "none", text: "a flag with no branch" });
    try {
      expect(() => parseInitArgs(["dir", "--tag", "x"])).to.throw(
        "init: --tag is declared in help.ts but has no branch in parseInitArgs",
      );
    } finally {
      initOptions.pop();
    }
  });

  it("one parser for every command: --flag=value, repeats, switches, operands, each refusal in one voice", () => {
    expect(parseReproduceArgs(["--out=d", "--seed=3"])).to.deep.include({ out: "d", seed: 3 });
    // sbatch's own options pass either way; elsewhere a value that looks like an option is written --flag=value.
    const slurm = ["--executor", "slurm", "--sbatch-arg=--partition=cpu", "--sbatch-arg", "--time=5"];
    expect(parseReproduceArgs(slurm).sbatchArgs).to.deep.equal(["--partition=cpu", "--time=5"]);
    expect(() => parseReproduceArgs(["--out", "--dry-run"])).to.throw(
      'reproduce: --out: expected a value, got the option-like "--dry-run" (write --out=--dry-run if it is the value)',
    );
    const twice = "reproduce: --out: expected once, got 2 times";
    expect(() => parseReproduceArgs(["--out", "a", "--out=b"])).to.throw(twice);
    expect(() => parseReproduceArgs(["--dry-run=yes"])).to.throw(
      'reproduce: --dry-run: expected no value (it is a switch), got "--dry-run=yes"',
    );
    expect(() => parseReproduceArgs(["results"])).to.throw('reproduce: expected options only, got "results"');
    expect(parseInitArgs(["--kernel=tslab", "dir"])).to.deep.include({ dir: "dir", kernels: ["tslab"] });
    const refusals: Array<[string[], string]> = [
      [["run-one", "d", "--index", "0", "--index", "3"], "run-one: --index: expected once, got 2 times"],
      [["run-one", "a", "b"], 'run-one: expected one experiment directory, got "a" "b"'],
      [["run-one", "d", "--weights"], "run-one: --weights: expected a value, got none"],
      [["writeup"], "writeup: expected one results directory, got none"],
      [["writeup", "d", "--out=x", "--out=y"], "writeup: --out: expected once, got 2 times"],
      [["collect", "--all"], 'collect: expected one experiment directory (it has no options), got "--all"'],
      [["static-images"], "static-images: expected at least one executed notebook, got none"],
      [["notebooks", "a", "b"], 'notebooks: expected one folder, got "a" "b"'],
      [["data", "fortunes", "--seed=1", "--seed", "2"], "data: --seed: expected once, got 2 times"],
      [["gradcheck", "--all=1"], 'gradcheck: --all: expected no value (it is a switch), got "--all=1"'],
      [["help", "run-one", "collect"], 'help: expected at most one command, got "run-one" "collect"'],
    ];
    for (const [argv, message] of refusals) {
      const r = cli(...argv);
      expect(r.status, argv.join(" ")).to.equal(2);
      expect(r.stderr, argv.join(" ")).to.equal(`gatescope: ${message}\n`);
    }
  });

  it("reproduce checks the backend before it writes anything", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gatescope-args-"));
    const r = spawnSync(process.execPath, [CLI, "reproduce", "--preset", "tiny", "--out", dir], {
      encoding: "utf8",
      env: { ...process.env, GATESCOPE_BACKEND: "gpu" },
    });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/^gatescope: backend: expected one of "js", "native"/);
    expect(fs.readdirSync(dir)).to.deep.equal([]);
    fs.rmSync(dir, { recursive: true });
  });

  it("every command in the table runs something: without its arguments, a user error, never an internal one", () => {
    for (const name of Object.keys(COMMANDS).filter((n) => n !== "reproduce")) {
      const r = cli(name);
      expect(r.stderr, name).to.not.match(/internal error/);
      expect([0, 2], name).to.include(r.status);
    }
  });

  it("an unknown command or help topic is a user error naming the commands", () => {
    for (const args of [["frobnicate"], ["help", "frobnicate"]]) {
      const r = cli(...args);
      expect(r.status).to.equal(2);
      expect(r.stderr).to.match(/expected (a command \(|one of )reproduce, run-one, .*got "frobnicate"/);
    }
    const v = cli("verify-torch", "--frob");
    expect(v.status).to.equal(2);
    expect(v.stderr).to.include('verify-torch: expected reference files (it has no options), got "--frob"');
  });
});
