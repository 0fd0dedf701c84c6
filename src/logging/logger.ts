/**
 * Leveled log lines on stdout (the add-on log tab shows stdout), every line through the redactor so
 * that a key or password that slipped into a message is masked (ARCHITECTURE §9).
 */
/** The log levels every Home Assistant add-on offers (bashio's levels, hassio-addons convention). */
export const LOG_LEVELS = ["trace", "debug", "info", "notice", "warning", "error", "fatal"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Logger {
  debug(message: string, fields?: Readonly<Record<string, unknown>>): void;
  info(message: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void;
  error(message: string, fields?: Readonly<Record<string, unknown>>): void;
}

const RANK: Record<LogLevel, number> = {
  trace: 0,
  debug: 1,
  info: 2,
  notice: 3,
  warning: 4,
  error: 5,
  fatal: 6,
};
const METHOD_LEVEL = { debug: "debug", info: "info", warn: "warning", error: "error" } as const;

export function createLogger(
  level: LogLevel,
  redact: (text: string) => string,
  write: (line: string) => void = (line) => process.stdout.write(line),
): Logger {
  const emit = (
    method: keyof typeof METHOD_LEVEL,
    message: string,
    fields?: Readonly<Record<string, unknown>>,
  ) => {
    if (RANK[METHOD_LEVEL[method]] < RANK[level]) return;
    const extra = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields, bigintSafe)}` : "";
    write(
      redact(
        `${new Date().toISOString()} ${METHOD_LEVEL[method].toUpperCase().padEnd(7)} ${message}${extra}\n`,
      ),
    );
  };
  return {
    debug: (message, fields) => emit("debug", message, fields),
    info: (message, fields) => emit("info", message, fields),
    warn: (message, fields) => emit("warn", message, fields),
    error: (message, fields) => emit("error", message, fields),
  };
}

function bigintSafe(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

/** The same logger with every line starting "<prefix>: " (one meter of several: "Flat 1: meter link up"). */
export function prefixedLogger(logger: Logger, prefix: string): Logger {
  const at = (level: keyof Logger) => (message: string, fields?: Readonly<Record<string, unknown>>) =>
    logger[level](`${prefix}: ${message}`, fields);
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}
