/**
 * What the integrity guard remembers across restarts: per meter and register, the last total it let
 * through. Behind a tiny interface so the guard stays pure (an in-memory store in tests, a JSON file
 * in the data folder in the add-on).
 */
import { type ExactNumber, parseDecimal, toDecimalString } from "../model/exact-number.js";
import type { EnergyBaseUnit } from "../model/units.js";
import { isLocalDateTime } from "./meter-clock.js";

export interface GoodTotal {
  readonly value: ExactNumber;
  readonly unit: EnergyBaseUnit;
  /** When it was received (epoch ms); bounds the next plausible increase. */
  readonly at: number;
  /**
   * The meter's own clock at that reading (local, no offset), when the push carried one: it bounds the
   * next increase when the host clock has gone back behind `at` (meter-clock.ts).
   */
  readonly meterTime?: string;
}

/** meter key → register key → last good total. */
export type GoodTotals = ReadonlyMap<string, ReadonlyMap<string, GoodTotal>>;

export interface TotalsStore {
  /** Empty when nothing was stored yet; throws TotalsStoreError when the stored state is unreadable. */
  load(): GoodTotals;
  save(totals: GoodTotals): void;
  /** Where the state lives, for log messages that tell the user how to reset it. */
  readonly location: string;
}

export class TotalsStoreError extends Error {
  override readonly name = "TotalsStoreError";
}

export class MemoryTotalsStore implements TotalsStore {
  readonly location = "memory";
  private saved: GoodTotals = new Map();
  saves = 0;

  load(): GoodTotals {
    return this.saved;
  }

  save(totals: GoodTotals): void {
    this.saved = totals;
    this.saves += 1;
  }
}

const FORMAT_VERSION = 1;
const ENERGY_UNITS: readonly string[] = ["Wh", "varh", "VAh"] satisfies EnergyBaseUnit[];

interface StoredTotal {
  value: string;
  unit: string;
  at: string;
  /** Absent in files written before the meter clock was kept, and for meters without a clock. */
  meterTime?: string;
}

/** Decimal text and ISO time, so the file is readable and editable by a person. */
export function serializeTotals(totals: GoodTotals): string {
  const meters: Record<string, Record<string, StoredTotal>> = {};
  for (const [meter, registers] of totals) {
    const entries: Record<string, StoredTotal> = {};
    for (const [key, total] of registers) {
      entries[key] = {
        value: toDecimalString(total.value),
        unit: total.unit,
        at: new Date(total.at).toISOString(),
        ...(total.meterTime ? { meterTime: total.meterTime } : {}),
      };
    }
    meters[meter] = entries;
  }
  return `${JSON.stringify({ version: FORMAT_VERSION, meters }, null, 2)}\n`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Strict: a state that cannot be read in full is reported, never half-used. */
export function parseTotals(text: string): GoodTotals {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new TotalsStoreError(`not JSON (${(error as Error).message})`);
  }
  if (!isRecord(document) || document["version"] !== FORMAT_VERSION || !isRecord(document["meters"])) {
    throw new TotalsStoreError(`expected {"version": ${FORMAT_VERSION}, "meters": {…}}`);
  }
  const result = new Map<string, Map<string, GoodTotal>>();
  for (const [meter, registers] of Object.entries(document["meters"])) {
    if (!isRecord(registers)) throw new TotalsStoreError(`meters.${meter} is not an object`);
    const parsed = new Map<string, GoodTotal>();
    for (const [key, entry] of Object.entries(registers)) {
      const where = `meters.${meter}.${key}`;
      if (!isRecord(entry)) throw new TotalsStoreError(`${where} is not an object`);
      const { value, unit, at, meterTime } = entry;
      const exact = typeof value === "string" ? parseDecimal(value) : null;
      const time = typeof at === "string" ? Date.parse(at) : Number.NaN;
      if (!exact) throw new TotalsStoreError(`${where}.value is not a decimal string`);
      if (typeof unit !== "string" || !ENERGY_UNITS.includes(unit)) {
        throw new TotalsStoreError(`${where}.unit is not one of ${ENERGY_UNITS.join(", ")}`);
      }
      if (!Number.isFinite(time)) throw new TotalsStoreError(`${where}.at is not an ISO time`);
      if (meterTime !== undefined && !(typeof meterTime === "string" && isLocalDateTime(meterTime))) {
        throw new TotalsStoreError(`${where}.meterTime is not a local date-time (YYYY-MM-DDThh:mm:ss)`);
      }
      parsed.set(key, {
        value: exact,
        unit: unit as EnergyBaseUnit,
        at: time,
        ...(meterTime === undefined ? {} : { meterTime }),
      });
    }
    result.set(meter, parsed);
  }
  return result;
}
