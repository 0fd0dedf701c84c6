/**
 * The `reset_integrity_guard` option: the add-on's way to start the integrity guard afresh without
 * shell access to /data (the add-on's data folder is reachable only from the host). The guard never
 * accepts a lower total, so after the operator resets a meter's registers nothing would be published
 * again until the new counts pass the old ones.
 *
 * The option holds a date, and each date acts once: options stay set until the user clears them, and
 * a reset at every restart would throw away the protection the guard's file gives across restarts.
 * The acted-on date is remembered next to the guard's file; the old file is kept as a backup.
 */
import { existsSync, readdirSync, readFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "../logging/logger.js";
import { writeFileAtomic } from "../util/atomic-write.js";

/** The guard's state file in the data folder (meter/json-file-totals-store.ts reads and writes it). */
export const GUARD_FILE_NAME = "integrity-guard.json";
const MARKER_FILE_NAME = "integrity-guard-reset.json";
/** The single meter's file, and one per meter of several (guardFileName). */
const GUARD_FILE = /^integrity-guard(?:\.meter-[a-z0-9-]+)?\.json$/;

/**
 * The guard file of a configured meter: the single meter keeps the name it always had; each of
 * several has its own, so that no two guards write one file.
 */
export function guardFileName(meterId: string, single: boolean): string {
  return single ? GUARD_FILE_NAME : `integrity-guard.meter-${meterId}.json`;
}

interface Marker {
  /** The option's value that was acted on. */
  readonly date: string;
  /** When, as an ISO 8601 instant. */
  readonly at: string;
  /** Where the guard's file was moved; null when there was none. */
  readonly backup: string | null;
}

/**
 * Moves the guard's file aside when `date` was not acted on before. Runs before the guard loads its
 * file; throws when the file cannot be moved, since starting on the old totals would hold back every
 * total the user just asked to accept.
 */
export function applyGuardReset(
  dataDir: string,
  date: string | undefined,
  logger: Logger,
  now: number = Date.now(),
): void {
  if (date === undefined) return;
  const markerFile = join(dataDir, MARKER_FILE_NAME);
  const done = readMarker(markerFile);
  if (done?.date === date) {
    logger.info(
      `reset_integrity_guard: ${date} was already carried out at ${done.at}; the guard keeps its totals. ` +
        "Clear the option, or enter a new date to reset the guard again.",
    );
    return;
  }
  const at = new Date(now).toISOString();
  const stamp = at.replace(/[:.]/g, "-");
  const moved: string[] = [];
  const files = existsSync(dataDir) ? readdirSync(dataDir).filter((name) => GUARD_FILE.test(name)) : [];
  for (const name of files.sort()) {
    const guardFile = join(dataDir, name);
    const backup = join(dataDir, `${name.replace(/\.json$/, "")}.before-reset-${stamp}.json`);
    try {
      renameSync(guardFile, backup);
    } catch (error) {
      throw new Error(
        `reset_integrity_guard: cannot move ${guardFile} aside: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
    moved.push(backup);
  }
  const backup = moved.length === 0 ? null : moved.join(", ");
  const guardFile =
    files.length === 0 ? join(dataDir, GUARD_FILE_NAME) : files.map((name) => join(dataDir, name)).join(", ");
  const marker: Marker = { date, at, backup };
  try {
    writeFileAtomic(markerFile, `${JSON.stringify(marker, null, 2)}\n`);
  } catch (error) {
    // The reset itself is done; only its "once" cannot be remembered, so the next start resets again.
    logger.error(
      `reset_integrity_guard: cannot write ${markerFile} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); ` +
        "the guard will be reset again at the next start: clear the option now.",
    );
  }
  logger.warn(
    backup === null
      ? `reset_integrity_guard ${date}: the integrity guard had no saved totals (${guardFile}); it starts afresh.`
      : `reset_integrity_guard ${date}: moved ${guardFile} to ${backup}; the integrity guard starts afresh, ` +
          "and each energy total is published once a second reading confirms it. Clear the option now.",
  );
}

function readMarker(file: string): Marker | null {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return null;
  }
  try {
    const parsed = JSON.parse(text) as Partial<Marker> | null;
    return typeof parsed?.date === "string" && typeof parsed.at === "string"
      ? { date: parsed.date, at: parsed.at, backup: parsed.backup ?? null }
      : null;
  } catch {
    // A damaged marker only means the date is carried out once more: the safe side of "once".
    return null;
  }
}
