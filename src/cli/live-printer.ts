/**
 * The plain program's view without MQTT: one line per snapshot with the registers people look at
 * first, exact and in familiar units (kWh for totals).
 *
 * Snapshot.meterTime is the meter's local wall time without an offset, while the log lines beside
 * the readings are UTC. Each line therefore starts with the meter's time and the offset of the zone it
 * is read in, the same reading the MQTT meter-clock entity publishes (sinks/mqtt/local-time.ts), so
 * that both kinds of line compare at a glance.
 */
import { shiftScaler, toDecimalString } from "../model/exact-number.js";
import type { Reading, Snapshot } from "../model/snapshot.js";
import { localToOffsetIso } from "../sinks/mqtt/local-time.js";
import { ZonedCalendar } from "../time/zoned.js";

const SHOWN: readonly { codes: readonly string[]; label: string; kilo?: boolean }[] = [
  { codes: ["1.8.0"], label: "import", kilo: true },
  { codes: ["2.8.0"], label: "export", kilo: true },
  { codes: ["1.7.0"], label: "P+" },
  { codes: ["2.7.0"], label: "P-" },
  { codes: ["32.7.0", "32.7"], label: "U1" },
  { codes: ["52.7.0", "52.7"], label: "U2" },
  { codes: ["72.7.0", "72.7"], label: "U3" },
  { codes: ["31.7.0", "31.7"], label: "I1" },
  { codes: ["51.7.0", "51.7"], label: "I2" },
  { codes: ["71.7.0", "71.7"], label: "I3" },
];

function find(readings: readonly Reading[], codes: readonly string[]): Reading | undefined {
  return readings.find((reading) =>
    codes.some(
      (code) =>
        reading.obis.includes(`:${code}.`) || reading.obis === code || reading.obis.endsWith(`:${code}`),
    ),
  );
}

function render(reading: Reading, kilo: boolean): string | null {
  const { value } = reading;
  if (value.kind !== "number") return null;
  if (kilo && value.unit === "Wh") return `${toDecimalString(shiftScaler(value.exact, -3))} kWh`;
  return `${toDecimalString(value.exact)}${value.unit ? ` ${value.unit}` : ""}`;
}

export interface LiveLineClock {
  /** IANA zone the meter's clock is read in: the host's, or the virtual meter's own. */
  readonly timeZone: string;
  /** Epoch ms of receipt, shown when the snapshot carries no time. */
  readonly now: number;
}

/** "2026-01-15T08:30:00+01:00" from the meter; the time of receipt, so marked, when it sent none. */
function timeColumn(meterTime: string | null, clock: LiveLineClock): string {
  if (meterTime === null) return `${new ZonedCalendar(clock.timeZone).formatIso(clock.now)} (received)`;
  return localToOffsetIso(meterTime, clock.timeZone) ?? `${meterTime} (meter's local time)`;
}

export function formatLiveLine(snapshot: Snapshot, clock: LiveLineClock): string {
  const parts = SHOWN.flatMap(({ codes, label, kilo }) => {
    const reading = find(snapshot.readings, codes);
    const text = reading && render(reading, kilo ?? false);
    return text ? [`${label} ${text}`] : [];
  });
  const time = timeColumn(snapshot.meterTime, clock);
  return `${time}  meter ${snapshot.meterId ?? "?"}  ${parts.join("  ")}  (${snapshot.readings.length} registers)`;
}
