/**
 * Where the history store lives: one file in the data folder, the same for `e450 run` (which writes
 * it) and `e450 history import` (which fills it beforehand), so that an import is what the service reads.
 */
import { join } from "node:path";

export const HISTORY_FILE_NAME = "history.sqlite";

export function historyFile(dataDir: string): string {
  return join(dataDir, HISTORY_FILE_NAME);
}
