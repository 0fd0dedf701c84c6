/**
 * Recurring base-load spells: a rise that is gone again within a few nights was a spell, not the
 * durable change the base-load detector reports (a base load rising or falling for good). One
 * spell is worth one alarm (the user cannot know at once that it will not hold); further spells to
 * the same level soon after are the same pattern again (autumn heating: a heater on for 2–5 cold
 * nights every week or two, 200 W ↔ 500–1000 W, would otherwise alarm every time). Such a
 * recurrence is silent only while it behaves like the spells: if it is still at its level
 * `holdNights` nights after it was noticed, it is reported after all, a few nights late (the
 * heating taking over for good in November; or a real step that happens to follow a spell).
 *
 * A spell is judged by how soon after its alarm the base is back, not by its CUSUM onset: the
 * onsets of both the rise and the fall drift by nights with the noise, so onset-to-return can read
 * a 7-day step as a 4-night spell. A step that holds for days after it was reported is never a
 * spell, and every such step is reported however soon after another.
 */

const DAY_MS = 86_400_000;

export interface SpellOptions {
  /** A rise back at its old level within this many nights of its alarm was a spell. */
  readonly spellNights: number;
  /** A new rise within this many days of the last spell's end is one more spell of the pattern. */
  readonly recurWithinDays: number;
}

const DEFAULT_SPELLS: SpellOptions = { spellNights: 2, recurWithinDays: 14 };

export class SpellMemory {
  private pattern: { fromKw: number; levelKw: number; untilMs: number } | null = null;

  constructor(private readonly options: SpellOptions = DEFAULT_SPELLS) {}

  /** Nights a recurrence must hold after it was noticed to have outlasted the spells. */
  get holdNights(): number {
    return this.options.spellNights + 1;
  }

  /** A rise from `fromKw` to `levelKw`, alarmed on the day closing at `alarmMs`, is back at its old level. */
  ended(alarmMs: number, returnMs: number, fromKw: number, levelKw: number): void {
    if (returnMs - alarmMs > this.options.spellNights * DAY_MS) return;
    this.pattern = { fromKw, levelKw, untilMs: returnMs + this.options.recurWithinDays * DAY_MS };
  }

  /**
   * Whether a rise to `toKw` begun at `onsetMs` is one more spell of the remembered pattern; if so
   * the pattern's window moves on, as each spell may be followed by the next.
   */
  recurs(onsetMs: number, toKw: number): boolean {
    const pattern = this.pattern;
    if (pattern === null) return false;
    if (onsetMs > pattern.untilMs) {
      this.pattern = null;
      return false;
    }
    if (!nearer(toKw, pattern.levelKw, pattern.fromKw)) return false;
    const { spellNights, recurWithinDays } = this.options;
    // The spell's own nights (a handful) plus the wait for the next one.
    pattern.untilMs = onsetMs + (2 * spellNights + recurWithinDays) * DAY_MS;
    return true;
  }
}

/** Whether `x` is nearer `a` than `b` in ratio: power levels differ by factors (200 W vs 800 W). */
export function nearer(x: number, a: number, b: number): boolean {
  const ln = (v: number) => Math.log(Math.max(v, 0.01));
  return Math.abs(ln(x) - ln(a)) < Math.abs(ln(x) - ln(b));
}
