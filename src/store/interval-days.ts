/**
 * Intervals are stored one row per meter and UTC day (the day of each interval's start), the day's
 * intervals packed as little-endian float64 fields. Reading a year is then 365 rows instead of
 * 35,040: SQLite and better-sqlite3 cost a few microseconds per row and per column, which made a
 * row per interval slower to read than parsing the same year from JSON (measured in bench/store.ts).
 *
 * Per interval, in start order: start ms, end ms, import kWh, export kWh (NaN: no export register),
 * source (index into SOURCES), then one field per tariff register named in the row's `tariff_keys`
 * (NaN: this interval has no value for it). Times are whole ms below 2^53, so float64 keeps them exact.
 */
import type { IntervalSource, StoredInterval } from "./types.js";

const DAY_MS = 86_400_000;
/** The longest interval accepted, so that its overlaps are found in the day before and its own days. */
const MAX_INTERVAL_MS = DAY_MS;
const SOURCES: readonly IntervalSource[] = ["live", "estimated", "imported"];
const FIXED_FIELDS = 5;
const NO_TARIFFS: Readonly<Record<string, number>> = Object.freeze({});

export function dayOf(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

export interface EncodedDay {
  readonly blob: Buffer;
  /** JSON array of the tariff register names, or null when no interval of the day has any. */
  readonly tariffKeys: string | null;
}

export function encodeDay(intervals: readonly StoredInterval[]): EncodedDay {
  const keys = [...new Set(intervals.flatMap((interval) => Object.keys(interval.tariffs ?? NO_TARIFFS)))];
  const stride = FIXED_FIELDS + keys.length;
  const blob = Buffer.alloc(intervals.length * stride * 8);
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  let offset = 0;
  const put = (value: number) => {
    view.setFloat64(offset, value, true);
    offset += 8;
  };
  for (const interval of intervals) {
    put(interval.startMs);
    put(interval.endMs);
    put(interval.importKwh);
    put(interval.exportKwh ?? Number.NaN);
    put(SOURCES.indexOf(interval.source));
    for (const key of keys) put(interval.tariffs?.[key] ?? Number.NaN);
  }
  return { blob, tariffKeys: keys.length === 0 ? null : JSON.stringify(keys) };
}

/** Appends the day's intervals that start in [fromMs, toMs) to `out`. */
export function decodeDay(
  blob: Uint8Array,
  tariffKeys: string | null,
  out: StoredInterval[],
  fromMs = Number.NEGATIVE_INFINITY,
  toMs = Number.POSITIVE_INFINITY,
): void {
  const keys = tariffKeys === null ? [] : (JSON.parse(tariffKeys) as string[]);
  const stride = (FIXED_FIELDS + keys.length) * 8;
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  for (let at = 0; at < blob.byteLength; at += stride) {
    const startMs = view.getFloat64(at, true);
    if (startMs < fromMs || startMs >= toMs) continue;
    const exportKwh = view.getFloat64(at + 24, true);
    let tariffs = NO_TARIFFS;
    if (keys.length > 0) {
      const own: Record<string, number> = {};
      for (let k = 0; k < keys.length; k++) {
        const value = view.getFloat64(at + (FIXED_FIELDS + k) * 8, true);
        if (!Number.isNaN(value)) own[keys[k]!] = value;
      }
      tariffs = own;
    }
    out.push({
      startMs,
      endMs: view.getFloat64(at + 8, true),
      importKwh: view.getFloat64(at + 16, true),
      exportKwh: Number.isNaN(exportKwh) ? null : exportKwh,
      source: SOURCES[view.getFloat64(at + 32, true)]!,
      tariffs,
    });
  }
}

/**
 * The energy of a span as columns, without an object per interval: what a chart or an API answer
 * over a year of quarter hours needs (35,040 objects cost more than the read itself).
 */
export class EnergyColumns {
  length = 0;
  startMs = new Float64Array(1024);
  importKwh = new Float64Array(1024);
  /** NaN: no export register. */
  exportKwh = new Float64Array(1024);
  /** 1 where the interval is an estimate (a link outage shared out). */
  estimated = new Uint8Array(1024);

  push(startMs: number, importKwh: number, exportKwh: number, estimated: boolean): void {
    if (this.length === this.startMs.length) this.grow();
    const i = this.length++;
    this.startMs[i] = startMs;
    this.importKwh[i] = importKwh;
    this.exportKwh[i] = exportKwh;
    this.estimated[i] = estimated ? 1 : 0;
  }

  private grow(): void {
    const size = this.startMs.length * 2;
    const grown = <T extends Float64Array | Uint8Array>(old: T, fresh: T): T => {
      fresh.set(old);
      return fresh;
    };
    this.startMs = grown(this.startMs, new Float64Array(size));
    this.importKwh = grown(this.importKwh, new Float64Array(size));
    this.exportKwh = grown(this.exportKwh, new Float64Array(size));
    this.estimated = grown(this.estimated, new Uint8Array(size));
  }
}

/** Appends the energy of the day's intervals that start in [fromMs, toMs) to `out`. */
export function decodeDayEnergy(
  blob: Uint8Array,
  tariffKeys: string | null,
  out: EnergyColumns,
  fromMs: number,
  toMs: number,
): void {
  const fields = FIXED_FIELDS + (tariffKeys === null ? 0 : (JSON.parse(tariffKeys) as string[]).length);
  const stride = fields * 8;
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const estimated = SOURCES.indexOf("estimated");
  for (let at = 0; at < blob.byteLength; at += stride) {
    const startMs = view.getFloat64(at, true);
    if (startMs < fromMs || startMs >= toMs) continue;
    out.push(
      startMs,
      view.getFloat64(at + 16, true),
      view.getFloat64(at + 24, true),
      view.getFloat64(at + 32, true) === estimated,
    );
  }
}

/**
 * The days a batch of writes touches, loaded on first use and saved once at the end. Within a meter
 * intervals never overlap: every write first removes what it overlaps, so each day's list, sorted
 * by start, is sorted by end as well.
 */
export class DayWorkset {
  private readonly days = new Map<number, StoredInterval[]>();
  private readonly changed = new Set<number>();

  constructor(private readonly load: (dayMs: number) => StoredInterval[]) {}

  /**
   * Writes one interval; false when the existing data is kept. Live and estimated data own their
   * span, replacing whatever they overlap (an hourly import under a quarter-hour is removed so no
   * energy counts twice). Imported data fills only what nothing measured covers, replacing other
   * imported rows it overlaps. Writing an interval identical to the stored one changes nothing,
   * which makes a re-import idempotent.
   */
  write(interval: StoredInterval): boolean {
    checkInterval(interval);
    const { startMs, endMs } = interval;
    const overlapped: { day: number; index: number; interval: StoredInterval }[] = [];
    for (let day = dayOf(startMs) - DAY_MS; day <= dayOf(endMs - 1); day += DAY_MS) {
      const list = this.day(day);
      for (let i = firstEndingAfter(list, startMs); i < list.length && list[i]!.startMs < endMs; i++) {
        overlapped.push({ day, index: i, interval: list[i]! });
      }
    }
    if (interval.source === "imported" && overlapped.some((o) => o.interval.source !== "imported"))
      return false;
    if (overlapped.length === 1 && sameInterval(overlapped[0]!.interval, interval)) return false;
    for (const { day, index } of overlapped.reverse()) {
      this.day(day).splice(index, 1);
      this.changed.add(day);
    }
    const home = dayOf(startMs);
    const list = this.day(home);
    list.splice(firstEndingAfter(list, startMs), 0, interval);
    this.changed.add(home);
    return true;
  }

  /** Hands every changed day to `save` (an empty list: the day's row goes). */
  flush(save: (dayMs: number, intervals: readonly StoredInterval[]) => void): void {
    for (const day of this.changed) save(day, this.days.get(day)!);
    this.changed.clear();
  }

  private day(dayMs: number): StoredInterval[] {
    let list = this.days.get(dayMs);
    if (!list) {
      list = this.load(dayMs);
      this.days.set(dayMs, list);
    }
    return list;
  }
}

/** The index of the first interval ending after `ms` (ends are sorted because intervals are disjoint). */
function firstEndingAfter(list: readonly StoredInterval[], ms: number): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (list[mid]!.endMs > ms) high = mid;
    else low = mid + 1;
  }
  return low;
}

