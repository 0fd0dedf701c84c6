/**
 * Shared reconnect loop for stream transports: open, forward data, and on error or close wait a
 * backoff delay and open again, until stop(). Subclasses only know how to open one connection.
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

export abstract class ReconnectingTransport extends Transport {
  private connection: Connection | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private stopped = true;
  private readonly backoff: Backoff;

  constructor(backoff: BackoffOptions = {}) {
    super();
    this.backoff = new Backoff(backoff);
  }

  /** Opens one connection; rejects with a message safe to log. */
  protected abstract open(handlers: ConnectionHandlers): Promise<Connection>;

  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
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
    this.emit("state", "connecting");
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
      this.emit("state", "up");
    } catch (error) {
      closed = true;
      this.scheduleRetry(error instanceof Error ? error.message : String(error));
    }
  }

  private scheduleRetry(reason: string): void {
    const delay = this.backoff.next();
    this.emit("state", "down", `${reason}; retrying in ${(delay / 1000).toFixed(1)} s`);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, delay);
  }
}
