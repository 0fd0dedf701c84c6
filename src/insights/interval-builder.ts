/**
 * Energy totals over time → closed 15-minute intervals. Each pair of consecutive readings shares
 * its difference out over the time between them in proportion to time, so an interval boundary
 * between two pushes gets the energy on each side of it. Pushes come every few seconds, so that
 * split is as good as a measurement; a pair further apart than five minutes (a link outage, a
 * restart) that crosses a boundary has spread energy whose shape inside the gap is unknown, and
 * every interval it touches is marked estimated. Nothing is lost: the sum of the intervals is the register's difference.
 *
 * The state to resume from is the totals at the last closed boundary (exact at a push, interpolated
 * between two), so a restart or a kill loses nothing but the attribution inside the interval in
 * progress: its energy arrives with the next reading, as an estimate if the restart took long.
 * Without a stored state (the first run), the interval the first reading falls in is left out: it
 * would hold only part of its energy.
 */
import type { RegisterState } from "../store/types.js";
import type { EnergyTotals } from "./energy-totals.js";

export const INTERVAL_MS = 15 * 60_000;
/** A gap this long between two readings means the energy inside it is shared out, not measured. */
const ESTIMATE_AFTER_MS = 5 * 60_000;
/** Beyond this, a gap is not shared out at all: two months of spread energy would be fiction. */
const MAX_SPREAD_MS = 62 * 86_400_000;

export interface BuiltInterval {
  readonly startMs: number;
  readonly endMs: number;
  readonly importKwh: number;
  readonly exportKwh: number | null;
  readonly tariffs: Readonly<Record<string, number>>;
  readonly estimated: boolean;
}

interface OpenInterval {
  startMs: number;
  importKwh: number;
  exportKwh: number;
  readonly tariffs: Record<string, number>;
  estimated: boolean;
}

type BuilderNote =
  | { readonly kind: "went-down"; readonly register: string; readonly dropKwh: number }
  | { readonly kind: "gap-not-spread"; readonly fromMs: number; readonly toMs: number };

export interface BuilderResult {
  readonly closed: readonly BuiltInterval[];
  /** The totals at the last closed boundary, to store with `closed` (null when nothing closed). */
  readonly resumeFrom: RegisterState | null;
  readonly notes: readonly BuilderNote[];
}

const NOTHING: BuilderResult = { closed: [], resumeFrom: null, notes: [] };

export class IntervalBuilder {
  private last: RegisterState | null;
  private open: OpenInterval | null = null;
  private partialSlotMs: number | null = null;

  constructor(resumeFrom: RegisterState | null = null) {
    this.last = resumeFrom;
  }

  /** The time of the newest reading taken in; null before the first. */
  get lastMs(): number | null {
    return this.last?.timeMs ?? null;
  }

