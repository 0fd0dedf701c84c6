/**
 * The forwarder's store-and-forward queue: its own SQLite file in the data folder (WAL, like the
 * history store, so a commit survives the process being killed). Every point is in it before any is
 * sent, and leaves it only when the server acknowledged it (2xx) or it was parked as a dead letter
 * with the server's reason. One row holds the lines of one event (a push, an interval …): a push's
 * points arrive, and are removed, together.
 */
import type { Database, Statement } from "better-sqlite3";
import type { Logger } from "../../logging/logger.js";
import { openDatabase } from "../../store/database.js";
import type { Migration } from "../../store/migrations.js";

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "queued lines and dead letters",
    up: (db) =>
      db.exec(`
        CREATE TABLE queue (
          id INTEGER PRIMARY KEY,
          queued_ms INTEGER NOT NULL,
          line_count INTEGER NOT NULL,
          bytes INTEGER NOT NULL,
          lines TEXT NOT NULL
        );
        CREATE TABLE dead_letters (
          id INTEGER PRIMARY KEY,
          parked_ms INTEGER NOT NULL,
          status INTEGER NOT NULL,
          message TEXT NOT NULL,
          line TEXT NOT NULL
        );
      `),
  },
];

export interface QueuedRow {
  readonly id: number;
  readonly lines: readonly string[];
}

export interface QueueSize {
  readonly rows: number;
  readonly lines: number;
  readonly bytes: number;
  /** When the oldest queued row was queued; null when the queue is empty. */
  readonly oldestMs: number | null;
}

export interface DeadLetter {
  readonly line: string;
  readonly status: number;
  readonly message: string;
}

interface Statements {
  readonly insert: Statement<[number, number, number, string]>;
  readonly oldest: Statement<[], { id: number; line_count: number; lines: string }>;
  readonly newest: Statement<[], { id: number; line_count: number; lines: string }>;
  readonly head: Statement<[number], { id: number; line_count: number; bytes: number; queued_ms: number }>;
  readonly remove: Statement<[number], { line_count: number; bytes: number }>;
  readonly park: Statement<[number, number, string, string]>;
}

export class DurableQueue {
  private readonly statements: Statements;
  private size: { rows: number; lines: number; bytes: number };
  private oldestMs: number | null;
  readonly deadLetters: { count: number };

  private constructor(
    private readonly db: Database,
    private readonly now: () => number,
  ) {
    this.statements = {
      insert: db.prepare("INSERT INTO queue (queued_ms, line_count, bytes, lines) VALUES (?, ?, ?, ?)"),
      oldest: db.prepare("SELECT id, line_count, lines FROM queue ORDER BY id ASC"),
      newest: db.prepare("SELECT id, line_count, lines FROM queue ORDER BY id DESC"),
      head: db.prepare("SELECT id, line_count, bytes, queued_ms FROM queue ORDER BY id ASC LIMIT ?"),
      remove: db.prepare("DELETE FROM queue WHERE id = ? RETURNING line_count, bytes"),
      park: db.prepare("INSERT INTO dead_letters (parked_ms, status, message, line) VALUES (?, ?, ?, ?)"),
    };
    const totals = db
      .prepare(
        "SELECT count(*) AS rows, coalesce(sum(line_count), 0) AS lines, coalesce(sum(bytes), 0) AS bytes FROM queue",
      )
      .get() as { rows: number; lines: number; bytes: number };
    this.size = totals;
    this.oldestMs = this.headTime();
    this.deadLetters = {
      count: (db.prepare("SELECT count(*) AS n FROM dead_letters").get() as { n: number }).n,
    };
  }

  /** Opens (or creates) the queue file; a damaged file is moved aside as the history store's is. */
  static open(file: string, logger: Logger, now: () => number = Date.now): DurableQueue {
    return new DurableQueue(
      openDatabase(file, { logger, migrations: MIGRATIONS, label: "InfluxDB queue", now }),
      now,
    );
  }

  /** Appends each group of lines as one row, all in one transaction. */
  append(groups: readonly (readonly string[])[]): void {
    const queuedMs = this.now();
    this.db.transaction(() => {
      for (const lines of groups) {
        if (lines.length === 0) continue;
        const body = lines.join("\n");
        const bytes = Buffer.byteLength(body);
        this.statements.insert.run(queuedMs, lines.length, bytes, body);
        this.size.rows++;
        this.size.lines += lines.length;
        this.size.bytes += bytes;
      }
    })();
    this.oldestMs ??= this.size.rows > 0 ? queuedMs : null;
  }

  /** Up to `maxLines` lines (at least one row) from the oldest or the newest end of the queue. */
  take(maxLines: number, end: "oldest" | "newest"): QueuedRow[] {
    const rows: QueuedRow[] = [];
    let lines = 0;
    const statement = end === "oldest" ? this.statements.oldest : this.statements.newest;
    for (const row of statement.iterate()) {
      if (rows.length > 0 && lines + row.line_count > maxLines) break;
      rows.push({ id: row.id, lines: row.lines.split("\n") });
      lines += row.line_count;
      if (lines >= maxLines) break;
    }
    return rows;
  }

  /** Removes acknowledged rows, and parks the lines the server refused for good, in one transaction. */
  settle(ids: readonly number[], parked: readonly DeadLetter[] = []): void {
    const parkedMs = this.now();
    this.db.transaction(() => {
      for (const id of ids) this.forget(id);
      for (const letter of parked) {
        this.statements.park.run(parkedMs, letter.status, letter.message, letter.line);
        this.deadLetters.count++;
      }
    })();
    this.oldestMs = this.headTime();
  }

  /**
   * Drops the oldest rows until the queue holds at most `maxBytes` and nothing queued before
   * `notBeforeMs`; returns how many lines were dropped.
   */
  trim(maxBytes: number, notBeforeMs: number): number {
    let dropped = 0;
    this.db.transaction(() => {
      for (;;) {
        const head = this.statements.head.all(256);
        if (head.length === 0) return;
        for (const row of head) {
          if (this.size.bytes <= maxBytes && row.queued_ms >= notBeforeMs) return;
          this.forget(row.id);
          dropped += row.line_count;
        }
      }
    })();
    this.oldestMs = this.headTime();
    return dropped;
  }

  current(): QueueSize {
    return { ...this.size, oldestMs: this.oldestMs };
  }

  close(): void {
    this.db.close();
  }

  /** After close(): a write that was still in flight then is left for the next start to resend. */
  get closed(): boolean {
    return !this.db.open;
  }

  private forget(id: number): void {
    const removed = this.statements.remove.get(id);
    if (!removed) return;
    this.size.rows--;
    this.size.lines -= removed.line_count;
    this.size.bytes -= removed.bytes;
  }

  private headTime(): number | null {
    return this.statements.head.get(1)?.queued_ms ?? null;
  }
}