function sameInterval(a: StoredInterval, b: StoredInterval): boolean {
  if (
    a.startMs !== b.startMs ||
    a.endMs !== b.endMs ||
    a.importKwh !== b.importKwh ||
    a.exportKwh !== b.exportKwh ||
    a.source !== b.source
  ) {
    return false;
  }
  const aKeys = Object.keys(a.tariffs ?? NO_TARIFFS);
  const bTariffs = b.tariffs ?? NO_TARIFFS;
  return (
    aKeys.length === Object.keys(bTariffs).length && aKeys.every((key) => a.tariffs?.[key] === bTariffs[key])
  );
}

/** A wrong interval is the caller's bug; refuse it rather than store something that breaks the rules above. */
function checkInterval(interval: StoredInterval): void {
  const { startMs, endMs } = interval;
  const at = Number.isSafeInteger(startMs) ? new Date(startMs).toISOString() : String(startMs);
  const fail = (why: string) => {
    throw new Error(`the interval starting ${at} ${why}`);
  };
  if (!Number.isSafeInteger(startMs) || !Number.isSafeInteger(endMs)) fail("has a time that is not whole ms");
  if (endMs <= startMs) fail("does not end after it starts");
  if (endMs - startMs > MAX_INTERVAL_MS) fail("is longer than a day");
  if (!SOURCES.includes(interval.source)) fail(`has an unknown source ${String(interval.source)}`);
  if (!Number.isFinite(interval.importKwh)) fail("has no finite import energy");
  if (interval.exportKwh !== null && !Number.isFinite(interval.exportKwh))
    fail("has a non-finite export energy");
  for (const [key, value] of Object.entries(interval.tariffs ?? NO_TARIFFS)) {
    if (!Number.isFinite(value)) fail(`has a non-finite value for tariff register ${key}`);
  }
}
