/**
 * Follows the local day of an hourly stream, for the detectors that judge whole days (base load,
 * schedule shifts, export loss). Days are told apart by their local start, so 23- and 25-hour days
 * end where the calendar says.
 */
export interface DayTurn {
  /** Start of the day that just ended; null for the stream's very first hour. */
  readonly ended: number | null;
  /** Start of the day that begins. */
  readonly day: number;
}

export class DayTracker {
  private current: number | null = null;

  constructor(private readonly dayStart: (ms: number) => number) {}

  /** Moves to the day of the hour starting at `ms`: a turn when a new day begins, else null. */
  advance(ms: number): DayTurn | null {
    const day = this.dayStart(ms);
    if (day === this.current) return null;
    const ended = this.current;
    this.current = day;
    return { ended, day };
  }
}
