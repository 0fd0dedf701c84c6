/**
 * Price series that integrations hand out through a response-only service instead of attributes:
 * the core Nord Pool integration (its sensors show one price each) and core Tibber (its price
 * sensor carries statistics only). Which service to call follows from the entity's registry entry
 * (websocket `config/entity_registry/get`: platform, config_entry_id, unique_id).
 */
import type { EntityState } from "./price-attributes.js";
import {
  asRecord,
  type PointsOrReason,
  type PricePoint,
  parseInstant,
  pointsFromStarts,
  toNumber,
} from "./price-units.js";

export type ServicePlan =
  | { readonly kind: "nordpool"; readonly configEntryId: string; readonly area: string }
  /** `home` is the app nickname the service keys its answer by, when the sensor names it. */
  | { readonly kind: "tibber"; readonly home: string | undefined };

export interface ServiceCall {
  readonly domain: string;
  readonly service: string;
  readonly data: Readonly<Record<string, unknown>>;
}

const DAY_MS = 86_400_000;

/**
 * The plan for an entity whose attributes hold no series, or the reason there is none.
 * Core Nord Pool: entity.py sets unique_id = f"{area}-{key}", and the action
 * `nordpool.get_prices_for_date` needs the config entry (services.py). Core Tibber: the action
 * `tibber.get_prices` answers for every active home, keyed by the home's name.
 */
export function planFromRegistry(
  registryEntry: unknown,
  entity: EntityState | undefined,
): ServicePlan | string {
  const entry = asRecord(registryEntry);
  const platform = entry["platform"];
  if (platform === "nordpool") {
    const configEntryId = entry["config_entry_id"];
    const uniqueId = entry["unique_id"];
    const cut = typeof uniqueId === "string" ? uniqueId.lastIndexOf("-") : -1;
    if (typeof configEntryId !== "string" || typeof uniqueId !== "string" || cut <= 0) {
      return "a Nord Pool entity without the config entry and area that nordpool.get_prices_for_date needs";
    }
    return { kind: "nordpool", configEntryId, area: uniqueId.slice(0, cut) };
  }
  if (platform === "tibber") {
    const nickname = entity?.attributes["app_nickname"];
    return { kind: "tibber", home: typeof nickname === "string" ? nickname : undefined };
  }
  return typeof platform === "string"
    ? `its integration (${platform}) offers no price series this program can read`
    : "Home Assistant's entity registry does not say which integration provides it";
}

/**
 * The calls that cover now and the next day. Nord Pool delivery days are CET days, so the UTC date
 * of now and the one after always include the current hour; tomorrow's call fails until the
 * auction result is published (about 13:00 CET), which is expected and not an error.
 */
export function serviceCalls(plan: ServicePlan, nowMs: number): readonly ServiceCall[] {
  if (plan.kind === "nordpool") {
    return [nowMs, nowMs + DAY_MS].map((ms) => ({
      domain: "nordpool",
      service: "get_prices_for_date",
      data: {
        config_entry: plan.configEntryId,
        date: new Date(ms).toISOString().slice(0, 10),
        areas: [plan.area],
      },
    }));
  }
  // tibber/services.py: `start` and `end` are parsed with dt_util.parse_datetime; prices with
  // start <= startsAt < end are returned, from what the integration has fetched (today, tomorrow).
  return [
    {
      domain: "tibber",
      service: "get_prices",
      data: { start: isoSeconds(nowMs - DAY_MS), end: isoSeconds(nowMs + 2 * DAY_MS) },
    },
  ];
}

function isoSeconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}+00:00`;
}

/** Points from one service response (the `response` field of call_service's result). */
export function parseServiceResponse(plan: ServicePlan, response: unknown): PointsOrReason {
  return plan.kind === "nordpool" ? parseNordPool(plan.area, response) : parseTibber(plan.home, response);
}

/**
 * nordpool/services.py: {AREA: [{start, end, price}]}, start and end from isoformat() in UTC, the
 * price in the config entry's currency per MWh (the API's unit; the sensors divide by 1000).
 */
function parseNordPool(area: string, response: unknown): PointsOrReason {
  const entries = asRecord(response)[area];
  if (!Array.isArray(entries))
    return { ok: false, reason: `the Nord Pool answer has no prices for area ${area}` };
  const points: PricePoint[] = [];
  for (const [index, entry] of entries.entries()) {
    const item = asRecord(entry);
    const startMs = parseInstant(item["start"]);
    const endMs = parseInstant(item["end"]);
    if (!(endMs > startMs)) return { ok: false, reason: `${area}[${index}] has no valid start and end` };
    const perMwh = toNumber(item["price"]);
    if (!Number.isNaN(perMwh)) points.push({ startMs, endMs, pricePerKwh: perMwh / 1000 });
  }
  return { ok: true, points: points.sort((a, b) => a.startMs - b.startMs) };
}

/**
 * tibber/services.py: {prices: {<home name>: [{start_time, price}]}}, start_time being Tibber's
 * startsAt (ISO with the home's offset), price the total (energy + tax) in the home's currency per
 * kWh; hourly, or quarter-hourly since pyTibber 0.32, so the step comes from the starts.
 */
function parseTibber(home: string | undefined, response: unknown): PointsOrReason {
  const homes = asRecord(asRecord(response)["prices"]);
  const names = Object.keys(homes);
  const chosen =
    home !== undefined && names.includes(home) ? home : names.length === 1 ? names[0] : undefined;
  if (chosen === undefined) {
    return {
      ok: false,
      reason:
        names.length === 0
          ? "tibber.get_prices answered with no home"
          : `tibber.get_prices answered for several homes (${names.join(", ")}) and the sensor names none of them`,
    };
  }
  const entries = homes[chosen];
  if (!Array.isArray(entries))
    return { ok: false, reason: `tibber.get_prices gave no list for home ${chosen}` };
  const starts: { startMs: number; pricePerKwh: number }[] = [];
  for (const [index, entry] of entries.entries()) {
    const item = asRecord(entry);
    const startMs = parseInstant(item["start_time"]);
    if (Number.isNaN(startMs))
      return { ok: false, reason: `prices[${index}].start_time is not a time with an offset` };
    const price = toNumber(item["price"]);
    if (!Number.isNaN(price)) starts.push({ startMs, pricePerKwh: price });
  }
  return starts.length === 0 ? { ok: true, points: [] } : pointsFromStarts(starts);
}
