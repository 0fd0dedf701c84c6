/**
 * Sends the queue to InfluxDB, one request at a time. Lines leave the queue only when the server
 * acknowledged them or refused them for good; everything else waits, with capped exponential backoff
 * and jitter between attempts. After an outage the backlog is sent batch by batch, alternating with
 * the newest lines, so live values reach the dashboard while the history catches up; a resent batch
 * whose acknowledgement was lost writes the same series and timestamps again, which InfluxDB treats
 * as an overwrite, not a duplicate.
 */
import type { Logger } from "../../logging/logger.js";
import type { ForwarderStatus } from "../../model/forwarder-status.js";
import type { WriteEndpoint, WriteOutcome } from "./http-writer.js";
import type { DeadLetter, DurableQueue } from "./queue.js";

const FIRST_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 60_000;
/** The same failure is logged again at most this often while it lasts. */
const REPEAT_LOG_MS = 10 * 60_000;

export interface ForwarderClock {
  readonly now: () => number;
  /** In [0, 1): the jitter. */
  readonly random: () => number;
}

type Delivery =
  | { readonly kind: "delivered"; readonly parked: readonly DeadLetter[] }
  | Exclude<WriteOutcome, { kind: "written" | "rejected" }>;

export class Forwarder {
  private stopped = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private failures = 0;
  private turn = 0;
  private writtenLines = 0;
  private lastError: string | null = null;
  private lastLogged: { reason: string; atMs: number } | null = null;
  private lastWriteMs: number | null = null;
  /** v1 with create_database: CREATE DATABASE was answered (again after a 404). */
  private databaseReady = false;

  constructor(
    private readonly queue: DurableQueue,
    private readonly endpoint: WriteEndpoint,
    private readonly limits: { readonly batchLines: number; readonly flushMs: number },
    private readonly logger: Logger,
    private readonly clock: ForwarderClock = { now: Date.now, random: Math.random },
  ) {}

  start(): void {
    this.loop ??= this.run().catch((error: Error) =>
      this.logger.error(`InfluxDB forwarder stopped: ${error.message}`),
    );
  }

  /** New lines were queued: a full batch goes out now, a partial one when its time limit is up. */
  notify(): void {
    this.wake?.();
  }

  /** Waits for a write in flight (up to `graceMs`); what is not acknowledged stays queued. */
  async stop(graceMs = 3_000): Promise<void> {
    this.stopped = true;
    this.wake?.();
    if (!this.loop) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.loop, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
  }

