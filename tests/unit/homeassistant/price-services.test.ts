/**
 * Service-based prices. Shapes: core nordpool/services.py and entity.py (unique_id f"{area}-{key}"),
 * core tibber/services.py ({prices: {home: [{start_time, price}]}}), HA's entity registry entry
 * (websocket config/entity_registry/get: platform, config_entry_id, unique_id).
 */
import { describe, expect, it } from "vitest";
import {
  parseServiceResponse,
  planFromRegistry,
  serviceCalls,
} from "../../../src/homeassistant/price-services.js";

const ms = (iso: string) => Date.parse(iso);

describe("planFromRegistry", () => {
  it("finds the config entry and area of a core Nord Pool sensor", () => {
    const entry = {
      entity_id: "sensor.nord_pool_se3_current_price",
      platform: "nordpool",
      config_entry_id: "01JENTRY",
      unique_id: "SE3-current_price",
    };
    expect(planFromRegistry(entry, undefined)).toEqual({
      kind: "nordpool",
      configEntryId: "01JENTRY",
      area: "SE3",
    });
  });

  it("takes the Tibber home from the sensor's app_nickname", () => {
    const state = {
      entity_id: "sensor.electricity_price_home",
      state: "0.8",
      attributes: { app_nickname: "Cabin" },
    };
    expect(planFromRegistry({ platform: "tibber", config_entry_id: "x", unique_id: "abc" }, state)).toEqual({
      kind: "tibber",
      home: "Cabin",
    });
  });

  it("names the integration that offers nothing", () => {
    expect(planFromRegistry({ platform: "template", unique_id: "u" }, undefined)).toBe(
      "its integration (template) offers no price series this program can read",
    );
  });
});

describe("serviceCalls", () => {
  const now = ms("2025-10-01T22:30:00Z");

  it("asks Nord Pool for the UTC date of now and the next one", () => {
    expect(
      serviceCalls({ kind: "nordpool", configEntryId: "E", area: "DK1" }, now).map((call) => call.data),
    ).toEqual([
      { config_entry: "E", date: "2025-10-01", areas: ["DK1"] },
      { config_entry: "E", date: "2025-10-02", areas: ["DK1"] },
    ]);
  });

  it("asks Tibber for a window around now with offsets", () => {
    expect(serviceCalls({ kind: "tibber", home: undefined }, now)).toEqual([
      {
        domain: "tibber",
        service: "get_prices",
        data: { start: "2025-09-30T22:30:00+00:00", end: "2025-10-03T22:30:00+00:00" },
      },
    ]);
  });
});

describe("parseServiceResponse", () => {
  it("reads Nord Pool's per-MWh prices for the area", () => {
    const response = {
      SE3: [
        { start: "2025-10-01T22:00:00+00:00", end: "2025-10-01T22:15:00+00:00", price: 412.5 },
        { start: "2025-10-01T22:15:00+00:00", end: "2025-10-01T22:30:00+00:00", price: 398.1 },
      ],
    };
    expect(parseServiceResponse({ kind: "nordpool", configEntryId: "E", area: "SE3" }, response)).toEqual({
      ok: true,
      points: [
        { startMs: ms("2025-10-01T22:00:00Z"), endMs: ms("2025-10-01T22:15:00Z"), pricePerKwh: 0.4125 },
        { startMs: ms("2025-10-01T22:15:00Z"), endMs: ms("2025-10-01T22:30:00Z"), pricePerKwh: 0.3981 },
      ],
    });
    expect(parseServiceResponse({ kind: "nordpool", configEntryId: "E", area: "SE4" }, response)).toEqual({
      ok: false,
      reason: "the Nord Pool answer has no prices for area SE4",
    });
  });

  it("reads Tibber's quarter-hourly totals for the named home", () => {
    const response = {
      prices: {
        Cabin: [{ start_time: "2025-10-01T00:00:00.000+02:00", price: 9 }],
        Home: [
          { start_time: "2025-10-01T00:00:00.000+02:00", price: 0.8123 },
          { start_time: "2025-10-01T00:15:00.000+02:00", price: 0.7988 },
        ],
      },
    };
    expect(parseServiceResponse({ kind: "tibber", home: "Home" }, response)).toEqual({
      ok: true,
      points: [
        { startMs: ms("2025-09-30T22:00:00Z"), endMs: ms("2025-09-30T22:15:00Z"), pricePerKwh: 0.8123 },
        { startMs: ms("2025-09-30T22:15:00Z"), endMs: ms("2025-09-30T22:30:00Z"), pricePerKwh: 0.7988 },
      ],
    });
    expect(parseServiceResponse({ kind: "tibber", home: undefined }, response)).toEqual({
      ok: false,
      reason: "tibber.get_prices answered for several homes (Cabin, Home) and the sensor names none of them",
    });
  });
});
