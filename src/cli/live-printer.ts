/**
 * The plain program's view without MQTT: one line per snapshot with the registers people look at
 * first, exact and in familiar units (kWh for totals).
 */
import { shiftScaler, toDecimalString } from "../model/exact-number.js";
import type { Reading, Snapshot } from "../model/snapshot.js";

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

export function formatLiveLine(snapshot: Snapshot): string {
  const parts = SHOWN.flatMap(({ codes, label, kilo }) => {
    const reading = find(snapshot.readings, codes);
    const text = reading && render(reading, kilo ?? false);
    return text ? [`${label} ${text}`] : [];
  });
  const time = snapshot.meterTime ?? new Date().toISOString().slice(0, 19);
  return `${time}  meter ${snapshot.meterId ?? "?"}  ${parts.join("  ")}  (${snapshot.readings.length} registers)`;
}
