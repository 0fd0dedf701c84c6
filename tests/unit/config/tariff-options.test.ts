/** The `tariff`, `analytics` and `homeassistant` options → what the cost engine and the plugins read. */
import { describe, expect, it } from "vitest";
import { CostLedger } from "../../../src/analytics/cost/ledger.js";
import type { Tariff } from "../../../src/analytics/cost/types.js";
import { resolveOptions } from "../../../src/config/resolve.js";
import { FIRST_VALID_FROM } from "../../../src/config/tariff-from-options.js";
import { validateOptions } from "../../../src/config/validate.js";

function resolved(document: Record<string, unknown>, source: "addon" | "file" = "file") {
  const result = validateOptions({ meter: { connection: "virtual" }, ...document });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return resolveOptions(result.options, {
    source:
      source === "addon" ? { kind: "addon", file: "/data/options.json" } : { kind: "file", file: "/x.yaml" },
    dataDir: "/tmp/e450",
    hostTimeZone: "Europe/Zurich",
  });
}

const tariffOf = (tariff: Record<string, unknown>): Tariff | null => resolved({ tariff }).tariff;

function problemsOf(document: Record<string, unknown>) {
  const result = validateOptions({ meter: { connection: "virtual" }, ...document });
  return result.ok ? [] : result.problems;
}

