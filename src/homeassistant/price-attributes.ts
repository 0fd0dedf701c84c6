/**
 * Price series from an entity's attributes, for the integrations that publish them there. Each
 * parser is pure: the entity's state object in, points in the entity's currency per kWh out, or a
 * reason a person can act on. Integrations that keep their series behind a service (core Nord Pool,
 * Tibber) have no series here; price-services.ts covers them.
 */
import {
  energyFactor,
  type PointsOrReason,
  type PricePoint,
  asRecord,
  parseInstant,
  perKwhFactor,
  pointsFromStarts,
  toNumber,
} from "./price-units.js";

/** An entity as Home Assistant's websocket API describes it (get_states, subscribe_entities). */
export interface EntityState {
  readonly entity_id: string;
  readonly state: string;
  readonly attributes: Readonly<Record<string, unknown>>;
}

type AttributeSource = "nordpool-hacs" | "entso-e" | "epex-spot";

export type AttributeParse =
  | { readonly kind: "points"; readonly source: AttributeSource; readonly points: readonly PricePoint[] }
  /** The attributes hold a series this recognises, but it cannot be read; `reason` says why. */
  | { readonly kind: "invalid"; readonly source: AttributeSource; readonly reason: string }
  /** No attribute looks like a price series (maybe a service-based integration; see price-services.ts). */
  | { readonly kind: "no-series"; readonly reason: string };

type Attributes = EntityState["attributes"];

const SERIES_HINT =
  "raw_today (Nord Pool from HACS), prices_today/prices (ENTSO-e from HACS) or data with start_time (EPEX Spot from HACS)";

export function parsePriceAttributes(entity: EntityState): AttributeParse {
  const attributes = entity.attributes;
  if (Array.isArray(attributes["raw_today"])) {
    return labelled("nordpool-hacs", parseNordPoolHacs(attributes));
  }
  if (["prices_today", "prices_tomorrow", "prices"].some((key) => Array.isArray(attributes[key]))) {
    return labelled("entso-e", parseEntsoe(attributes));
  }
  if (Array.isArray(attributes["data"])) {
    return labelled("epex-spot", parseEpexSpot(attributes));
  }
  const present = Object.keys(attributes).sort().join(", ") || "none";
  return {
    kind: "no-series",
    reason: `no price series among its attributes (looked for ${SERIES_HINT}; it has: ${present})`,
  };
}

function labelled(source: AttributeSource, parsed: PointsOrReason): AttributeParse {
  return parsed.ok
    ? { kind: "points", source, points: parsed.points }
    : { kind: "invalid", source, reason: parsed.reason };
}

/**
 * custom-components/nordpool (HACS) sensor.py, extra_state_attributes: `raw_today` and
 * `raw_tomorrow` are lists of {start, end, value} with tz-aware datetimes, `value` already
 * divided to the chosen `unit` (price_type: "kWh", "MWh" or "Wh") and multiplied by 100 when
 * `price_in_cents` is true; a value the API sent as infinity is None. The unit of measurement
 * ("EUR/kWh", "Øre/kWh") says the same and serves when `unit` is missing.
 */
function parseNordPoolHacs(attributes: Attributes): PointsOrReason {
  const factor =
    attributes["unit"] === undefined
      ? perKwhFactor(attributes["unit_of_measurement"])
      : energyFactor(attributes["unit"]) / (attributes["price_in_cents"] === true ? 100 : 1);
  if (Number.isNaN(factor)) {
    return {
      ok: false,
      reason: `unknown price unit ${JSON.stringify(attributes["unit"] ?? attributes["unit_of_measurement"])} (expected kWh, MWh or Wh)`,
    };
  }
  const points: PricePoint[] = [];
  for (const key of ["raw_today", "raw_tomorrow"]) {
    const entries = attributes[key] ?? [];
    if (!Array.isArray(entries)) return { ok: false, reason: `${key} is not a list` };
    for (const [index, entry] of entries.entries()) {
      const item = asRecord(entry);
      const startMs = parseInstant(item["start"]);
      const endMs = parseInstant(item["end"]);
      if (!(endMs > startMs)) {
        return { ok: false, reason: `${key}[${index}] has no valid start and end with a UTC offset` };
      }
      const value = toNumber(item["value"]);
      if (!Number.isNaN(value)) points.push({ startMs, endMs, pricePerKwh: value * factor });
    }
  }
  return { ok: true, points: points.sort((a, b) => a.startMs - b.startMs) };
}

