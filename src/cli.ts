#!/usr/bin/env node
/** The `e450` command: one sub-command per module under cli/, loaded on demand to keep start-up fast. */
import { failUsage, nearest, parseCommandArgs } from "./cli/args.js";

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
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(10)} ${command.summary}`);
  return `usage: e450 <command> [options]\n\ncommands:\n${lines.join("\n")}\n\nRun e450 <command> --help for its options.\n`;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  // Options before the command are the dispatcher's own; everything after it belongs to the command.
  const at = argv.findIndex((argument) => !argument.startsWith("-"));
  const own = parseCommandArgs("e450", at === -1 ? argv : argv.slice(0, at), {
    options: { help: { type: "boolean", short: "h" } },
  });
  if (!own.ok) {
    process.exitCode = failUsage(own.message, usage());
    return;
  }
  const name = at === -1 ? undefined : argv[at];
  if (name === undefined || own.values.help) {
    process.stdout.write(usage());
    process.exitCode = own.values.help ? 0 : 2;
    return;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    const guess = nearest(name, Object.keys(COMMANDS));
    const hint = guess === undefined ? "" : ` (did you mean ${guess}?)`;
    process.exitCode = failUsage(`e450: unknown command "${name}"${hint}`, usage());
    return;
  }
  const rest = argv.slice(at + 1);
  const module = await command.load();
  process.exitCode = await module.main(rest);
}

// A reader that went away (`e450 run | head`) is not a reason to crash: the rest is just not shown.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
});

main().catch((error: unknown) => {
  process.stderr.write(`e450: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