describe("tariff options → Tariff", () => {
  it("reads a currency and an import price as a fixed tariff in the host's zone", () => {
    expect(tariffOf({ currency: "CHF", import_price: "0.30" })).toEqual({
      timeZone: "Europe/Zurich",
      currency: "CHF",
      versions: [{ validFrom: FIRST_VALID_FROM, import: { kind: "fixed", pricePerKwh: 0.3 } }],
    });
  });

  it("has no tariff without tariff options, and the analytics on by default", () => {
    const options = resolved({});
    expect(options.tariff).toBeNull();
    expect(options.analytics).toEqual({
      forecast: true,
      anomalies: true,
      anomalySensitivity: "medium",
      sampleRetentionDays: 31,
    });
    // The add-on's untouched groups (config.yaml options) are no tariff either.
    expect(tariffOf({ time_of_use: [], capacity: { steps: [] } })).toBeNull();
  });

  it("turns time-of-use rates into windows, one per hour range, with wrapping hours and weekdays", () => {
    const tariff = tariffOf({
      currency: "CHF",
      import_price: 0.2,
      time_of_use: [
        { name: "high", price: 0.31, weekdays: "Mon-Fri", hours: "06-12, 18-24" },
        { name: "night", price: 0.15, weekdays: "fri-mon", hours: "22-06:30", months: "nov-feb" },
      ],
      levies_per_kwh: 0.023,
      standing_charge_per_month: 5,
      vat_percent: 8.1,
      export_price: 0.08,
      time_zone: "Europe/Zurich",
    });
    expect(tariff?.versions).toEqual([
      {
        validFrom: FIRST_VALID_FROM,
        import: {
          kind: "time-of-use",
          otherwisePerKwh: 0.2,
          rates: [
            {
              name: "high",
              pricePerKwh: 0.31,
              windows: [
                { fromHour: 6, toHour: 12, weekdays: [1, 2, 3, 4, 5] },
                { fromHour: 18, toHour: 24, weekdays: [1, 2, 3, 4, 5] },
              ],
            },
            {
              name: "night",
              pricePerKwh: 0.15,
              windows: [{ fromHour: 22, toHour: 6.5, weekdays: [1, 5, 6, 7], months: [1, 2, 11, 12] }],
            },
          ],
        },
        export: { kind: "fixed", pricePerKwh: 0.08 },
        importLeviesPerKwh: 0.023,
        standingChargePerMonth: 5,
        vatRate: 0.081,
      },
    ]);
    // The engine reads the windows as meant: Sunday 23:00 and Saturday 06:15 in December are night,
    // Saturday 06:30 is not, Friday 23:00 is high (the first rate wins), and so is a Wednesday at
    // 10:00 (all-in: (price + levies) × 1.081).
    const ledger = new CostLedger(tariff!);
    const at = (local: string) => ledger.calendar.toUtc(Date.parse(`${local}Z`));
    const allIn = (price: number) => (price + 0.023) * 1.081;
    expect(ledger.currentPrice(at("2026-12-06T23:00:00"))).toBeCloseTo(allIn(0.15), 12);
    expect(ledger.currentPrice(at("2026-12-04T23:00:00"))).toBeCloseTo(allIn(0.31), 12);
    expect(ledger.currentPrice(at("2026-12-05T06:15:00"))).toBeCloseTo(allIn(0.15), 12);
    expect(ledger.currentPrice(at("2026-12-05T06:30:00"))).toBeCloseTo(allIn(0.2), 12);
    expect(ledger.currentPrice(at("2026-12-02T10:00:00"))).toBeCloseTo(allIn(0.31), 12);
    // In June the night rate does not apply: Saturday 23:00 costs the import price.
    expect(ledger.currentPrice(at("2026-06-06T23:00:00"))).toBeCloseTo(allIn(0.2), 12);
  });

  it("reads the Flemish capacity tariff", () => {
    const tariff = tariffOf({
      currency: "EUR",
      import_price: 0.13,
      capacity: { kind: "monthly-15min-peak", price_per_kw_month: 3.37, minimum_kw: 2.5 },
      vat_percent: 6,
      time_zone: "Europe/Brussels",
    });
    expect(tariff).toMatchObject({
      timeZone: "Europe/Brussels",
      versions: [
        { capacity: { kind: "monthly-15min-peak", pricePerKwMonth: 3.37, minimumKw: 2.5 }, vatRate: 0.06 },
      ],
    });
  });

  it("reads Norway's capacity steps", () => {
    const tariff = tariffOf({
      currency: "NOK",
      import_price: 0.5,
      capacity: {
        kind: "top3-daily-hourly-peaks",
        steps: [
          { up_to_kw: 2, price_per_month: 130 },
          { up_to_kw: 5, price_per_month: 190 },
        ],
      },
    });
    expect(tariff?.versions[0]?.capacity).toEqual({
      kind: "top3-daily-hourly-peaks",
      steps: [
        { upToKw: 2, pricePerMonth: 130 },
        { upToKw: 5, pricePerMonth: 190 },
      ],
    });
  });

  it("reads a dynamic tariff as the Home Assistant entity to follow", () => {
    const tariff = tariffOf({
      currency: "SEK",
      dynamic_price_entity: "sensor.nord_pool_se3_current_price",
      dynamic_markup: -0.01,
    });
    expect(tariff?.versions[0]?.import).toEqual({
      kind: "dynamic",
      series: { kind: "entity", entityId: "sensor.nord_pool_se3_current_price" },
      markupPerKwh: -0.01,
    });
  });

  it("turns a change date into a second version with the new price and everything else kept", () => {
    const tariff = tariffOf({
      currency: "EUR",
      import_price: 0.149,
      new_import_price: 0.139,
      change_date: "2026-04-01",
      vat_percent: 20,
    });
    expect(tariff?.versions).toEqual([
      { validFrom: FIRST_VALID_FROM, import: { kind: "fixed", pricePerKwh: 0.149 }, vatRate: 0.2 },
      { validFrom: "2026-04-01", import: { kind: "fixed", pricePerKwh: 0.139 }, vatRate: 0.2 },
    ]);
    const ledger = new CostLedger(tariff!);
    const at = (local: string) => ledger.calendar.toUtc(Date.parse(`${local}Z`));
    expect(ledger.currentPrice(at("2026-03-31T23:00:00"))).toBeCloseTo(0.149 * 1.2, 12);
    expect(ledger.currentPrice(at("2026-04-01T00:00:00"))).toBeCloseTo(0.139 * 1.2, 12);
  });
});

describe("homeassistant options → HomeAssistantTarget", () => {
  it("uses the Supervisor inside the add-on and nothing standalone, unless a URL is set", () => {
    expect(resolved({}, "addon").homeAssistant).toEqual({ kind: "supervisor" });
    expect(resolved({}, "file").homeAssistant).toEqual({ kind: "none" });
    const target = resolved({
      homeassistant: { url: "http://ha.local:8123/", token: "llat-secret" },
    }).homeAssistant;
    expect(target).toMatchObject({ kind: "url", url: "http://ha.local:8123" });
    expect(target.kind === "url" && target.token.reveal()).toBe("llat-secret");
    expect(JSON.stringify(target)).not.toContain("llat-secret");
  });
});

