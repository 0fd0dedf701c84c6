/**
 * The logging the MQTT sink needs, structurally compatible with the composition root's logger.
 * Fields are data for the log line; they never carry credentials (ARCHITECTURE §9).
 */
export interface Logger {
  debug(message: string, fields?: Readonly<Record<string, unknown>>): void;
  info(message: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void;
  error(message: string, fields?: Readonly<Record<string, unknown>>): void;
}
