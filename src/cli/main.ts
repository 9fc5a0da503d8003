#!/usr/bin/env node
/** The `gatescope` command. */
import { GatescopeError } from "../errors";
import { verifyTorch } from "./verify-torch";
import { reproduce } from "./reproduce";
import { writeupCommand } from "./writeup";
import { runOneCommand } from "./run-one";
import { collectCommand } from "./collect";
import { gradcheckCommand } from "./gradcheck";
import { initCommand, notebooksCommand } from "./init";
import { staticImagesCommand } from "./static-images";
import { dataCommand } from "./data";
import { parseCommandArgs } from "./args";
import { COMMANDS, commandHelp, overview } from "./help";
import { gatescopePackage } from "../package-root";

export async function main(argv: string[], out: (line: string) => void = (l) => console.log(l)): Promise<number> {
  const [command, ...rest] = argv.filter((a) => a !== "--debug");
  if (command === "--version" || command === "-V") {
    out(gatescopePackage().version);
    return 0;
  }
  if (command === undefined || command === "--help" || command === "-h") {
    out(overview());
    return command === undefined ? 2 : 0;
  }
  if (!(command in COMMANDS)) {
    const names = Object.keys(COMMANDS).join(", ");
    throw new GatescopeError(`expected a command (${names}) or --help or --version, got "${command}"`);
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    out(commandHelp(command));
    return 0;
  }
  return RUN[command](rest, out);
}

type Command = (argv: string[], out: (line: string) => void) => number | Promise<number>;

function helpCommand(argv: string[], out: (line: string) => void): number {
  const [topic] = parseCommandArgs("help", argv, { one: "command", many: "commands", min: 0, max: 1 }).operands;
  if (topic !== undefined && !(topic in COMMANDS))
    throw new GatescopeError(`help: expected one of ${Object.keys(COMMANDS).join(", ")}, got "${topic}"`);
  out(topic !== undefined ? commandHelp(topic) : overview());
  return 0;
}

/** What each command in the help table runs. */
const RUN: Record<keyof typeof COMMANDS, Command> = {
  reproduce,
  "run-one": runOneCommand,
  collect: collectCommand,
  writeup: writeupCommand,
  "verify-torch": verifyTorch,
  gradcheck: gradcheckCommand,
  init: initCommand,
  notebooks: notebooksCommand,
  "static-images": staticImagesCommand,
  data: dataCommand,
  help: helpCommand,
};

/**
 * How a failure reaches the user: bad input (a GatescopeError: it says what was expected and what
 * came) on stderr with exit 2 and no stack; anything else is our bug — exit 1, a short line asking
 * for a report, and the stack only with --debug.
 */
export function reportFailure(err: unknown, debug: boolean, write: (line: string) => void): number {
  if (err instanceof GatescopeError) {
    write(`gatescope: ${err.message}`);
    return 2;
  }
  const e = err instanceof Error ? err : new Error(String(err));
  write(`gatescope: internal error: ${e.message}`);
  write(
    debug
      ? (e.stack ?? "")
      : "please report this (with the command you ran) at https://github.com/gatescope/gatescope/issues; " +
          "rerun with --debug for the stack",
  );
  return 1;
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  main(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.exitCode = reportFailure(err, argv.includes("--debug"), (l) => console.error(l));
    },
  );
}
