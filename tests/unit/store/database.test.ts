/** Opening the history store's file: schema versions, a newer file refused, a damaged file set aside. */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Sqlite from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Logger } from "../../../src/logging/logger.js";
import { openDatabase } from "../../../src/store/database.js";
import { HistoryStore } from "../../../src/store/history-store.js";
import { MIGRATIONS, type Migration } from "../../../src/store/migrations.js";
import type { StoredInterval } from "../../../src/store/types.js";

const NOW = Date.UTC(2026, 2, 4, 5, 6, 7, 89);
const STAMP = "2026-03-04T05-06-07-089Z";
const DAY = Date.UTC(2026, 0, 1);

function quarterHours(count: number, startMs = DAY): StoredInterval[] {
  return Array.from({ length: count }, (_, i) => ({
    startMs: startMs + i * 900_000,
    endMs: startMs + (i + 1) * 900_000,
    importKwh: 0.1 + i / 1000,
    exportKwh: 0,
    source: "live" as const,
  }));
}

describe("openDatabase", () => {
  let folder: string;
  let file: string;
  let warnings: { message: string; fields?: Readonly<Record<string, unknown>> }[];
  let logger: Logger;

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), "e450-store-db-"));
    file = join(folder, "history.sqlite");
    warnings = [];
    logger = {
      debug() {},
      info() {},
      warn: (message, fields) => warnings.push(fields ? { message, fields } : { message }),
      error: (message) => warnings.push({ message: `ERROR ${message}` }),
    };
  });

  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  const tables = (db: Sqlite.Database) =>
    db.prepare<[], string>("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all();

  it("creates its folder and a new file at the current version, in WAL mode", () => {
    file = join(folder, "a", "b", "history.sqlite");
    const db = openDatabase(file, { logger });
    expect(db.pragma("user_version", { simple: true })).toBe(MIGRATIONS.length);
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("synchronous", { simple: true })).toBe(1); // NORMAL
    expect(db.pragma("foreign_keys", { simple: true })).toBe(1);
    expect(tables(db)).toEqual([
      "anomalies",
      "cost_summaries",
      "interval_days",
      "kv",
      "latest_snapshot",
      "meters",
      "register_state",
      "samples",
    ]);
    db.close();
    expect(warnings).toEqual([]);
  });

  it("numbers its migrations 1, 2, … in order", () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });

  it("migrates an empty (0-byte) v0 file, and a SQLite file at version 0, to the current schema", () => {
    writeFileSync(file, "");
    const empty = openDatabase(file, { logger });
    expect(empty.pragma("user_version", { simple: true })).toBe(MIGRATIONS.length);
    empty.close();

    const v0 = join(folder, "v0.sqlite");
    const old = new Sqlite(v0);
    old.exec("CREATE TABLE unrelated (x INTEGER)");
    old.close();
    const migrated = openDatabase(v0, { logger });
    expect(migrated.pragma("user_version", { simple: true })).toBe(MIGRATIONS.length);
    expect(tables(migrated)).toContain("interval_days");
    expect(tables(migrated)).toContain("unrelated");
    migrated.close();
    expect(warnings).toEqual([]);
  });

  it("applies only the migrations a file has not seen, and rolls a failing one back whole", () => {
    const second: Migration = {
      version: 2,
      description: "a column, then a mistake",
      up: (db) => {
        db.exec("ALTER TABLE kv ADD COLUMN note TEXT");
        db.exec("INSERT INTO no_such_table VALUES (1)");
      },
    };
    openDatabase(file, { logger }).close();
    expect(() => openDatabase(file, { logger, migrations: [...MIGRATIONS, second] })).toThrow(
      /history store: cannot open .*history\.sqlite: .*no such table: no_such_table/,
    );
    const db = new Sqlite(file);
    expect(db.pragma("user_version", { simple: true })).toBe(1);
    expect(db.prepare("SELECT name FROM pragma_table_info('kv')").pluck().all()).not.toContain("note");
    db.close();

    const fixed: Migration = { ...second, up: (d) => d.exec("ALTER TABLE kv ADD COLUMN note TEXT") };
    const upgraded = openDatabase(file, { logger, migrations: [...MIGRATIONS, fixed] });
    expect(upgraded.pragma("user_version", { simple: true })).toBe(2);
    upgraded.close();
  });

  it("refuses a file from a newer program with a clear error and leaves it untouched", () => {
    const newer = new Sqlite(file);
    newer.exec("CREATE TABLE future (x INTEGER)");
    newer.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    newer.close();
    const before = readFileSync(file);
    expect(() => openDatabase(file, { logger })).toThrow(
      new RegExp(
        `history store: .*history\\.sqlite has schema version ${MIGRATIONS.length + 1}, newer than the ${MIGRATIONS.length} this e450 knows`,
      ),
    );
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(readdirSync(folder)).toEqual(["history.sqlite"]);
    expect(warnings).toEqual([]);
  });

  it("moves a file of garbage bytes aside with a log line naming both paths, then starts fresh", () => {
    const garbage = Buffer.alloc(10_000, 0x5a);
    writeFileSync(file, garbage);
    const db = openDatabase(file, { logger, now: () => NOW });
    const aside = `${file}.corrupt-${STAMP}`;
    expect(readFileSync(aside).equals(garbage)).toBe(true);
    expect(db.pragma("user_version", { simple: true })).toBe(MIGRATIONS.length);
    db.close();
    expect(warnings).toEqual([
      {
        message: `history store: ${file} is damaged (SQLITE_NOTADB: file is not a database); moved it aside to ${aside} (with its -wal and -shm files) and started a new, empty history`,
        fields: { file, aside, problem: "SQLITE_NOTADB: file is not a database" },
      },
    ]);
  });

  it("moves a truncated store aside together with its -wal and -shm files", () => {
    const store = HistoryStore.open(file, logger);
    store.writeIntervals("m1", quarterHours(20_000));
    store.close();
    const whole = readFileSync(file);
    writeFileSync(file, whole.subarray(0, Math.floor(whole.length / 2)));
    writeFileSync(`${file}-wal`, "not a wal");
    writeFileSync(`${file}-shm`, "");

    const db = openDatabase(file, { logger, now: () => NOW });
    db.close();
    const aside = `${file}.corrupt-${STAMP}`;
    expect(readdirSync(folder).filter((name) => name.includes("corrupt"))).toEqual([
      `history.sqlite.corrupt-${STAMP}`,
      `history.sqlite.corrupt-${STAMP}-shm`,
      `history.sqlite.corrupt-${STAMP}-wal`,
    ]);
    expect(readFileSync(`${aside}-wal`, "utf8")).toBe("not a wal");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toMatch(/is damaged \(SQLITE_CORRUPT: database disk image is malformed\)/);

    const fresh = HistoryStore.open(file, logger);
    expect(fresh.meters()).toEqual([]);
    fresh.writeIntervals("m1", quarterHours(4));
    expect(fresh.intervals("m1", DAY, DAY + 86_400_000)).toHaveLength(4);
    fresh.close();
  });

  it("catches damage inside the pages through quick_check, and picks a free aside name", () => {
    const store = HistoryStore.open(file, logger);
    store.writeIntervals("m1", quarterHours(20_000));
    store.close();
    const bytes = readFileSync(file);
    const pageSize = 4096;
    for (let page = 3; page * pageSize < bytes.length; page += 7)
      bytes.fill(0x77, page * pageSize, page * pageSize + 64);
    writeFileSync(file, bytes);
    writeFileSync(`${file}.corrupt-${STAMP}`, "an older one");

    openDatabase(file, { logger, now: () => NOW }).close();
    expect(readFileSync(`${file}.corrupt-${STAMP}`, "utf8")).toBe("an older one");
    expect(readFileSync(`${file}.corrupt-${STAMP}-2`).equals(bytes)).toBe(true);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toMatch(
      /is damaged \((quick_check: .+|SQLITE_CORRUPT.*)\); moved it aside to .*-2 /,
    );
  });

  it("throws a clear error for a file it cannot open for another reason, and moves nothing", () => {
    mkdirSync(file);
    expect(() => openDatabase(file, { logger })).toThrow(
      /^history store: cannot open .*history\.sqlite: it is a directory$/,
    );
    writeFileSync(join(folder, "plain-file"), "");
    expect(() => openDatabase(join(folder, "plain-file", "history.sqlite"), { logger })).toThrow(
      /^history store: cannot create the folder of .*plain-file\/history\.sqlite: .*EEXIST/,
    );
    expect(existsSync(file)).toBe(true);
    expect(readdirSync(folder).sort()).toEqual(["history.sqlite", "plain-file"]);
    expect(warnings).toEqual([]);
  });
});
