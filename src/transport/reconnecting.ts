/**
 * Shared reconnect loop for stream transports: open, forward data, and on error or close wait a
 * backoff delay and open again, until stop(). Subclasses only know how to open one connection, and
 * may cut a wait short when they see that the next attempt can succeed (a device that reappeared).
 *
 * A link that stays down is reported once per distinct reason, then again every few minutes, rather
 * than with a "connecting"/"down" pair on every attempt: with a 10 s cap that would be thousands of
 * identical warnings a day, and a link status flickering between connecting and disconnected.
 */
import { Backoff, type BackoffOptions } from "../util/backoff.js";
import { Transport } from "./transport.js";

export interface Connection {
  write(bytes: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

export interface ConnectionHandlers {
  onData(chunk: Uint8Array): void;
  /** The connection ended or failed; `reason` is safe to log. */
  onClose(reason: string): void;
}

/** How often a link that keeps failing for the same reason is reported again. */
export const STILL_DOWN_REMINDER_MS = 5 * 60_000;

/** The reason last reported for a link that is down, and the attempts since. */
interface Outage {
  readonly reason: string;
  readonly reportedAt: number;
  attempts: number;
}

export abstract class ReconnectingTransport extends Transport {
  private connection: Connection | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private stopWatching: (() => void) | null = null;
  private outage: Outage | null = null;
  private stopped = true;
  private readonly backoff: Backoff;

  constructor(backoff: BackoffOptions = {}) {
    super();
    this.backoff = new Backoff(backoff);
  }

  /** Opens one connection; rejects with a message safe to log. */
  protected abstract open(handlers: ConnectionHandlers): Promise<Connection>;

  /**
   * Called when a retry starts waiting; a subclass that can tell when the link is back calls
   * `retryNow` to end the wait early. Returns what stops watching (the wait ended either way).
   */
  protected watchWhileWaiting(_retryNow: () => void): (() => void) | null {
    return null;
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.outage = null;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.endWait();
    const connection = this.connection;
    this.connection = null;
    await connection?.close();
    this.emit("state", "stopped");
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (!this.connection) throw new Error(`${this.description} is not connected`);
    await this.connection.write(bytes);
  }

  protected get connected(): Connection | null {
    return this.connection;
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    // While an outage is being retried quietly, the link stays "down" until it is up again.
    if (!this.outage) this.emit("state", "connecting");
    let closed = false;
    const handlers: ConnectionHandlers = {
      onData: (chunk) => {
        this.backoff.reset();
        this.emit("data", chunk);
      },
      onClose: (reason) => {
        if (closed) return;
        closed = true;
        this.connection = null;
        // A link that was up and fell: a new outage, reported whatever the last one was.
        this.outage = null;
        if (!this.stopped) this.scheduleRetry(reason);
      },
    };
    try {
      const connection = await this.open(handlers);
      if (this.stopped || closed) {
        // Opened just as it was stopped or failed: closing is best effort, the link is gone anyway.
        await connection.close().catch(() => {});
        return;
      }
      this.connection = connection;
      this.outage = null;
      this.emit("state", "up");
    } catch (error) {
      closed = true;
      if (!this.stopped) this.scheduleRetry(error instanceof Error ? error.message : String(error));
    }
  }

  private scheduleRetry(reason: string): void {
    const delay = this.backoff.next();
    this.report(reason, delay);
    const retryNow = () => {
      if (!this.retryTimer) return;
      this.endWait();
      void this.connect();
    };
    this.retryTimer = setTimeout(retryNow, delay);
    this.stopWatching = this.watchWhileWaiting(retryNow);
  }

  /** "down" for a new reason, or as a reminder; an attempt that failed as the last one did is counted. */
  private report(reason: string, delayMs: number): void {
    const now = Date.now();
    const outage = this.outage;
    const retrying = `retrying in ${(delayMs / 1000).toFixed(1)} s`;
    if (outage?.reason === reason) {
      outage.attempts += 1;
      if (now - outage.reportedAt < STILL_DOWN_REMINDER_MS) return;
      this.outage = { reason, reportedAt: now, attempts: outage.attempts };
      this.emit("state", "down", `${reason}; still failing after ${outage.attempts} attempts; ${retrying}`);
      return;
    }
    this.outage = { reason, reportedAt: now, attempts: 1 };
    this.emit("state", "down", `${reason}; ${retrying}`);
  }

  private endWait(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.stopWatching?.();
    this.stopWatching = null;
  }
}
