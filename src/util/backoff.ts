/**
 * Capped exponential backoff for every reconnect in the program (meter transports, MQTT): the step
 * doubles from `initialMs` up to `maxMs` and starts over after a connection that stayed up. "Equal
 * jitter" (half the step fixed, half random) keeps many clients restarted with one broker or bridge
 * from reconnecting in lockstep, while a delay never drops below half its step nor exceeds the cap.
 *
 * The default cap is 10 s: every link here is local (a USB adapter, a bridge or broker on the LAN),
 * where a retry costs one refused connection, while a higher cap leaves the user waiting up to a
 * minute after a broker restart or a re-plugged adapter for no gain.
 */
export interface BackoffOptions {
  readonly initialMs?: number;
  readonly maxMs?: number;
  /** A value in [0, 1]; injected so tests can pin the jitter (() => 1 gives the whole step). */
  readonly random?: () => number;
}

/** The cap when none is given; see above. */
export const DEFAULT_MAX_MS = 10_000;

/** Past this many doublings every step is the cap anyway; it keeps 2 ** attempt finite. */
const MAX_DOUBLINGS = 30;

export class Backoff {
  private attempt = 0;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly random: () => number;

  constructor(options: BackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 1_000;
    this.maxMs = options.maxMs ?? DEFAULT_MAX_MS;
    this.random = options.random ?? Math.random;
  }

  /** How many delays have been handed out since the last reset. */
  get attempts(): number {
    return this.attempt;
  }

  next(): number {
    const step = Math.min(this.maxMs, this.initialMs * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, MAX_DOUBLINGS);
    return Math.round(step / 2 + (this.random() * step) / 2);
  }

  reset(): void {
    this.attempt = 0;
  }
}
