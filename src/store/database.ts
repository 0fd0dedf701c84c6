/**
 * Opens one of e450's SQLite files (the history store, the InfluxDB queue): creates its folder, refuses a file from a newer program,
 * moves a corrupt file aside (with its -wal and -shm) and starts a fresh one, sets the connection up
 * and brings the schema to the current version.
 */
import { existsSync, mkdirSync, renameSync, statSync } from "node:fs";
import { dirname } from "node:path";
import Sqlite, { type Database } from "better-sqlite3";
import type { Logger } from "../logging/logger.js";
import { MIGRATIONS, type Migration, migrate, refuseNewerSchema } from "./migrations.js";

/** How long a statement waits for another connection's lock (a second `e450` on the same folder). */
const BUSY_TIMEOUT_MS = 5_000;

/** SQLite's own words for a damaged file; anything else (permissions, a directory) is not ours to move. */
class CorruptFile extends Error {}

export interface OpenOptions {
  readonly logger: Logger;
  /** The clock for the aside file's name. */
  readonly now?: () => number;
  readonly migrations?: readonly Migration[];
  /** What the file is, for messages: "history store" (the default), "InfluxDB queue". */
  readonly label?: string;
}

export function openDatabase(file: string, options: OpenOptions): Database {
  const migrations = options.migrations ?? MIGRATIONS;
  const label = options.label ?? "history store";
  try {
    mkdirSync(dirname(file), { recursive: true });
  } catch (error) {
    throw new Error(`${label}: cannot create the folder of ${file}: ${describe(error)}`, {
      cause: error,
    });
  }
  try {
    return openChecked(file, migrations, label);
  } catch (error) {
    if (!(error instanceof CorruptFile)) throw error;
    let aside: string;
    try {
      aside = moveAside(file, options.now?.() ?? Date.now());
    } catch (moveError) {
      throw new Error(
        `${label}: ${file} is damaged (${error.message}) and could not be moved aside: ${describe(moveError)}`,
        { cause: moveError },
      );
    }
    options.logger.warn(
      `${label}: ${file} is damaged (${error.message}); moved it aside to ${aside} ` +
        "(with its -wal and -shm files) and started a new, empty history",
      { file, aside, problem: error.message },
    );
    try {
      return openChecked(file, migrations, label);
    } catch (fresh) {
      throw new Error(`${label}: cannot create a new ${file}: ${describe(fresh)}`, { cause: fresh });
    }
  }
}

function openChecked(file: string, migrations: readonly Migration[], label: string): Database {
  if (existsSync(file)) inspect(file, migrations, label);
  let db: Database;
  try {
    db = new Sqlite(file, { timeout: BUSY_TIMEOUT_MS });
  } catch (error) {
    throw classify(error, file, label);
  }
  try {
    // A day of packed intervals (interval-days.ts) is 4–7 kB: in 8 kB pages it fits one page, where
    // 4 kB pages (the default) spill it into overflow pages and made a year's read 20× slower
    // (measured with bench/store.ts). Takes effect only on a new, empty file, so it goes before WAL.
    db.pragma("page_size = 8192");
    // WAL: readers never block the writer, and a commit appends to the -wal file instead of rewriting
    // pages in place, so a process killed at any instant leaves the last committed transaction intact.
    db.pragma("journal_mode = WAL");
    // NORMAL in WAL mode fsyncs only at checkpoints. A commit is in the -wal file (the OS page cache)
    // when it returns, so it survives the process being killed (`kill -9`, a crash, an OOM kill);
    // only a power cut or kernel crash can roll back the last commits, never corrupt the file
    // (sqlite.org/pragma.html#pragma_synchronous, "WAL mode is always consistent with NORMAL").
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    migrate(db, migrations);
    return db;
  } catch (error) {
    db.close();
    throw classify(error, file, label);
  }
}

/**
 * Checks an existing file through a read-only connection, so that a file we refuse or set aside is
 * left exactly as found: a read-write connection would checkpoint its -wal into it on close.
 */
function inspect(file: string, migrations: readonly Migration[], label: string): void {
  // SQLite reports a directory as a disk I/O error; say what it is.
  if (statSync(file).isDirectory()) throw new Error(`${label}: cannot open ${file}: it is a directory`);
  let db: Database;
  try {
    db = new Sqlite(file, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
  } catch (error) {
    throw classify(error, file, label);
  }
  try {
    refuseNewerSchema(db, file, migrations, label);
    // quick_check: every page and record well-formed, in time linear in the file (integrity_check
    // also cross-checks indexes, which costs more and finds nothing a reader would trip over first).
    const check = db.pragma("quick_check(1)", { simple: true });
    if (check !== "ok") throw new CorruptFile(`quick_check: ${String(check).split("\n").join(" ")}`);
  } catch (error) {
    throw classify(error, file, label);
  } finally {
    db.close();
  }
}

function classify(error: unknown, file: string, label: string): Error {
  if (error instanceof CorruptFile) return error;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && (code.startsWith("SQLITE_CORRUPT") || code.startsWith("SQLITE_NOTADB"))) {
    return new CorruptFile(describe(error));
  }
  if (error instanceof Error && error.message.startsWith(`${label}:`)) return error;
  return new Error(`${label}: cannot open ${file}: ${describe(error)}`, { cause: error });
}

/** Renames the file and its WAL companions to `<file>.corrupt-<UTC time>` (+ -wal, -shm), a free name. */
function moveAside(file: string, nowMs: number): string {
  const stamp = new Date(nowMs).toISOString().replace(/[:.]/g, "-");
  let aside = `${file}.corrupt-${stamp}`;
  for (let n = 2; existsSync(aside); n++) aside = `${file}.corrupt-${stamp}-${n}`;
  renameSync(file, aside);
  // SQLite finds a database's WAL by appending "-wal" to its name, so the aside copy stays openable.
  for (const suffix of ["-wal", "-shm"]) {
    if (existsSync(file + suffix)) renameSync(file + suffix, aside + suffix);
  }
  return aside;
}

export function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" && !error.message.includes(code)
    ? `${code}: ${error.message}`
    : error.message;
}
