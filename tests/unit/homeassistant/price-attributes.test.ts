/**
 * Attribute parsers on state objects shaped as each integration writes them. Sources: HACS Nord
 * Pool custom_components/nordpool/sensor.py @1eaa2490 (extra_state_attributes, _add_raw);
 * JaccoR/hass-entso-e coordinator.py @4355c2bd (get_timestamped_prices: str(datetime)); mampfes/
 * ha_epex_spot README.md and sensor.py @886e49e7 (4.0.0), localization.py before 88cb99d (2.x).
 */
import { describe, expect, it } from "vitest";
import { type EntityState, parsePriceAttributes } from "../../../src/homeassistant/price-attributes.js";

const entity = (attributes: Record<string, unknown>, state = "0.1"): EntityState => ({
  entity_id: "sensor.price",
  state,
  attributes,
});
const ms = (iso: string) => Date.parse(iso);

describe("HACS Nord Pool (raw_today / raw_tomorrow)", () => {
  const base = {
    average: 0.105,
    unit: "kWh",
    currency: "EUR",
    country: "Finland",
    region: "FI",
    today: [0.101, 0.102],
    tomorrow_valid: false,
    unit_of_measurement: "EUR/kWh",
    device_class: "monetary",
    price_in_cents: false,
    raw_today: [
      { start: "2025-10-01T00:00:00+03:00", end: "2025-10-01T00:15:00+03:00", value: 0.101 },
      { start: "2025-10-01T00:15:00+03:00", end: "2025-10-01T00:30:00+03:00", value: 0.102 },
      { start: "2025-10-01T00:30:00+03:00", end: "2025-10-01T00:45:00+03:00", value: null },
    ],
    raw_tomorrow: [],
  };

  it("reads 15-minute prices in EUR/kWh and leaves a missing value (inf upstream) as a hole", () => {
    expect(parsePriceAttributes(entity(base))).toEqual({
      kind: "points",
      source: "nordpool-hacs",
      points: [
        { startMs: ms("2025-09-30T21:00:00Z"), endMs: ms("2025-09-30T21:15:00Z"), pricePerKwh: 0.101 },
        { startMs: ms("2025-09-30T21:15:00Z"), endMs: ms("2025-09-30T21:30:00Z"), pricePerKwh: 0.102 },
      ],
    });
  });

  it("converts øre (price_in_cents) and MWh to the main unit per kWh", () => {
    const cents = parsePriceAttributes(
      entity({
        ...base,
        currency: "NOK",
        price_in_cents: true,
        unit_of_measurement: "Øre/kWh",
        raw_today: [{ start: "2025-10-01T00:00:00+02:00", end: "2025-10-01T01:00:00+02:00", value: 85.3 }],
      }),
    );
    expect(cents).toMatchObject({ kind: "points", points: [{ pricePerKwh: expect.closeTo(0.853, 12) }] });
    const perMwh = parsePriceAttributes(
      entity({
        ...base,
        unit: "MWh",
        unit_of_measurement: "EUR/MWh",
        raw_today: [{ start: "2025-10-01T00:00:00+02:00", end: "2025-10-01T01:00:00+02:00", value: 85.3 }],
      }),
    );
    expect(perMwh).toMatchObject({ kind: "points", points: [{ pricePerKwh: expect.closeTo(0.0853, 12) }] });
  });

  it("explains an unknown unit or a time without an offset", () => {
    expect(parsePriceAttributes(entity({ ...base, unit: "GJ" }))).toEqual({
      kind: "invalid",
      source: "nordpool-hacs",
      reason: 'unknown price unit "GJ" (expected kWh, MWh or Wh)',
    });
    expect(
      parsePriceAttributes(
        entity({
          ...base,
          raw_today: [{ start: "2025-10-01T00:00:00", end: "2025-10-01T01:00:00", value: 1 }],
        }),
      ),
    ).toEqual({
      kind: "invalid",
      source: "nordpool-hacs",
      reason: "raw_today[0] has no valid start and end with a UTC offset",
    });
  });
});

