/**
 * The small vocabulary every price source shares: a price point, instants as the integrations
 * write them, money and energy units, and the length of a step when a source lists starts only.
 */

/** One price over [startMs, endMs), in the entity's main currency unit per kWh (EUR/kWh, not ct). */
export interface PricePoint {
  readonly startMs: number;
  readonly endMs: number;
  readonly pricePerKwh: number;
}

/** A parse that either yields points or says, for the log, why it could not. */
export type PointsOrReason =
  | { readonly ok: true; readonly points: readonly PricePoint[] }
  | { readonly ok: false; readonly reason: string };

const MINUTE_MS = 60_000;

/** The grids day-ahead markets publish on (SDAC: 60 min, 15 min since 2025-10-01; 30 min in GB). */
const STEP_MINUTES: readonly number[] = [15, 30, 60];

/**
 * An instant with an explicit UTC offset. Python's isoformat() gives "2025-10-01T00:00:00+02:00"
 * and str(datetime) gives "2025-10-01 00:00:00+02:00" (ENTSO-e's `time`), so both separators are
 * accepted; an instant without an offset is refused, because the zone it meant is unknown here.
 */
const INSTANT = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})$/;

/** Milliseconds since the epoch, or NaN when `value` is not an instant with an offset. */
export function parseInstant(value: unknown): number {
  if (typeof value !== "string") return Number.NaN;
  const match = INSTANT.exec(value.trim());
  if (!match) return Number.NaN;
  const [, date, time, offset] = match;
  return Date.parse(`${date}T${time}${offset === "Z" ? "Z" : normaliseOffset(offset ?? "")}`);
}

function normaliseOffset(offset: string): string {
  return offset.includes(":") ? offset : `${offset.slice(0, 3)}:${offset.slice(3)}`;
}

/** An object's fields, or none when `value` is not an object (a malformed list entry). */
export function asRecord(value: unknown): Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null ? (value as Readonly<Record<string, unknown>>) : {};
}

/** A finite number, or a numeric string as some attribute stores restore it; otherwise NaN. */
export function toNumber(value: unknown): number {
  if (typeof value === "number") return Number.isFinite(value) ? value : Number.NaN;
  if (typeof value === "string" && value.trim() !== "") return Number(value);
  return Number.NaN;
}

/**
 * Money units of a hundredth: the names the integrations put before "/kWh" when they show cents
 * (custom Nord Pool: "c", "Øre", "Öre"; EPEX Spot before 3.0: "ct"; "pence" for GB; "snt" in Finland).
 */
const CENT_UNITS = new Set(["c", "ct", "cent", "cents", "øre", "öre", "ore", "p", "pence", "snt"]);

/** Energy units a price may be per, as the factor from "per that unit" to "per kWh". */
const PER_ENERGY_TO_PER_KWH: Readonly<Record<string, number>> = { wh: 1000, kwh: 1, mwh: 0.001 };

/**
 * The factor that turns a price in `unit` ("EUR/kWh", "€/kWh", "c/kWh", "SEK/MWh", "Øre/kWh")
 * into main currency units per kWh; NaN when the unit is not money per energy.
 */
export function perKwhFactor(unit: unknown): number {
  if (typeof unit !== "string") return Number.NaN;
  const slash = unit.lastIndexOf("/");
  if (slash <= 0) return Number.NaN;
  const energy =
    PER_ENERGY_TO_PER_KWH[
      unit
        .slice(slash + 1)
        .trim()
        .toLowerCase()
    ];
  if (energy === undefined) return Number.NaN;
  const money = unit.slice(0, slash).trim().toLowerCase();
  return CENT_UNITS.has(money) ? energy / 100 : energy;
}

/** The factor from a price per `energyUnit` ("kWh", "MWh", "Wh") to a price per kWh; NaN if unknown. */
export function energyFactor(energyUnit: unknown): number {
  if (typeof energyUnit !== "string") return Number.NaN;
  return PER_ENERGY_TO_PER_KWH[energyUnit.trim().toLowerCase()] ?? Number.NaN;
}

/**
 * Points from starts alone (ENTSO-e, Tibber list when a price begins, not when it ends): the step is
 * the most common gap between consecutive starts, which must be 15, 30 or 60 minutes; each price
 * lasts until the next start or one step, whichever is sooner, so a hole in the list stays a hole.
 */
export function pointsFromStarts(
  entries: readonly { readonly startMs: number; readonly pricePerKwh: number }[],
): PointsOrReason {
  const sorted = [...entries].sort((a, b) => a.startMs - b.startMs);
  const gaps = new Map<number, number>();
  for (let i = 1; i < sorted.length; i++) {
    const gap = sorted[i]!.startMs - sorted[i - 1]!.startMs;
    if (gap > 0) gaps.set(gap, (gaps.get(gap) ?? 0) + 1);
  }
  let stepMs = 0;
  let seen = 0;
  for (const [gap, count] of gaps) {
    if (count > seen || (count === seen && gap < stepMs)) [stepMs, seen] = [gap, count];
  }
  if (stepMs === 0) {
    return {
      ok: false,
      reason: "fewer than two distinct start times: the length of a price step is unknown",
    };
  }
  if (!STEP_MINUTES.includes(stepMs / MINUTE_MS)) {
    return { ok: false, reason: `prices are ${stepMs / MINUTE_MS} minutes apart, not 15, 30 or 60` };
  }
  const points: PricePoint[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const { startMs, pricePerKwh } = sorted[i]!;
    const next = sorted[i + 1]?.startMs;
    if (next === startMs) continue;
    points.push({
      startMs,
      endMs: Math.min(startMs + stepMs, next ?? Number.POSITIVE_INFINITY),
      pricePerKwh,
    });
  }
  return { ok: true, points };
}
