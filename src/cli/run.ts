/**
 * `e450 run`: the service. Exits 1 with every configuration problem listed, 0 after a clean SIGTERM
 * or SIGINT, and 1 on a fatal error so the Supervisor's watchdog restarts it.
 */
import { parseArgs } from "node:util";
import {
  CONFIG_FLAGS_USAGE,
  createRedactor,
  describeLoadFailure,
  formatProblem,
  loadOptions,
  parseConfigFlags,
} from "../config/index.js";
import { createLogger } from "../logging/logger.js";
import { startService } from "../main.js";
import { formatLiveLine } from "./live-printer.js";

const USAGE = `usage: e450 run [--config FILE] [--mqtt URL] [--data-dir DIR]

${CONFIG_FLAGS_USAGE}
With no configuration it reads the built-in virtual E450 and prints live readings.
`;

/** A clean stop must not hang on a broker or a port: past this, exit anyway. */
const STOP_TIMEOUT_MS = 5_000;

export async function main(argv: string[]): Promise<number> {
  const flags = parseConfigFlags(argv);
  if (!flags.ok) {
    process.stderr.write(`e450 run: ${flags.problems.map(formatProblem).join("\n")}\n\n${USAGE}`);
    return 2;
  }
  const { values } = parseArgs({
    args: [...flags.rest],
    strict: false,
    options: { help: { type: "boolean", short: "h" } },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const loaded = await loadOptions(flags.flags);
  if (!loaded.ok) {
    process.stderr.write(`${describeLoadFailure(loaded)}\n`);
    return 1;
  }
  const { options } = loaded;
  const redactor = createRedactor(options, process.env["SUPERVISOR_TOKEN"], process.env["HASSIO_TOKEN"]);
  const logger = createLogger(options.logLevel, redactor.text);
  logger.info(`e450 starting (options: ${describeSource(options.source)}, data in ${options.dataDir})`);

  let service: Awaited<ReturnType<typeof startService>>;
  try {
    service = await startService(options, logger, {
      onSnapshot: (snapshot) => process.stdout.write(`${formatLiveLine(snapshot)}\n`),
    });
  } catch (error) {
    logger.error(`cannot start: ${(error as Error).message}`);
    return 1;
  }

  return new Promise<number>((resolve) => {
    const shutdown = (signal: string) => {
      logger.info(`${signal} received, stopping`);
      const timer = setTimeout(() => resolve(0), STOP_TIMEOUT_MS);
      timer.unref();
      service.stop().then(
        () => {
          clearTimeout(timer);
          resolve(0);
        },
        () => resolve(0),
      );
    };
    process.once("SIGTERM", () => shutdown("SIGTERM"));
    process.once("SIGINT", () => shutdown("SIGINT"));
  });
}

function describeSource(source: { kind: string; file?: string }): string {
  return source.kind === "embedded" ? "built-in defaults" : (source.file ?? source.kind);
}
