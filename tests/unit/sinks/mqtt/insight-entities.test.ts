import { describe, expect, it } from "vitest";
import { meterIdentityOf } from "../../../../src/meter/meter-identity.js";
import { anomalyEntities, anomalyEventPayloads } from "../../../../src/sinks/mqtt/anomaly-entities.js";
import { costEntities } from "../../../../src/sinks/mqtt/cost-entities.js";
import { type DiscoveryContext, meterDiscovery } from "../../../../src/sinks/mqtt/discovery.js";
import type { Announcement } from "../../../../src/sinks/mqtt/entity.js";
import { forecastEntities } from "../../../../src/sinks/mqtt/forecast-entities.js";
import { utcToOffsetIso } from "../../../../src/sinks/mqtt/local-time.js";
import { Topics } from "../../../../src/sinks/mqtt/topics.js";
import { E450_PUSH } from "../../../fixtures/mqtt/e450-snapshots.js";
import { deviceDiscoveryProblems } from "./ha-discovery-rules.js";
import {
  COST,
  FORECAST,
  KINDS,
  LEARNING,
  PLAIN_COST,
  QUIET,
  SHIFT,
  SPIKE,
  WATCHING,
} from "./insight-states.js";

const iso = (utcMs: number) => utcToOffsetIso(utcMs, "Europe/Zurich");
const CONTEXT: DiscoveryContext = {
  topics: new Topics("homeassistant", "e450"),
  origin: { name: "e450", sw_version: "0.1.0" },
};

function statesOf({ states }: Announcement) {
  return Object.fromEntries(states.map((state) => [state.entityId, state]));
}

function attributesOf(announcement: Announcement, id: string): Record<string, unknown> {
  const json = statesOf(announcement)[id]?.attributes;
  if (json === undefined) throw new Error(`no attributes for ${id}`);
  return JSON.parse(json) as Record<string, unknown>;
}

/** Every insight entity on the meter's device, as discovery announces them. */
function discoveryOf(...announcements: Announcement[]) {
  const entities = announcements.flatMap((announcement) => announcement.entities);
  return meterDiscovery(meterIdentityOf(E450_PUSH), entities, CONTEXT);
}

function component(message: ReturnType<typeof discoveryOf>, id: string): Record<string, unknown> {
  const found = message.payload.components[id];
  if (!found) throw new Error(`no component ${id}`);
  return found as unknown as Record<string, unknown>;
}