describe("ENTSO-e (prices_today / prices_tomorrow / prices)", () => {
  const hourly = (day: string, prices: number[]) =>
    prices.map((price, hour) => ({ time: `${day} ${String(hour).padStart(2, "0")}:00:00+02:00`, price }));

  it("reads str(datetime) times and takes the step from the starts", () => {
    const parsed = parsePriceAttributes(
      entity({
        unit_of_measurement: "EUR/kWh",
        prices_today: hourly("2025-09-30", [0.08, 0.07, 0.09]),
        prices_tomorrow: [],
        prices: hourly("2025-09-30", [0.08, 0.07, 0.09]),
      }),
    );
    expect(parsed).toEqual({
      kind: "points",
      source: "entso-e",
      points: [
        { startMs: ms("2025-09-29T22:00:00Z"), endMs: ms("2025-09-29T23:00:00Z"), pricePerKwh: 0.08 },
        { startMs: ms("2025-09-29T23:00:00Z"), endMs: ms("2025-09-30T00:00:00Z"), pricePerKwh: 0.07 },
        { startMs: ms("2025-09-30T00:00:00Z"), endMs: ms("2025-09-30T01:00:00Z"), pricePerKwh: 0.09 },
      ],
    });
  });

  it("reads PT15M prices per MWh", () => {
    const parsed = parsePriceAttributes(
      entity({
        unit_of_measurement: "EUR/MWh",
        prices_today: [
          { time: "2025-10-01 00:00:00+02:00", price: 95.1 },
          { time: "2025-10-01 00:15:00+02:00", price: 90.4 },
        ],
      }),
    );
    expect(parsed).toMatchObject({
      kind: "points",
      points: [
        { endMs: ms("2025-09-30T22:15:00Z"), pricePerKwh: expect.closeTo(0.0951, 12) },
        { endMs: ms("2025-09-30T22:30:00Z"), pricePerKwh: expect.closeTo(0.0904, 12) },
      ],
    });
  });

  it("refuses a grid that is not 15, 30 or 60 minutes", () => {
    const parsed = parsePriceAttributes(
      entity({
        unit_of_measurement: "EUR/kWh",
        prices: [
          { time: "2025-10-01 00:00:00+02:00", price: 1 },
          { time: "2025-10-01 00:20:00+02:00", price: 1 },
        ],
      }),
    );
    expect(parsed).toEqual({
      kind: "invalid",
      source: "entso-e",
      reason: "prices are 20 minutes apart, not 15, 30 or 60",
    });
  });
});

describe("EPEX Spot (data)", () => {
  it("reads price_per_kwh (4.x Total Price sensor)", () => {
    const parsed = parsePriceAttributes(
      entity({
        unit_of_measurement: "€/kWh",
        data: [
          {
            start_time: "2022-12-15T23:00:00+00:00",
            end_time: "2022-12-16T00:00:00+00:00",
            price_per_kwh: 0.12485,
          },
          {
            start_time: "2022-12-16T00:00:00+00:00",
            end_time: "2022-12-16T01:00:00+00:00",
            price_per_kwh: 0.12235,
          },
        ],
      }),
    );
    expect(parsed).toEqual({
      kind: "points",
      source: "epex-spot",
      points: [
        { startMs: ms("2022-12-15T23:00:00Z"), endMs: ms("2022-12-16T00:00:00Z"), pricePerKwh: 0.12485 },
        { startMs: ms("2022-12-16T00:00:00Z"), endMs: ms("2022-12-16T01:00:00Z"), pricePerKwh: 0.12235 },
      ],
    });
  });

  it("reads the 2.x names: price_ct_per_kwh and price_eur_per_mwh", () => {
    const parsed = parsePriceAttributes(
      entity({
        unit_of_measurement: "EUR/MWh",
        data: [
          {
            start_time: "2023-02-15T22:00:00+00:00",
            end_time: "2023-02-15T23:00:00+00:00",
            price_eur_per_mwh: 120.5,
            price_ct_per_kwh: 12.05,
          },
          {
            start_time: "2023-02-15T23:00:00+00:00",
            end_time: "2023-02-16T00:00:00+00:00",
            price_eur_per_mwh: 110,
          },
        ],
      }),
    );
    expect(parsed).toMatchObject({
      kind: "points",
      points: [{ pricePerKwh: expect.closeTo(0.1205, 12) }, { pricePerKwh: expect.closeTo(0.11, 12) }],
    });
  });

  it("says which sensor to choose when given the rank sensor", () => {
    const parsed = parsePriceAttributes(
      entity({
        data: [{ start_time: "2023-02-15T22:00:00+00:00", end_time: "2023-02-15T23:00:00+00:00", rank: 3 }],
      }),
    );
    expect(parsed).toMatchObject({
      kind: "invalid",
      source: "epex-spot",
      reason: expect.stringContaining("choose the Market Price or Total Price sensor"),
    });
  });
});

describe("an entity without a series", () => {
  it("lists the attributes it has (a core Tibber price sensor)", () => {
    const parsed = parsePriceAttributes(
      entity(
        { unit_of_measurement: "NOK/kWh", app_nickname: "Home", max_price: 1.2, min_price: 0.4 },
        "0.83",
      ),
    );
    expect(parsed).toEqual({
      kind: "no-series",
      reason:
        "no price series among its attributes (looked for raw_today (Nord Pool from HACS), prices_today/prices (ENTSO-e from HACS) or data with start_time (EPEX Spot from HACS); it has: app_nickname, max_price, min_price, unit_of_measurement)",
    });
  });
});
