/**
 * Snapshots as the API shows them: each reading with its registry key and name, numbers converted
 * exactly at the edge (ARCHITECTURE §5), times as ISO 8601 with the zone's offset.
 */
import type { MeterEvents } from "../bus/events.js";
import { toNumber } from "../model/exact-number.js";
import type { Reading } from "../model/snapshot.js";
import { registerInfoFor, registerName } from "../obis/registry.js";
import type { ZonedCalendar } from "../time/zoned.js";

interface ReadingJson {
  readonly obis: string;
  readonly key: string | null;
  readonly name: string;
  readonly value: number | string;
  readonly unit: string | null;
}

export interface LatestJson {
  readonly meter: string;
  readonly receivedAt: string;
  readonly meterTime: string | null;
  readonly readings: readonly ReadingJson[];
}

const READING_SCHEMA = {
  type: "object",
  required: ["obis", "key", "name", "value", "unit"],
  properties: {
    obis: { type: "string" },
    key: { type: ["string", "null"], description: "the register's key, as in MQTT entity ids" },
    name: { type: "string" },
    value: { type: ["number", "string"] },
    unit: { type: ["string", "null"] },
  },
} as const;

export const LATEST_SCHEMA = {
  type: "object",
  required: ["meter", "receivedAt", "meterTime", "readings"],
  properties: {
    meter: { type: "string" },
    receivedAt: { type: "string", format: "date-time" },
    meterTime: { type: ["string", "null"], description: "the meter's own clock, read in the host's zone" },
    readings: { type: "array", items: READING_SCHEMA },
  },
} as const;

function readingJson(reading: Reading): ReadingJson {
  const { value } = reading;
  const base = {
    obis: reading.obis,
    key: registerInfoFor(reading.obis)?.key ?? null,
    name: registerName(reading.obis),
  };
  switch (value.kind) {
    case "number":
      return { ...base, value: toNumber(value.exact), unit: value.unit };
    case "text":
      return { ...base, value: value.text, unit: null };
    case "datetime":
      return { ...base, value: value.local, unit: null };
  }
}

/**
 * The guarded snapshot and its derived readings. `zone` formats the receive time (the analytics'
 * zone); `meterZone` reads the meter's local clock (the host's, as the analytics read it).
 */
export function latestJson(
  event: MeterEvents["snapshot"],
  zone: ZonedCalendar,
  meterZone: ZonedCalendar,
): LatestJson {
  return {
    meter: event.identity.key,
    receivedAt: zone.formatIso(event.receivedAt),
    meterTime: meterTimeIso(event.snapshot.meterTime, meterZone),
    readings: [...event.snapshot.readings, ...event.derived].map(readingJson),
  };
}

function meterTimeIso(local: string | null, zone: ZonedCalendar): string | null {
  if (local === null) return null;
  const wall = Date.parse(`${local.slice(0, 23)}Z`);
  return Number.isFinite(wall) ? zone.formatIso(zone.toUtc(wall)) : null;
}
