/**
 * The option groups of the cost, forecast and anomaly entities (`tariff`, `analytics`,
 * `homeassistant`), part of OPTIONS_SCHEMA and mirrored in config.yaml like the rest.
 *
 * Nesting: `tariff.time_of_use` (a list of groups inside a group) and `tariff.capacity` (a group in a
 * group) need Supervisor 2025.09.1 or later (home-assistant/supervisor#6171 allowed deeper nesting,
 * #6180 its translations); earlier ones refuse to read such a config.yaml. Every leaf is optional,
 * so an empty `tariff` group means "no cost entities"; the cross-field rules are in tariff-rules.ts.
 */

/** ISO 4217 form; tariff-rules.ts checks that the code is in use. */
export const CURRENCY_PATTERN = "^[A-Z]{3}$";
export const CURRENCY_EXPECTED = "a three-letter ISO 4217 currency code such as CHF, EUR or NOK";

const WEEKDAY = "(?:[1-7]|[Mm]on|[Tt]ue|[Ww]ed|[Tt]hu|[Ff]ri|[Ss]at|[Ss]un)";
const MONTH =
  "(?:1[0-2]|0?[1-9]|[Jj]an|[Ff]eb|[Mm]ar|[Aa]pr|[Mm]ay|[Jj]un|[Jj]ul|[Aa]ug|[Ss]ep|[Oo]ct|[Nn]ov|[Dd]ec)";
const HOUR = "(?:[01]?\\d|2[0-4])(?::[0-5]\\d)?";
/** A comma-separated list of items or ranges, as tariff-text.ts reads it. */
const listOf = (item: string, separator = "-") =>
  `^${item}(?:${separator}${item})?(?:,\\s*${item}(?:${separator}${item})?)*$`;

const WEEKDAYS_PATTERN = listOf(WEEKDAY);
const MONTHS_PATTERN = listOf(MONTH);
export const HOURS_PATTERN = `^${HOUR}\\s*-\\s*${HOUR}(?:,\\s*${HOUR}\\s*-\\s*${HOUR})*$`;

/** Home Assistant's entity id: domain "." object id, lower-case letters, digits and "_". */
export const ENTITY_ID_PATTERN = "^[a-z0-9_]+\\.[a-z0-9_]+$";
export const ENTITY_ID_EXPECTED = "an entity id such as sensor.nord_pool_se3_current_price";

const DATE_PATTERN = "^\\d{4}-\\d{2}-\\d{2}$";
const DATE_EXPECTED = "a date written YYYY-MM-DD, such as 2026-01-01";

export const URL_PATTERN = "^https?://\\S+$";

/** Every price is ≥ 0 except a markup, which a supplier may grant as a rebate. */
const price = { type: "number", minimum: 0 } as const;

const timeOfUseRateSchema = {
  type: "object",
  additionalProperties: false,
  required: ["name", "price", "hours"],
  properties: {
    name: { type: "string", minLength: 1 },
    price,
    weekdays: {
      type: "string",
      pattern: WEEKDAYS_PATTERN,
      "x-expected": 'weekdays such as "mon-fri", "1-5" or "sat,sun"',
    },
    hours: {
      type: "string",
      pattern: HOURS_PATTERN,
      "x-expected": 'hours such as "07-20", "22-06" or "06:30-12, 13-20"',
    },
    months: {
      type: "string",
      pattern: MONTHS_PATTERN,
      "x-expected": 'months such as "nov-feb", "4-9" or "jan,feb,dec"',
    },
  },
} as const;

export const CAPACITY_KINDS = ["monthly-15min-peak", "top3-daily-hourly-peaks"] as const;

const capacitySchema = {
  type: "object",
  additionalProperties: false,
  default: {},
  properties: {
    kind: { type: "string", enum: [...CAPACITY_KINDS] },
    price_per_kw_month: price,
    minimum_kw: { type: "number", minimum: 0 },
    steps: {
      type: "array",
      default: [],
      items: {
        type: "object",
        additionalProperties: false,
        required: ["up_to_kw", "price_per_month"],
        properties: { up_to_kw: { type: "number", minimum: 0 }, price_per_month: price },
      },
    },
  },
} as const;

export const tariffOptionsSchema = {
  type: "object",
  additionalProperties: false,
  default: {},
  properties: {
    currency: { type: "string", pattern: CURRENCY_PATTERN, "x-expected": CURRENCY_EXPECTED },
    import_price: price,
    time_of_use: { type: "array", items: timeOfUseRateSchema, default: [] },
    export_price: price,
    standing_charge_per_month: price,
    standing_charge_per_day: price,
    levies_per_kwh: price,
    vat_percent: { type: "number", minimum: 0, maximum: 100 },
    capacity: capacitySchema,
    dynamic_price_entity: { type: "string", pattern: ENTITY_ID_PATTERN, "x-expected": ENTITY_ID_EXPECTED },
    dynamic_markup: { type: "number" },
    change_date: { type: "string", pattern: DATE_PATTERN, "x-expected": DATE_EXPECTED },
    new_import_price: price,
    time_zone: { type: "string", minLength: 1 },
    file: { type: "string", minLength: 1 },
  },
  // A change needs both halves; a markup only means something on a market price.
  dependencies: {
    dynamic_markup: ["dynamic_price_entity"],
    new_import_price: ["change_date"],
    change_date: ["new_import_price"],
  },
} as const;

const ANOMALY_SENSITIVITIES = ["low", "medium", "high"] as const;

export const analyticsOptionsSchema = {
  type: "object",
  additionalProperties: false,
  default: {},
  properties: {
    forecast: { type: "boolean", default: true },
    anomalies: { type: "boolean", default: true },
    anomaly_sensitivity: { type: "string", enum: [...ANOMALY_SENSITIVITIES], default: "medium" },
    // The default: a month of 1-minute samples; intervals are kept regardless.
    sample_retention_days: { type: "integer", minimum: 1, maximum: 3650, default: 31 },
  },
} as const;

export const homeAssistantOptionsSchema = {
  type: "object",
  additionalProperties: false,
  default: {},
  properties: {
    url: {
      type: "string",
      pattern: URL_PATTERN,
      "x-expected": "an address such as http://homeassistant.local:8123",
    },
    token: { type: "string", writeOnly: true, minLength: 1 },
    token_file: { type: "string", minLength: 1 },
  },
  // Inside the add-on nothing is needed (the Supervisor's token); a URL always needs a token.
  dependencies: { token: ["url"], token_file: ["url"] },
} as const;