describe("cost entities", () => {
  const cost = costEntities(COST, iso);

  it("announce price, costs, export credit and capacity, each as Home Assistant accepts it", () => {
    expect(cost.entities.map((entity) => entity.id)).toEqual([
      "price",
      "cost_today",
      "cost_month",
      "cost_total",
      "export_credit_today",
      "export_credit_month",
      "export_credit_total",
      "capacity_peak",
      "capacity_cost",
    ]);
    const message = discoveryOf(cost);
    expect(deviceDiscoveryProblems("homeassistant", message.topic, message.payload)).toEqual([]);
  });

  it("price: <currency>/kWh without device class, so the Energy dashboard takes it as the current price", () => {
    const price = component(discoveryOf(cost), "price");
    expect(price).toMatchObject({
      platform: "sensor",
      default_entity_id: "sensor.e450_price",
      name: "Price",
      state_class: "measurement",
      unit_of_measurement: "CHF/kWh",
      state_topic: "e450/meter/4c475a670312d687/price",
    });
    expect(price).not.toHaveProperty("device_class");
    // energy/validate.py: the unit must end with "/<energy unit>".
    expect(String(price["unit_of_measurement"]).endsWith("/kWh")).toBe(true);
    expect(statesOf(cost)["price"]?.payload).toBe("0.2731");
  });

  it("a missing price is Home Assistant's unknown, never 0", () => {
    expect(statesOf(costEntities({ ...COST, pricePerKwh: null }, iso))["price"]?.payload).toBe("None");
  });

  it("today's and this month's cost restart with last_reset from a JSON state", () => {
    const message = discoveryOf(cost);
    for (const id of [
      "cost_today",
      "cost_month",
      "export_credit_today",
      "export_credit_month",
      "capacity_cost",
    ]) {
      expect(component(message, id)).toMatchObject({
        device_class: "monetary",
        state_class: "total",
        unit_of_measurement: "CHF",
        value_template: "{{ value_json.value }}",
        last_reset_value_template: "{{ value_json.last_reset }}",
      });
    }
    const states = statesOf(cost);
    expect(JSON.parse(states["cost_today"]?.payload ?? "")).toEqual({
      value: 1.3,
      last_reset: "2026-03-15T00:00:00+01:00",
    });
    expect(JSON.parse(states["cost_month"]?.payload ?? "")).toEqual({
      value: 31.4568,
      last_reset: "2026-03-01T00:00:00+01:00",
    });
    expect(JSON.parse(states["capacity_cost"]?.payload ?? "")).toEqual({
      value: 19.5,
      last_reset: "2026-03-01T00:00:00+01:00",
    });
    expect(attributesOf(cost, "cost_today")).toEqual({
      import_kwh: 4.251,
      export_kwh: 3,
      unpriced_intervals: 2,
    });
  });

  it("the totals never reset: monetary, total, no last_reset (the Energy dashboard's total cost)", () => {
    const message = discoveryOf(cost);
    for (const id of ["cost_total", "export_credit_total"]) {
      const total = component(message, id);
      expect(total).toMatchObject({
        device_class: "monetary",
        state_class: "total",
        unit_of_measurement: "CHF",
      });
      expect(total).not.toHaveProperty("last_reset_value_template");
    }
    expect(statesOf(cost)["cost_total"]?.payload).toBe("1234.5679");
    expect(statesOf(cost)["export_credit_total"]?.payload).toBe("88.1");
  });

  it("the capacity peak is power in kW", () => {
    expect(component(discoveryOf(cost), "capacity_peak")).toMatchObject({
      device_class: "power",
      state_class: "measurement",
      unit_of_measurement: "kW",
    });
    expect(statesOf(cost)["capacity_peak"]?.payload).toBe("4.877");
  });

  it("without priced export or a capacity tariff there are no such entities", () => {
    expect(costEntities(PLAIN_COST, iso).entities.map((entity) => entity.id)).toEqual([
      "price",
      "cost_today",
      "cost_month",
      "cost_total",
    ]);
  });
});

describe("forecast entities", () => {
  const forecast = forecastEntities(FORECAST, { currency: "CHF", iso });

  it("are energy or money without a state class, and pass Home Assistant's tables", () => {
    const message = discoveryOf(forecast);
    expect(deviceDiscoveryProblems("homeassistant", message.topic, message.payload)).toEqual([]);
    for (const id of ["forecast_today", "forecast_next_hour", "forecast_month", "forecast_tomorrow"]) {
      const config = component(message, id);
      expect(config).toMatchObject({ device_class: "energy", unit_of_measurement: "kWh" });
      expect(config).not.toHaveProperty("state_class");
      expect(config["json_attributes_topic"]).toBe(`e450/meter/4c475a670312d687/${id}/attributes`);
    }
    expect(component(message, "forecast_month_cost")).toMatchObject({
      device_class: "monetary",
      unit_of_measurement: "CHF",
    });
    expect(component(message, "forecast_month_cost")).not.toHaveProperty("state_class");
  });

  it("publish numbers with the 80 % interval and the recent accuracy as attributes", () => {
    const states = statesOf(forecast);
    expect(states["forecast_today"]?.payload).toBe("12.346");
    expect(states["forecast_month"]?.payload).toBe("380.25");
    expect(states["forecast_month_cost"]?.payload).toBe("104.5");
    expect(attributesOf(forecast, "forecast_today")).toEqual({
      p10: 10.1,
      p90: 14.9,
      recent_error_percent: 8,
      history_days: 60,
    });
    expect(attributesOf(forecast, "forecast_next_hour")).toMatchObject({
      start: "2026-03-15T15:00:00+01:00",
    });
  });

  it("p10 and p90 stay null until the model has scored itself", () => {
    const cold = forecastEntities(
      { ...FORECAST, today: { value: 3, p10: null, p90: null }, recentDailyErrorPercent: null },
      { currency: "CHF", iso },
    );
    expect(attributesOf(cold, "forecast_today")).toEqual({
      p10: null,
      p90: null,
      recent_error_percent: null,
      history_days: 60,
    });
  });

  it("tomorrow: the day's total as state, the hourly profile with offsets as attributes", () => {
    expect(statesOf(forecast)["forecast_tomorrow"]?.payload).toBe("12");
    const attributes = attributesOf(forecast, "forecast_tomorrow");
    expect(attributes).toMatchObject({ p10: 6, p90: 18 });
    const hours = attributes["hours"] as { start: string }[];
    expect(hours).toHaveLength(24);
    expect(hours[0]).toEqual({ start: "2026-03-16T00:00:00+01:00", kwh: 0.5, p10: 0.25, p90: 0.75 });
  });

  it("a 25-hour day with long numbers stays far below HA's 16 kB attribute limit", () => {
    const long = 0.123456789;
    const tomorrow = Array.from({ length: 25 }, (_, hour) => ({
      startMs: hour * 3_600_000,
      kwh: long,
      p10: long,
      p90: long,
    }));
    const json = statesOf(forecastEntities({ ...FORECAST, tomorrow }, { currency: "CHF", iso }))[
      "forecast_tomorrow"
    ]?.attributes;
    expect(Buffer.byteLength(json ?? "")).toBeLessThan(4_096);
  });

  it("an empty profile is unknown, not 0", () => {
    const none = forecastEntities({ ...FORECAST, tomorrow: [] }, { currency: "CHF", iso });
    expect(statesOf(none)["forecast_tomorrow"]?.payload).toBe("None");
  });

  it("the month's cost waits for the currency", () => {
    const ids = forecastEntities(FORECAST, { currency: null, iso }).entities.map((entity) => entity.id);
    expect(ids).not.toContain("forecast_month_cost");
    const noTariff = forecastEntities({ ...FORECAST, monthCost: null }, { currency: "CHF", iso });
    expect(noTariff.entities.map((entity) => entity.id)).not.toContain("forecast_month_cost");
  });
});

