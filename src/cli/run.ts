/**
 * `e450 run`: the service. Exits 1 with every configuration problem listed, 0 after a clean SIGTERM
 * or SIGINT, and 1 on a fatal error so the Supervisor's watchdog restarts it.
 */
import { CONFIG_FLAG_OPTIONS } from "../config/cli-flags.js";
import { parseHttpFlag } from "../config/http-server.js";
import {
  CONFIG_FLAGS_USAGE,
  createRedactor,
  describeLoadFailure,
  formatProblem,
  loadOptions,
  parseConfigFlags,
} from "../config/index.js";
import { createLogger } from "../logging/logger.js";
import type { Service } from "../main.js";
import { hostTimeZone } from "../time/zoned.js";
import { failUsage, parseCommandArgs } from "./args.js";
import { formatLiveLine } from "./live-printer.js";

const USAGE = `usage: e450 run [--config FILE] [--mqtt URL] [--mqtt-password-file FILE] [--data-dir DIR]
                [--http [HOST:]PORT]

${CONFIG_FLAGS_USAGE}  --http [HOST:]PORT
                    serve the web panel and the API (/api/…) there; HOST defaults to 127.0.0.1.
                    Any other address than loopback needs http.password or http.password_file
                    in the options. Inside the add-on, without --http, it is served through ingress.

With no configuration it reads the built-in virtual E450 and prints live readings. A configuration
file reads the virtual meter only with meter.connection: virtual.
Without a broker, each line starts with the meter's clock and the offset of the zone it is read in.
`;

/** A clean stop must not hang on a broker or a port: past this, exit anyway. */
const STOP_TIMEOUT_MS = 5_000;

const OPTIONS = {
  ...CONFIG_FLAG_OPTIONS,
  http: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export async function main(argv: string[]): Promise<number> {
  const args = parseCommandArgs("e450 run", argv, { options: OPTIONS });
  if (!args.ok) return failUsage(args.message, USAGE);
  if (args.values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const flags = parseConfigFlags(args.values);
  if (!flags.ok) return failUsage(`e450 run: ${flags.problems.map(formatProblem).join("; ")}`, USAGE);
  const http = args.values.http === undefined ? undefined : parseHttpFlag(args.values.http);
  if (http?.ok === false) return failUsage(`e450 run: ${formatProblem(http.problem)}`, USAGE);
  const loaded = await loadOptions({ ...flags.flags, ...(http?.ok ? { http: http.listen } : {}) });
  if (!loaded.ok) {
    process.stderr.write(`${describeLoadFailure(loaded)}\n`);
    return 1;
  }
  const { options } = loaded;
  const redactor = createRedactor(options, process.env["SUPERVISOR_TOKEN"], process.env["HASSIO_TOKEN"]);
  const logger = createLogger(options.logLevel, redactor.text);
  logger.info(`e450 starting (options: ${describeSource(options.source)}, data in ${options.dataDir})`);

  // Listening before anything starts: a SIGTERM while the service starts (the add-on stopped
  // right after its start) would otherwise kill the process without marking anything offline.
  const stopSignal = new Promise<string>((resolve) => {
    process.once("SIGTERM", () => resolve("SIGTERM"));
    process.once("SIGINT", () => resolve("SIGINT"));
  });
  let service: Service;
  try {
    // Loaded only now: a mistyped option is refused without loading the whole service first.
    const { startService } = await import("../main.js");
    // Meters keep the household's local time, the host's (TZ in the add-on); so does the virtual one.
    const timeZone = hostTimeZone();
    service = await startService(options, logger, {
      onSnapshot: (snapshot) =>
        process.stdout.write(`${formatLiveLine(snapshot, { timeZone, now: Date.now() })}\n`),
    });
  } catch (error) {
    logger.error(`cannot start: ${(error as Error).message}`);
    return 1;
  }

  const signal = await stopSignal;
  logger.info(`${signal} received, stopping`);
  return new Promise<number>((resolve) => {
    const timer = setTimeout(() => resolve(0), STOP_TIMEOUT_MS);
    timer.unref();
    service.stop().then(
      () => {
        clearTimeout(timer);
        resolve(0);
      },
      () => resolve(0),
    );
  });
}

/** The zone the meter's clock is read in, as the MQTT plugin reads it (service/mqtt-plugin.ts). */
function describeSource(source: { kind: string; file?: string }): string {
  return source.kind === "embedded" ? "built-in defaults" : (source.file ?? source.kind);
}
