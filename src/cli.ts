#!/usr/bin/env node
/** The `e450` command: one sub-command per module under cli/, loaded on demand to keep start-up fast. */
import { failUsage, nearest, parseCommandArgs } from "./cli/args.js";
import { VERSION } from "./version.js";

type Command = { summary: string; load: () => Promise<{ main(argv: string[]): Promise<number> }> };

const COMMANDS: Record<string, Command> = {
  run: { summary: "read the meter and print or publish live readings", load: () => import("./cli/run.js") },
  decode: {
    summary: "decode captured bytes (hex, file or stdin) to readings",
    load: () => import("./cli/decode.js"),
  },
  simulate: { summary: "serve a virtual E450 over TCP", load: () => import("./cli/simulate.js") },
  backtest: {
    summary: "backtest forecasts and anomaly detectors on consumption CSV files",
    load: () => import("./cli/backtest.js"),
  },
  history: {
    summary: "import consumption history from a portal's CSV export",
    load: () => import("./cli/history.js"),
  },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(10)} ${command.summary}`);
  return (
    "usage: e450 <command> [options]\n       e450 help [<command>]\n       e450 --version\n\n" +
    `commands:\n${lines.join("\n")}\n\nRun e450 <command> --help (or e450 help <command>) for its options.\n`
  );
}

/** The command `name`, or the exit code of a usage error naming the nearest one. */
function commandNamed(name: string): Command | number {
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command) return command;
  const guess = nearest(name, Object.keys(COMMANDS));
  const hint = guess === undefined ? "" : ` (did you mean ${guess}?)`;
  return failUsage(`e450: unknown command "${name}"${hint}`, usage());
}

async function main(argv: string[]): Promise<number> {
  // Options before the command are the dispatcher's own; everything after it belongs to the command.
  const at = argv.findIndex((argument) => !argument.startsWith("-"));
  const own = parseCommandArgs("e450", at === -1 ? argv : argv.slice(0, at), {
    options: { help: { type: "boolean", short: "h" }, version: { type: "boolean" } },
  });
  if (!own.ok) return failUsage(own.message, usage());
  if (own.values.version) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const name = at === -1 ? undefined : argv[at];
  // Asking for help is not a mistake (exit 0); a bare `e450` names no command and is one (exit 2),
  // so a script that lost its argument fails, while the usage still shows on stdout for a person.
  if (name === undefined || own.values.help) {
    process.stdout.write(usage());
    return own.values.help ? 0 : 2;
  }
  const rest = argv.slice(at + 1);
  if (name === "help") return help(rest);
  const command = commandNamed(name);
  if (typeof command === "number") return command;
  const module = await command.load();
  return module.main(rest);
}

/** `e450 help` prints the usage; `e450 help <command>` is `e450 <command> --help`. */
async function help(argv: string[]): Promise<number> {
  const args = parseCommandArgs("e450 help", argv, { options: {}, allowPositionals: true });
  if (!args.ok) return failUsage(args.message, usage());
  const [name, ...extra] = args.positionals;
  if (name === undefined) {
    process.stdout.write(usage());
    return 0;
  }
  if (extra.length > 0)
    return failUsage(`e450 help: expected one command, got ${args.positionals.length}`, usage());
  const command = commandNamed(name);
  if (typeof command === "number") return command;
  const module = await command.load();
  return module.main(["--help"]);
}

// A reader that went away (`e450 run | head`) is not a reason to crash: the rest is just not shown.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`e450: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
