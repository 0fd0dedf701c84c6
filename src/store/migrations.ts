/**
 * The history store's schema, as an ordered list of migrations. `PRAGMA user_version` holds the
 * number of migrations applied (0 = an empty file); each runs in its own transaction together with
 * the version bump, so a kill between two migrations leaves a file at a consistent older version.
 * Never edit a released migration: append a new one.
 */
import type { Database } from "better-sqlite3";

export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly up: (db: Database) => void;
}

/**
 * v1. Intervals are one row per meter and UTC day with the day's intervals packed in a blob
 * (interval-days.ts says why and how); that row is a few kB, so it lives in a rowid table with a
 * unique index rather than WITHOUT ROWID, whose b-tree would carry the whole row in interior pages.
 * The other tables are WITHOUT ROWID with the lookup key as primary key, so a range read walks one
 * b-tree and finds every column in its leaf. Meters are numbered in `meters` so that every row
 * carries a small integer instead of the serial's text.
 */
const V1 = `
CREATE TABLE meters (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE
);
CREATE TABLE interval_days (
  meter_id INTEGER NOT NULL REFERENCES meters (id),
  day_ms INTEGER NOT NULL,
  intervals BLOB NOT NULL,
  tariff_keys TEXT,
  UNIQUE (meter_id, day_ms)
);
CREATE TABLE register_state (
  meter_id INTEGER PRIMARY KEY REFERENCES meters (id),
  time_ms INTEGER NOT NULL,
  import_kwh REAL NOT NULL,
  export_kwh REAL,
  tariffs TEXT NOT NULL
);
CREATE TABLE latest_snapshot (
  meter_id INTEGER PRIMARY KEY REFERENCES meters (id),
  at_ms INTEGER NOT NULL,
  json TEXT NOT NULL
);
CREATE TABLE samples (
  meter_id INTEGER NOT NULL REFERENCES meters (id),
  quantity TEXT NOT NULL,
  minute_ms INTEGER NOT NULL,
  min REAL NOT NULL,
  mean REAL NOT NULL,
  max REAL NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (meter_id, quantity, minute_ms)
) WITHOUT ROWID;
CREATE TABLE anomalies (
  meter_id INTEGER NOT NULL REFERENCES meters (id),
  id TEXT NOT NULL,
  kind TEXT NOT NULL,
  start_ms INTEGER NOT NULL,
  end_ms INTEGER NOT NULL,
  expected REAL NOT NULL,
  observed REAL NOT NULL,
  unit TEXT NOT NULL,
  score REAL NOT NULL,
  message TEXT NOT NULL,
  open INTEGER NOT NULL CHECK (open IN (0, 1)),
  PRIMARY KEY (meter_id, id)
) WITHOUT ROWID;
CREATE INDEX anomalies_by_start ON anomalies (meter_id, start_ms);
CREATE TABLE cost_summaries (
  meter_id INTEGER NOT NULL REFERENCES meters (id),
  period TEXT NOT NULL CHECK (period IN ('day', 'month')),
  key TEXT NOT NULL,
  currency TEXT NOT NULL,
  import_kwh REAL NOT NULL,
  export_kwh REAL NOT NULL,
  import_cost REAL NOT NULL,
  export_credit REAL NOT NULL,
  standing_charges REAL NOT NULL,
  capacity_cost REAL NOT NULL,
  net_cost REAL NOT NULL,
  unpriced_intervals INTEGER NOT NULL,
  PRIMARY KEY (meter_id, period, key)
) WITHOUT ROWID;
CREATE TABLE kv (
  meter_id INTEGER NOT NULL REFERENCES meters (id),
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (meter_id, key)
) WITHOUT ROWID;
`;

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, description: "the history tables", up: (db) => db.exec(V1) },
];

function schemaVersion(db: Database): number {
  return db.pragma("user_version", { simple: true }) as number;
}

/**
 * A file written by a newer program may hold tables or meanings this one would misread or damage,
 * so it is refused untouched (the caller runs without history) rather than migrated down or reset.
 */
export function refuseNewerSchema(
  db: Database,
  file: string,
  migrations: readonly Migration[],
  label = "history store",
): void {
  const found = schemaVersion(db);
  const known = migrations.length;
  if (found > known) {
    throw new Error(
      `${label}: ${file} has schema version ${found}, newer than the ${known} this e450 knows; ` +
        "it was written by a newer version: upgrade e450, or move the file away to start afresh",
    );
  }
}

/** Applies the migrations the file has not seen yet, each with its version bump in one transaction. */
export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): void {
  for (const migration of migrations.slice(schemaVersion(db))) {
    db.transaction(() => {
      migration.up(db);
      // user_version lives in the file header (page 1), so it commits or rolls back with the DDL.
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
}