/**
 * JaccoR/hass-entso-e (HACS) coordinator.py, get_timestamped_prices: the average-price sensor
 * carries `prices_today`, `prices_tomorrow` and `prices` (yesterday+today or today+tomorrow), each
 * a list of {time: str(datetime) such as "2025-10-01 00:00:00+02:00", price}; no end time, the
 * step being the configured period (PT60M or PT15M). The price is per the sensor's energy scale,
 * its unit of measurement "<currency>/kWh" or "<currency>/MWh" (sensor.py).
 */
function parseEntsoe(attributes: Attributes): PointsOrReason {
  const factor = perKwhFactor(attributes["unit_of_measurement"]);
  if (Number.isNaN(factor)) {
    return {
      ok: false,
      reason: `unknown unit of measurement ${JSON.stringify(attributes["unit_of_measurement"])} (expected <currency>/kWh or <currency>/MWh)`,
    };
  }
  const starts: { startMs: number; pricePerKwh: number }[] = [];
  for (const key of ["prices_today", "prices_tomorrow", "prices"]) {
    const entries = attributes[key] ?? [];
    if (!Array.isArray(entries)) return { ok: false, reason: `${key} is not a list` };
    for (const [index, entry] of entries.entries()) {
      const item = asRecord(entry);
      const startMs = parseInstant(item["time"]);
      const price = toNumber(item["price"]);
      if (Number.isNaN(startMs))
        return { ok: false, reason: `${key}[${index}].time is not a time with a UTC offset` };
      if (!Number.isNaN(price)) starts.push({ startMs, pricePerKwh: price * factor });
    }
  }
  return starts.length === 0 ? { ok: true, points: [] } : pointsFromStarts(starts);
}

/**
 * mampfes/ha_epex_spot (HACS) sensor.py: the Market Price and Total Price sensors carry `data`,
 * a list of {start_time, end_time, <price>} with ISO times. Since 3.0 (commit 88cb99d, 2024-09-17)
 * the price is `price_per_kwh` in €/kWh or £/kWh; before it, `price_ct_per_kwh` /
 * `price_pence_per_kwh` and, on the market price sensor, `price_eur_per_mwh` / `price_gbp_per_mwh`.
 */
const EPEX_PRICE_KEYS: readonly (readonly [string, number])[] = [
  ["price_per_kwh", 1],
  ["price_ct_per_kwh", 0.01],
  ["price_pence_per_kwh", 0.01],
  ["price_eur_per_mwh", 0.001],
  ["price_gbp_per_mwh", 0.001],
];

function parseEpexSpot(attributes: Attributes): PointsOrReason {
  const entries = attributes["data"] as readonly unknown[];
  const points: PricePoint[] = [];
  for (const [index, entry] of entries.entries()) {
    const item = asRecord(entry);
    const startMs = parseInstant(item["start_time"]);
    const endMs = parseInstant(item["end_time"]);
    if (!(endMs > startMs)) {
      return { ok: false, reason: `data[${index}] has no valid start_time and end_time with a UTC offset` };
    }
    const priced = EPEX_PRICE_KEYS.find(([key]) => item[key] !== undefined);
    if (!priced) {
      return {
        ok: false,
        reason: `data[${index}] carries no price (expected price_per_kwh; rank and quantile sensors have none: choose the Market Price or Total Price sensor)`,
      };
    }
    const price = toNumber(item[priced[0]]);
    if (!Number.isNaN(price)) points.push({ startMs, endMs, pricePerKwh: price * priced[1] });
  }
  return { ok: true, points: points.sort((a, b) => a.startMs - b.startMs) };
}