describe("anomaly entities", () => {
  const anomalies = anomalyEntities(WATCHING, iso);

  it("a problem binary_sensor, an event entity with the detector kinds and a diagnostic sensor", () => {
    const message = discoveryOf(anomalies);
    expect(deviceDiscoveryProblems("homeassistant", message.topic, message.payload)).toEqual([]);
    expect(component(message, "anomaly")).toEqual({
      platform: "binary_sensor",
      unique_id: "e450_4c475a670312d687_anomaly",
      default_entity_id: "binary_sensor.e450_anomaly",
      name: "Anomaly",
      state_topic: "e450/meter/4c475a670312d687/anomaly",
      json_attributes_topic: "e450/meter/4c475a670312d687/anomaly/attributes",
      device_class: "problem",
      payload_on: "ON",
      payload_off: "OFF",
    });
    expect(component(message, "anomaly_event")).toMatchObject({
      platform: "event",
      default_entity_id: "event.e450_anomaly_event",
      name: "Anomaly detected",
      event_types: KINDS,
    });
    expect(component(message, "anomaly_last")).toMatchObject({
      platform: "sensor",
      name: "Last anomaly",
      entity_category: "diagnostic",
    });
  });

  it("is on with the newest open incident in its attributes", () => {
    expect(statesOf(anomalies)["anomaly"]?.payload).toBe("ON");
    expect(attributesOf(anomalies, "anomaly")).toEqual({
      kind: "spike",
      since: "2026-03-15T14:00:00+01:00",
      expected: 0.4,
      observed: 2.25,
      unit: "kWh",
      score: 5.68,
      sentence: SPIKE.message,
      open_incidents: { count: 2, kinds: ["schedule-shift", "spike"] },
      status: "watching",
      learned_days: 60,
      learning_days: 28,
    });
  });

  it("is off when nothing is open, with the same attribute keys", () => {
    const quiet = anomalyEntities(LEARNING, iso);
    expect(statesOf(quiet)["anomaly"]?.payload).toBe("OFF");
    expect(attributesOf(quiet, "anomaly")).toEqual({
      kind: null,
      since: null,
      expected: null,
      observed: null,
      unit: null,
      score: null,
      sentence: null,
      open_incidents: { count: 0, kinds: [] },
      status: "learning",
      learned_days: 12,
      learning_days: 28,
    });
  });

  it("the last sentence fits HA's 255-character state, the full text is an attribute", () => {
    const message = `${"ä".repeat(300)} end`;
    const last = { ...SHIFT, message };
    const state = statesOf(anomalyEntities({ ...QUIET, last }, iso))["anomaly_last"];
    const characters = Array.from(state?.payload ?? "");
    expect(characters).toHaveLength(255);
    expect(characters.at(-1)).toBe("…");
    expect(JSON.parse(state?.attributes ?? "{}")).toMatchObject({
      sentence: message,
      kind: "schedule-shift",
    });
    expect(statesOf(anomalies)["anomaly_last"]?.payload).toBe(SPIKE.message);
  });

  const noIncident = {
    kind: null,
    since: null,
    expected: null,
    observed: null,
    unit: null,
    score: null,
    sentence: null,
  };

  it("while learning before the first anomaly, the last-anomaly sensor tells how far", () => {
    const learning = anomalyEntities(LEARNING, iso);
    expect(statesOf(learning)["anomaly_last"]?.payload).toBe(
      "Still learning this house's normal: 12 of 28 days of history",
    );
    expect(attributesOf(learning, "anomaly_last")).toEqual(noIncident);
  });

  it("a last anomaly found while learning shows instead of the progress", () => {
    const learning = anomalyEntities({ ...LEARNING, last: SHIFT }, iso);
    expect(statesOf(learning)["anomaly_last"]?.payload).toBe(SHIFT.message);
  });

  it("watching without any anomaly yet replaces the retained learning sentence", () => {
    const watching = anomalyEntities(
      { ...LEARNING, status: "watching", history: { days: 28, needed: 28 } },
      iso,
    );
    expect(statesOf(watching)["anomaly_last"]?.payload).toBe("No anomaly so far");
    expect(attributesOf(watching, "anomaly_last")).toEqual(noIncident);
  });

  it("without detector kinds there is no event entity to announce", () => {
    const ids = anomalyEntities({ ...QUIET, kinds: [] }, iso).entities.map((entity) => entity.id);
    expect(ids).toEqual(["anomaly", "anomaly_last"]);
  });

  it("an event payload per fired incident, its kind as event_type", () => {
    expect(anomalyEventPayloads([SPIKE], iso).map((json) => JSON.parse(json))).toEqual([
      {
        event_type: "spike",
        since: "2026-03-15T14:00:00+01:00",
        expected: 0.4,
        observed: 2.25,
        unit: "kWh",
        score: 5.68,
        sentence: SPIKE.message,
      },
    ]);
    expect(anomalyEventPayloads([], iso)).toEqual([]);
  });
});

