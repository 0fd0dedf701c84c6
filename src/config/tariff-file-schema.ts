/**
 * The tariff file (`tariff.file`): JSON Schema draft-07 of the cost engine's Tariff
 * (analytics/cost/types.ts) in the options' spelling (snake_case, VAT in percent). A price or a
 * capacity charge says its `kind` first; ajv's `discriminator` then checks only that kind's fields, so
 * a problem names the field of the kind that was meant. Checks beyond a schema: tariff-file.ts.
 */
import {
  CURRENCY_EXPECTED,
  CURRENCY_PATTERN,
  ENTITY_ID_EXPECTED,
  ENTITY_ID_PATTERN,
} from "./tariff-schema.js";

const DATE = {
  type: "string",
  pattern: "^\\d{4}-\\d{2}-\\d{2}$",
  "x-expected": "a date written YYYY-MM-DD, such as 2026-01-01",
} as const;
const price = { type: "number", minimum: 0 } as const;
const hour = { type: "number", minimum: 0, maximum: 24 } as const;
const numbersFrom = (minimum: number, maximum: number) =>
  ({ type: "array", uniqueItems: true, items: { type: "integer", minimum, maximum } }) as const;

const windowSchema = {
  type: "object",
  additionalProperties: false,
  required: ["from_hour", "to_hour"],
  properties: {
    /** ISO weekdays, 1 = Monday; absent: every day. A holiday counts as a Sunday (7). */
    weekdays: numbersFrom(1, 7),
    from_hour: hour,
    to_hour: hour,
    months: numbersFrom(1, 12),
  },
} as const;

const rateSchema = {
  type: "object",
  additionalProperties: false,
  required: ["name", "price", "windows"],
  properties: {
    name: { type: "string", minLength: 1 },
    price,
    windows: { type: "array", minItems: 1, items: windowSchema },
  },
} as const;

const kind = (name: string) => ({ const: name });

const energyPriceSchema = {
  type: "object",
  required: ["kind"],
  discriminator: { propertyName: "kind" },
  oneOf: [
    {
      additionalProperties: false,
      required: ["price"],
      properties: { kind: kind("fixed"), price },
    },
    {
      additionalProperties: false,
      required: ["rates", "otherwise"],
      properties: {
        kind: kind("time-of-use"),
        rates: { type: "array", minItems: 1, items: rateSchema },
        /** The price when no rate's window matches. */
        otherwise: price,
      },
    },
    {
      additionalProperties: false,
      required: ["entity"],
      properties: {
        kind: kind("dynamic"),
        entity: { type: "string", pattern: ENTITY_ID_PATTERN, "x-expected": ENTITY_ID_EXPECTED },
        markup: { type: "number" },
      },
    },
  ],
} as const;

const capacitySchema = {
  type: "object",
  required: ["kind"],
  discriminator: { propertyName: "kind" },
  oneOf: [
    {
      additionalProperties: false,
      required: ["price_per_kw_month"],
      properties: {
        kind: kind("monthly-15min-peak"),
        price_per_kw_month: price,
        minimum_kw: { type: "number", minimum: 0 },
      },
    },
    {
      additionalProperties: false,
      required: ["steps"],
      properties: {
        kind: kind("top3-daily-hourly-peaks"),
        steps: {
          type: "array",
          minItems: 1,
          items: {
            type: "object",
            additionalProperties: false,
            required: ["up_to_kw", "price_per_month"],
            properties: { up_to_kw: { type: "number", minimum: 0 }, price_per_month: price },
          },
        },
      },
    },
  ],
} as const;

const holidays = { type: "array", uniqueItems: true, items: DATE } as const;

const versionSchema = {
  type: "object",
  additionalProperties: false,
  required: ["valid_from", "import"],
  properties: {
    valid_from: DATE,
    import: energyPriceSchema,
    export: energyPriceSchema,
    levies_per_kwh: price,
    standing_charge_per_day: price,
    standing_charge_per_month: price,
    vat_percent: { type: "number", minimum: 0, maximum: 100 },
    capacity: capacitySchema,
    holidays,
  },
} as const;

export const TARIFF_FILE_SCHEMA = {
  $schema: "http://json-schema.org/draft-07/schema#",
  type: "object",
  additionalProperties: false,
  required: ["currency", "versions"],
  properties: {
    currency: { type: "string", pattern: CURRENCY_PATTERN, "x-expected": CURRENCY_EXPECTED },
    time_zone: { type: "string", minLength: 1 },
    /** Holidays of every version (each version may add its own). */
    holidays,
    versions: { type: "array", minItems: 1, items: versionSchema },
    /**
     * Tariffs to compare with (the panel's "what would I have paid on …?"): a name each, and the
     * file that describes it, in this same format, relative to this file.
     */
    alternatives: {
      type: "object",
      propertyNames: { pattern: "^[a-z0-9][a-z0-9_-]{0,39}$" },
      additionalProperties: { type: "string", minLength: 1 },
    },
  },
} as const;
