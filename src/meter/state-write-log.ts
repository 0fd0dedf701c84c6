/**
 * A state file that cannot be written, told without flooding the log: the guard saves on every changed
 * total, so a read-only or full data folder would otherwise log an error with every push (a 5-second
 * push list is 17,000 lines a day). The first failure is logged at once, then at most once per
 * interval with the number of failures since; the recovery is logged too. The counts stay available
 * for the diagnostics.
 */
import type { Logger } from "../logging/logger.js";

export interface StateWriteHealth {
  /** Failed writes since the start. */
  readonly failures: number;
  /** Why the latest write failed; null once a write succeeded again, or before any failure. */
  readonly lastError: string | null;
}

export class StateWriteLog {
  private failures = 0;
  private lastError: string | null = null;
  private notYetLogged = 0;
  /** Failures since the last successful write. */
  private inARow = 0;
  private lastLoggedAt: number | null = null;

  constructor(
    /** What the file holds and where, as the log names it: "the last good totals to /data/x.json". */
    private readonly what: string,
    private readonly consequence: string,
    private readonly logger: Logger,
    private readonly repeatAfterMs: number,
  ) {}

  get health(): StateWriteHealth {
    return { failures: this.failures, lastError: this.lastError };
  }

  failed(error: unknown, now: number): void {
    const reason = error instanceof Error ? error.message : String(error);
    this.failures += 1;
    this.inARow += 1;
    this.notYetLogged += 1;
    this.lastError = reason;
    const last = this.lastLoggedAt;
    // A host clock that went back (now < last) cannot say how long ago the last report was: report.
    if (last !== null && now >= last && now - last < this.repeatAfterMs) return;
    const count = this.notYetLogged;
    this.notYetLogged = 0;
    this.lastLoggedAt = now;
    const again = last === null ? "" : ` (${count} failed writes since the last report)`;
    this.logger.error(`Cannot save ${this.what}${again}: ${reason}. ${this.consequence}`, {
      error: reason,
      failures: this.failures,
    });
  }

  succeeded(): void {
    if (this.lastError === null) return;
    this.logger.info(`Saved ${this.what} again after ${this.inARow} failed writes`);
    this.lastError = null;
    this.inARow = 0;
    this.notYetLogged = 0;
    this.lastLoggedAt = null;
  }
}