describe("the rule check itself", () => {
  it("rejects what Home Assistant rejects for the new platforms and money", () => {
    const message = discoveryOf(costEntities(COST, iso), anomalyEntities(WATCHING, iso));
    const broken = {
      ...message.payload,
      components: {
        euro: { ...component(message, "cost_total"), unit_of_measurement: "€" },
        reset: { ...component(message, "cost_today"), unique_id: "r", state_class: "measurement" },
        silent: { ...component(message, "anomaly_event"), unique_id: "s", event_types: [] },
        odd: {
          ...component(message, "anomaly"),
          unique_id: "o",
          device_class: "anomaly",
          unit_of_measurement: "x",
        },
      },
    };
    expect(deviceDiscoveryProblems("homeassistant", message.topic, broken)).toEqual([
      "components.euro: monetary needs an ISO 4217 currency code as unit, got €",
      "components.reset: state_class measurement not allowed for monetary",
      "components.reset: last_reset_value_template needs state_class total",
      "components.silent: event_types must be a non-empty list of strings",
      "components.odd: unit_of_measurement is not a binary_sensor option",
      "components.odd: binary_sensor device_class anomaly unknown",
    ]);
  });

  it("a removal must name a platform", () => {
    const message = discoveryOf(anomalyEntities(WATCHING, iso));
    const removal = {
      ...message.payload,
      components: { anomaly: { platform: "binary_sensor" }, x: { platform: "light" } },
    };
    expect(deviceDiscoveryProblems("homeassistant", message.topic, removal)).toEqual([
      "components.x: platform light is not one e450 announces",
    ]);
  });
});
