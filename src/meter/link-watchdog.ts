/**
 * Per-meter availability: online from a valid frame, offline once no valid frame arrived for
 * `missedPushes` push intervals, so Home Assistant never shows stale values as current. The push
 * interval is learned: the largest of the recent gaps between frames, because some E450 send two
 * interleaved lists (a 5-second and a 1-minute one, Swiss DSOs) and the shorter gap would make the
 * meter flap.
 */
export interface LinkWatchdogOptions {
  readonly missedPushes: number;
  /** Assumed until two frames have shown the real interval. */
  readonly initialIntervalMs: number;
}

const GAP_HISTORY = 8;
const MIN_INTERVAL_MS = 1_000;

export class LinkWatchdog {
  private readonly gaps: number[] = [];
  private lastFrameAt: number | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private isOnline = false;

  constructor(
    private readonly options: LinkWatchdogOptions,
    private readonly onChange: (online: boolean) => void,
  ) {}

  get online(): boolean {
    return this.isOnline;
  }

  get timeoutMs(): number {
    const interval = this.gaps.length === 0 ? this.options.initialIntervalMs : Math.max(...this.gaps);
    return Math.max(MIN_INTERVAL_MS, interval) * this.options.missedPushes;
  }

  frameArrived(): void {
    const now = Date.now();
    if (this.lastFrameAt !== undefined) {
      this.gaps.push(now - this.lastFrameAt);
      if (this.gaps.length > GAP_HISTORY) this.gaps.shift();
    }
    this.lastFrameAt = now;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.expire(), this.timeoutMs);
    if (!this.isOnline) {
      this.isOnline = true;
      this.onChange(true);
    }
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private expire(): void {
    this.timer = undefined;
    // The gap that made us give up says nothing about the push interval: forget the last frame time,
    // and the interval learned before, which may be too short (a backlog worked off in a burst): a
    // meter that expires on it would go offline again before every push, for good. Learned afresh.
    this.lastFrameAt = undefined;
    this.gaps.length = 0;
    if (this.isOnline) {
      this.isOnline = false;
      this.onChange(false);
    }
  }
}
