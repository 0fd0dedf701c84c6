#!/usr/bin/env node
/** The `e450` command: one sub-command per module under cli/, loaded on demand to keep start-up fast. */
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
  const [name, ...rest] = process.argv.slice(2);
  if (name === undefined || name === "--help" || name === "-h") {
    process.stdout.write(usage());
    process.exitCode = name === undefined ? 2 : 0;
    return;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`e450: unknown command "${name}"\n\n${usage()}`);
    process.exitCode = 2;
    return;
  }
  const module = await command.load();
  process.exitCode = await module.main(rest);
}

main().catch((error: unknown) => {
  process.stderr.write(`e450: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