  status(droppedLines: number): ForwarderStatus {
    const size = this.queue.current();
    return {
      queuedLines: size.lines,
      queuedBytes: size.bytes,
      oldestQueuedMs: size.oldestMs,
      writtenLines: this.writtenLines,
      deadLetters: this.queue.deadLetters.count,
      droppedLines,
      lastError: this.lastError,
      lastWriteMs: this.lastWriteMs,
    };
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const waitMs = this.dueInMs();
      if (waitMs > 0) {
        await this.pause(waitMs);
        continue;
      }
      if (!this.databaseReady && !(await this.prepareDatabase())) continue;
      // Alternate ends while there is a backlog: oldest first, then the newest, and so on.
      const rows = this.queue.take(this.limits.batchLines, this.turn++ % 2 === 0 ? "oldest" : "newest");
      if (rows.length === 0) continue;
      const lines = rows.flatMap((row) => row.lines);
      const delivery = await this.deliver(lines, []);
      if (this.queue.closed) return;
      if (delivery.kind === "delivered") {
        this.queue.settle(
          rows.map((row) => row.id),
          delivery.parked,
        );
        this.succeeded(lines.length - delivery.parked.length);
      } else {
        await this.failed(delivery);
      }
    }
  }

  /** 0 when a batch should go now; else how long until the oldest queued line reaches its time limit. */
  private dueInMs(): number {
    const size = this.queue.current();
    if (size.lines === 0 || size.oldestMs === null) return Number.POSITIVE_INFINITY;
    if (size.lines >= this.limits.batchLines) return 0;
    // Capped: a host clock set back must not hold a partial batch for as long as it went back.
    return Math.min(this.limits.flushMs, Math.max(0, size.oldestMs + this.limits.flushMs - this.clock.now()));
  }

  /**
   * Sends the lines; a batch the server refuses for its content is halved until the refused lines
   * stand alone, and those are parked with the server's reason (a field type conflict, a malformed
   * line) so that one bad point never holds the rest back.
   */
  private async deliver(lines: readonly string[], parked: DeadLetter[]): Promise<Delivery> {
    const outcome = await this.endpoint.write(lines);
    if (outcome.kind === "written") return { kind: "delivered", parked };
    if (outcome.kind !== "rejected") return outcome;
    // InfluxDB 1 drops points older than the retention policy and says so; nothing to retry.
    if (/beyond retention policy/i.test(outcome.reason)) {
      this.logger.warn(`InfluxDB dropped points older than its retention policy: ${outcome.reason}`);
      return { kind: "delivered", parked };
    }
    if (lines.length === 1) {
      const line = lines[0]!;
      this.logger.warn(
        `InfluxDB refused a point (HTTP ${outcome.status}: ${outcome.reason}); parked it as a dead letter`,
        {
          line,
        },
      );
      parked.push({ line, status: outcome.status, message: outcome.reason });
      return { kind: "delivered", parked };
    }
    const half = Math.ceil(lines.length / 2);
    const first = await this.deliver(lines.slice(0, half), parked);
    if (first.kind !== "delivered") return first;
    return this.deliver(lines.slice(half), parked);
  }

  private async prepareDatabase(): Promise<boolean> {
    const outcome = await this.endpoint.ensureDatabase();
    if (outcome === null || outcome.kind === "written") {
      this.databaseReady = true;
      return true;
    }
    if (outcome.kind !== "unreachable" && (outcome.status === 401 || outcome.status === 403)) {
      // Creating a database takes an admin; a user who may only write can still write to one that
      // exists, and a missing one then answers 404 with its own advice.
      this.logger.warn(
        `InfluxDB refused CREATE DATABASE (HTTP ${outcome.status}): influxdb.create_database needs an admin user; ` +
          "create the database yourself and set it to false. Writing to it as it is.",
      );
      this.databaseReady = true;
      return true;
    }
    await this.failed(
      outcome.kind === "rejected"
        ? { kind: "refused", status: outcome.status, reason: outcome.reason }
        : outcome,
    );
    return false;
  }

  private succeeded(lines: number): void {
    if (this.lastError !== null) {
      this.logger.info(`InfluxDB writes work again (${this.endpoint.description}); sending what was queued`);
    }
    this.writtenLines += lines;
    this.lastError = null;
    this.lastLogged = null;
    this.failures = 0;
    this.lastWriteMs = this.clock.now();
  }

  private async failed(outcome: Exclude<Delivery, { kind: "delivered" }>): Promise<void> {
    this.lastError = outcome.reason;
    if (outcome.kind === "refused" && outcome.status === 404) this.databaseReady = false;
    const now = this.clock.now();
    if (this.lastLogged?.reason !== outcome.reason || now - this.lastLogged.atMs >= REPEAT_LOG_MS) {
      const queued = this.queue.current().lines;
      const log = outcome.kind === "refused" ? this.logger.error : this.logger.warn;
      log.call(this.logger, `${outcome.reason}; ${queued} lines stay queued and are sent once it works`);
      this.lastLogged = { reason: outcome.reason, atMs: now };
    }
    // Equal jitter: half the step fixed, half random, so that several e450s do not retry in step.
    const step = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** this.failures++);
    const backoff = step / 2 + this.clock.random() * (step / 2);
    const retryAfter = outcome.kind === "unreachable" ? (outcome.retryAfterMs ?? 0) : 0;
    await this.pause(Math.min(MAX_BACKOFF_MS, Math.max(backoff, retryAfter)), false);
  }

  /** Sleeps for `ms`; new lines cut it short unless `wakeable` is false (a backoff). Stop always does. */
  private pause(ms: number, wakeable = true): Promise<void> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      if (Number.isFinite(ms)) timer = setTimeout(done, ms);
      this.wake = wakeable ? done : () => this.stopped && done();
    });
  }
}