describe("tariff, analytics and homeassistant options: every problem names its option", () => {
  it.each([
    [
      "a tariff without a currency",
      { tariff: { import_price: 0.3 } },
      "tariff.currency",
      "required when a tariff is set",
    ],
    [
      "a currency in the wrong form",
      { tariff: { currency: "chf", import_price: 0.3 } },
      "tariff.currency",
      "expected a three-letter ISO 4217 currency code",
    ],
    [
      "a currency nobody uses",
      { tariff: { currency: "XQZ", import_price: 0.3 } },
      "tariff.currency",
      'expected an ISO 4217 code of a currency in use (CHF, EUR, NOK …), got "XQZ"',
    ],
    [
      "a tariff without a price",
      { tariff: { currency: "CHF", vat_percent: 8.1 } },
      "tariff.import_price",
      "required when a tariff is set",
    ],
    [
      "a negative price",
      { tariff: { currency: "CHF", import_price: -1 } },
      "tariff.import_price",
      "expected a number of at least 0, got -1",
    ],
    [
      "VAT over 100 %",
      { tariff: { currency: "CHF", import_price: 0.3, vat_percent: 120 } },
      "tariff.vat_percent",
      "expected a number from 0 to 100, got 120",
    ],
    [
      "a rate without hours",
      { tariff: { currency: "CHF", import_price: 0.2, time_of_use: [{ name: "high", price: 0.3 }] } },
      "tariff.time_of_use[0].hours",
      "required",
    ],
    [
      "hours in the wrong form",
      {
        tariff: {
          currency: "CHF",
          import_price: 0.2,
          time_of_use: [{ name: "h", price: 0.3, hours: "7 to 20" }],
        },
      },
      "tariff.time_of_use[0].hours",
      'expected hours such as "07-20"',
    ],
    [
      "an empty window",
      {
        tariff: {
          currency: "CHF",
          import_price: 0.2,
          time_of_use: [{ name: "h", price: 0.3, hours: "22-22" }],
        },
      },
      "tariff.time_of_use[0].hours",
      'expected hours from 00 to 24: "22-22" starts where it ends',
    ],
    [
      "a window after midnight",
      {
        tariff: {
          currency: "CHF",
          import_price: 0.2,
          time_of_use: [{ name: "h", price: 0.3, hours: "07-24:30" }],
        },
      },
      "tariff.time_of_use[0].hours",
      'expected hours from 00 to 24: "07-24:30" ends after 24:00',
    ],
    [
      "a weekday out of range",
      {
        tariff: {
          currency: "CHF",
          import_price: 0.2,
          time_of_use: [{ name: "h", price: 0.3, hours: "7-20", weekdays: "1-8" }],
        },
      },
      "tariff.time_of_use[0].weekdays",
      'expected weekdays such as "mon-fri"',
    ],
    [
      "a month name misspelt",
      {
        tariff: {
          currency: "CHF",
          import_price: 0.2,
          time_of_use: [{ name: "h", price: 0.3, hours: "7-20", months: "okt-mar" }],
        },
      },
      "tariff.time_of_use[0].months",
      'expected months such as "nov-feb"',
    ],
    [
      "a fixed price and a price entity",
      { tariff: { currency: "SEK", import_price: 1, dynamic_price_entity: "sensor.p" } },
      "tariff.import_price",
      "not used: a dynamic tariff takes its prices from tariff.dynamic_price_entity",
    ],
    [
      "a price entity that is no entity id",
      { tariff: { currency: "SEK", dynamic_price_entity: "Nord Pool" } },
      "tariff.dynamic_price_entity",
      "expected an entity id such as sensor.nord_pool_se3_current_price",
    ],
    [
      "a markup without a price entity",
      { tariff: { currency: "SEK", import_price: 1, dynamic_markup: 0.1 } },
      "tariff.dynamic_markup",
      "only allowed together with tariff.dynamic_price_entity",
    ],
    [
      "a change date without a new price",
      { tariff: { currency: "EUR", import_price: 0.1, change_date: "2026-04-01" } },
      "tariff.change_date",
      "only allowed together with tariff.new_import_price",
    ],
    [
      "a change date that does not exist",
      { tariff: { currency: "EUR", import_price: 0.1, change_date: "2026-02-30", new_import_price: 0.2 } },
      "tariff.change_date",
      'expected a date that exists, written YYYY-MM-DD, got "2026-02-30"',
    ],
    [
      "a new price for a time-of-use tariff",
      {
        tariff: {
          currency: "EUR",
          import_price: 0.1,
          change_date: "2026-04-01",
          new_import_price: 0.2,
          time_of_use: [{ name: "h", price: 0.3, hours: "7-20" }],
        },
      },
      "tariff.new_import_price",
      "only for a fixed import price",
    ],
    [
      "a time zone that does not exist",
      { tariff: { currency: "CHF", import_price: 0.3, time_zone: "Europe/Zürich" } },
      "tariff.time_zone",
      'expected an IANA time zone such as Europe/Zurich, got "Europe/Zürich"',
    ],
    [
      "capacity prices without a kind",
      { tariff: { currency: "EUR", import_price: 0.1, capacity: { price_per_kw_month: 3.37 } } },
      "tariff.capacity.kind",
      "required when capacity prices are set",
    ],
    [
      "a capacity kind not in the list",
      { tariff: { currency: "EUR", import_price: 0.1, capacity: { kind: "yearly-peak" } } },
      "tariff.capacity.kind",
      'expected one of "monthly-15min-peak", "top3-daily-hourly-peaks"',
    ],
    [
      "a Flemish capacity tariff without its price",
      {
        tariff: {
          currency: "EUR",
          import_price: 0.1,
          capacity: { kind: "monthly-15min-peak", minimum_kw: 2.5 },
        },
      },
      "tariff.capacity.price_per_kw_month",
      'required when tariff.capacity.kind is "monthly-15min-peak"',
    ],
    [
      "Norwegian steps out of order",
      {
        tariff: {
          currency: "NOK",
          import_price: 0.5,
          capacity: {
            kind: "top3-daily-hourly-peaks",
            steps: [
              { up_to_kw: 5, price_per_month: 190 },
              { up_to_kw: 2, price_per_month: 130 },
            ],
          },
        },
      },
      "tariff.capacity.steps[1].up_to_kw",
      "expected more than the step before (5 kW)",
    ],
    [
      "Norway without steps",
      { tariff: { currency: "NOK", import_price: 0.5, capacity: { kind: "top3-daily-hourly-peaks" } } },
      "tariff.capacity.steps",
      "required when tariff.capacity.kind is",
    ],
    [
      "an unknown tariff option",
      { tariff: { currency: "CHF", import_prize: 0.3 } },
      "tariff.import_prize",
      "unknown option (the options here are: currency, import_price",
    ],
    [
      "an anomaly sensitivity not in the list",
      { analytics: { anomaly_sensitivity: "paranoid" } },
      "analytics.anomaly_sensitivity",
      'expected one of "low", "medium", "high", got "paranoid"',
    ],
    [
      "no sample retention",
      { analytics: { sample_retention_days: 0 } },
      "analytics.sample_retention_days",
      "expected a whole number from 1 to 3650, got 0",
    ],
    [
      "a Home Assistant URL without a scheme",
      { homeassistant: { url: "homeassistant.local:8123", token: "t" } },
      "homeassistant.url",
      "expected an address such as http://homeassistant.local:8123",
    ],
    [
      "a Home Assistant URL without a token",
      { homeassistant: { url: "http://ha:8123" } },
      "homeassistant.token",
      "required with homeassistant.url",
    ],
    [
      "a token and a token file",
      { homeassistant: { url: "http://ha:8123", token: "t", token_file: "/run/t" } },
      "homeassistant.token_file",
      "not together with homeassistant.token",
    ],
    [
      "a token without a URL",
      { homeassistant: { token: "t" } },
      "homeassistant.token",
      "only allowed together with homeassistant.url",
    ],
  ])("%s", (_label, document, path, message) => {
    expect(problemsOf(document as Record<string, unknown>)).toContainEqual({
      path,
      message: expect.stringContaining(message),
    });
  });

  it("reports every tariff problem at once", () => {
    const problems = problemsOf({
      tariff: {
        vat_percent: 150,
        time_of_use: [{ name: "h", price: 0.3, hours: "20-20" }],
        time_zone: "Mars/Olympus",
        capacity: { minimum_kw: 2.5 },
      },
    });
    expect(problems.map((problem) => problem.path).sort()).toEqual([
      "tariff.capacity.kind",
      "tariff.currency",
      "tariff.import_price",
      "tariff.time_of_use[0].hours",
      "tariff.time_zone",
      "tariff.vat_percent",
    ]);
  });
});
