/**
 * The Live page's view of a snapshot: which registers go on which card. Register keys are those of
 * src/obis/registry.ts (power_import = 1.7.0, voltage_l1 = 32.7.0 …) and src/meter/derived.ts
 * (power_net, the signed net power the runtime adds when the meter states +P and −P only).
 */
import type { ApiReading } from "./api-types.js";

interface PhaseView {
  readonly phase: 1 | 2 | 3;
  readonly voltage: number | null;
  readonly current: number | null;
  readonly powerNet: number | null;
}

export interface LiveView {
  /** W */
  readonly powerImport: number | null;
  readonly powerExport: number | null;
  /** Import minus export: negative while feeding in. */
  readonly powerNet: number | null;
  readonly phases: readonly PhaseView[];
  /** kWh */
  readonly energyImport: number | null;
  readonly energyExport: number | null;
  /** The other registers, in the order the meter sent them. */
  readonly others: readonly ApiReading[];
}

const SCALE_TO_BASE: Readonly<Record<string, number>> = { W: 1, kW: 1000, V: 1, A: 1, Wh: 1e-3, kWh: 1 };

const SHOWN_KEYS = new Set([
  "power_import",
  "power_export",
  "power_net",
  "energy_import",
  "energy_export",
  ...[1, 2, 3].flatMap((phase) => [`voltage_l${phase}`, `current_l${phase}`, `power_net_l${phase}`]),
]);

export function liveView(readings: readonly ApiReading[]): LiveView {
  const byKey = new Map<string, ApiReading>();
  for (const reading of readings) {
    if (reading.key !== null && !byKey.has(reading.key)) byKey.set(reading.key, reading);
  }
  const numeric = (key: string): number | null => {
    const reading = byKey.get(key);
    if (reading === undefined || typeof reading.value !== "number") return null;
    const factor = SCALE_TO_BASE[reading.unit ?? ""] ?? 1;
    return reading.value * factor;
  };
  const powerImport = numeric("power_import");
  const powerExport = numeric("power_export");
  const powerNet = numeric("power_net") ?? (powerImport === null ? null : powerImport - (powerExport ?? 0));
  const phases = ([1, 2, 3] as const)
    .map((phase) => ({
      phase,
      voltage: numeric(`voltage_l${phase}`),
      current: numeric(`current_l${phase}`),
      powerNet: numeric(`power_net_l${phase}`),
    }))
    .filter((view) => view.voltage !== null || view.current !== null || view.powerNet !== null);
  return {
    powerImport,
    powerExport,
    powerNet,
    phases,
    energyImport: numeric("energy_import"),
    energyExport: numeric("energy_export"),
    others: readings.filter((reading) => reading.key === null || !SHOWN_KEYS.has(reading.key)),
  };
}