  add(timeMs: number, totals: EnergyTotals): BuilderResult {
    const last = this.last;
    if (last === null) {
      this.last = { timeMs, ...totals };
      // The very first reading (no stored state) starts mid-interval: that interval would hold only
      // part of its energy, so it is left out rather than stored as if it were whole.
      if (timeMs % INTERVAL_MS !== 0) this.partialSlotMs = Math.floor(timeMs / INTERVAL_MS) * INTERVAL_MS;
      return NOTHING;
    }
    // A repeated or older push (a replay, a clock set back) adds nothing and moves nothing.
    if (timeMs <= last.timeMs) return NOTHING;
    // A meter that starts or stops sending its export register: no difference to take this once.
    if ((last.exportKwh === null) !== (totals.exportKwh === null)) {
      this.last = { timeMs, ...totals };
      return NOTHING;
    }
    const notes: BuilderNote[] = [];
    const deltas = differences(last, totals, notes);
    const spanMs = timeMs - last.timeMs;
    if (spanMs > MAX_SPREAD_MS) {
      notes.push({ kind: "gap-not-spread", fromMs: last.timeMs, toMs: timeMs });
      const closed = this.open ? [this.finish(this.open)] : [];
      this.open = null;
      this.last = { timeMs, ...totals };
      return { closed, resumeFrom: this.boundaryState(timeMs, totals), notes };
    }
    // A long pair inside one interval still gives that interval its exact total.
    const crossesBoundary = Math.floor(last.timeMs / INTERVAL_MS) !== Math.floor((timeMs - 1) / INTERVAL_MS);
    const estimated = spanMs > ESTIMATE_AFTER_MS && crossesBoundary;
    const closed: BuiltInterval[] = [];
    let resumeFrom: RegisterState | null = null;
    let from = last.timeMs;
    while (from < timeMs) {
      const slotStart = Math.floor(from / INTERVAL_MS) * INTERVAL_MS;
      const slotEnd = slotStart + INTERVAL_MS;
      const to = Math.min(slotEnd, timeMs);
      const share = (to - from) / spanMs;
      const slot = this.slotAt(slotStart);
      slot.importKwh += deltas.importKwh * share;
      slot.exportKwh += (deltas.exportKwh ?? 0) * share;
      for (const [name, kwh] of Object.entries(deltas.tariffs)) {
        slot.tariffs[name] = (slot.tariffs[name] ?? 0) + kwh * share;
      }
      if (estimated) slot.estimated = true;
      if (to === slotEnd) {
        if (slot.startMs !== this.partialSlotMs) closed.push(this.finish(slot));
        this.open = null;
        resumeFrom = interpolate(last, totals, timeMs, slotEnd);
      }
      from = to;
    }
    this.last = { timeMs, ...totals };
    return { closed, resumeFrom, notes };
  }

  private slotAt(startMs: number): OpenInterval {
    if (this.open?.startMs === startMs) return this.open;
    this.open = { startMs, importKwh: 0, exportKwh: 0, tariffs: {}, estimated: false };
    return this.open;
  }

  private finish(slot: OpenInterval): BuiltInterval {
    return {
      startMs: slot.startMs,
      endMs: slot.startMs + INTERVAL_MS,
      importKwh: slot.importKwh,
      exportKwh: this.last?.exportKwh === null ? null : slot.exportKwh,
      tariffs: slot.tariffs,
      estimated: slot.estimated,
    };
  }

  private boundaryState(timeMs: number, totals: EnergyTotals): RegisterState {
    return { timeMs, ...totals };
  }
}

/** Register differences; a register that went down (the guard should have stopped it) adds nothing. */
function differences(from: EnergyTotals, to: EnergyTotals, notes: BuilderNote[]): EnergyTotals {
  const diff = (register: string, a: number, b: number) => {
    if (b >= a) return b - a;
    notes.push({ kind: "went-down", register, dropKwh: a - b });
    return 0;
  };
  const tariffs: Record<string, number> = {};
  for (const [name, kwh] of Object.entries(to.tariffs)) {
    const before = from.tariffs[name];
    if (before !== undefined) tariffs[name] = diff(name, before, kwh);
  }
  return {
    importKwh: diff("import", from.importKwh, to.importKwh),
    exportKwh:
      from.exportKwh === null || to.exportKwh === null ? null : diff("export", from.exportKwh, to.exportKwh),
    tariffs,
  };
}

/** The totals at `atMs` between two readings, as the builder shares the difference out. */
function interpolate(from: RegisterState, to: EnergyTotals, toMs: number, atMs: number): RegisterState {
  const f = (atMs - from.timeMs) / (toMs - from.timeMs);
  const at = (a: number, b: number) => (b >= a ? a + (b - a) * f : a);
  const tariffs: Record<string, number> = {};
  for (const [name, kwh] of Object.entries(to.tariffs)) {
    const before = from.tariffs[name];
    tariffs[name] = before === undefined ? kwh : at(before, kwh);
  }
  return {
    timeMs: atMs,
    importKwh: at(from.importKwh, to.importKwh),
    exportKwh: from.exportKwh === null || to.exportKwh === null ? null : at(from.exportKwh, to.exportKwh),
    tariffs,
  };
}
