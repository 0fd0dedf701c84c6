/** A logger that keeps its lines ("warn …"), for tests that check what the user is told. */
import type { Logger } from "../../src/logging/logger.js";

export function recordingLogger(): Logger & { readonly lines: string[] } {
  const lines: string[] = [];
  const log = (level: string) => (message: string) => {
    lines.push(`${level} ${message}`);
  };
  return { lines, debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") };
}
