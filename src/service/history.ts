/**
 * The history store the service shares between its plugins, opened once at start. A store that
 * cannot be opened (a full disk, a read-only folder) is no reason to stop reading the meter: the
 * service runs on without memory across restarts, and says so.
 */
import type { Logger } from "../logging/logger.js";
import { HistoryStore } from "../store/history-store.js";
import { historyFile } from "../store/location.js";

export function openHistory(dataDir: string, logger: Logger): HistoryStore | null {
  const file = historyFile(dataDir);
  try {
    return HistoryStore.open(file, logger);
  } catch (error) {
    logger.error(
      `${(error as Error).message}; running without history (costs, forecasts and anomalies start afresh at every restart)`,
    );
    return null;
  }
}
