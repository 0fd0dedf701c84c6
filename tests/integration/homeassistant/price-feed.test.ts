/**
 * HomeAssistantPrices against a local server speaking Home Assistant's websocket protocol
 * (tests/helpers/fake-home-assistant.ts), through home-assistant-js-websocket and `ws`.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { Secret } from "../../../src/util/secret.js";
import { connectHomeAssistant } from "../../../src/homeassistant/connection.js";
import { HomeAssistantPrices, type PriceStatus } from "../../../src/homeassistant/price-feed.js";
import {
  type FakeEntity,
  FakeHomeAssistant,
  type FakeHomeAssistantOptions,
  FakeServiceError,
} from "../../helpers/fake-home-assistant.js";

const TOKEN = "long-lived-token-0123456789abcdef";
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const dayStart = Math.floor(Date.now() / DAY_MS) * DAY_MS;

/** Hourly {start, end, value} entries as the HACS Nord Pool sensor lists them (EUR/kWh). */
function rawDay(startMs: number, base: number): { start: string; end: string; value: number }[] {
  return Array.from({ length: 24 }, (_, hour) => ({
    start: new Date(startMs + hour * HOUR_MS).toISOString().replace("Z", "+00:00"),
    end: new Date(startMs + (hour + 1) * HOUR_MS).toISOString().replace("Z", "+00:00"),
    value: base + hour / 1000,
  }));
}

const nordPoolHacs = (tomorrow: boolean): FakeEntity => ({
  entity_id: "sensor.nordpool_kwh_fi_eur_3_10_024",
  state: "0.1",
  attributes: {
    unit: "kWh",
    currency: "EUR",
    price_in_cents: false,
    unit_of_measurement: "EUR/kWh",
    raw_today: rawDay(dayStart, 0.1),
    raw_tomorrow: tomorrow ? rawDay(dayStart + DAY_MS, 0.2) : [],
    tomorrow_valid: tomorrow,
  },
});

const temperature: FakeEntity = {
  entity_id: "sensor.living_room_temperature",
  state: "21.5",
  attributes: { unit_of_measurement: "°C", device_class: "temperature" },
};

const coreNordPool: FakeEntity = {
  entity_id: "sensor.nord_pool_se3_current_price",
  state: "0.52",
  attributes: { unit_of_measurement: "SEK/kWh", friendly_name: "Nord Pool SE3 Current price" },
};

/** nordpool.get_prices_for_date: today's 15-minute prices in SEK/MWh; tomorrow not yet published. */
function getPricesForDate(data: Readonly<Record<string, unknown>>): unknown {
  const date = Date.parse(`${String(data["date"])}T00:00:00Z`);
  if (date !== dayStart) throw new FakeServiceError("Nord Pool has no data for that date yet");
  return {
    SE3: Array.from({ length: 96 }, (_, quarter) => ({
      start: new Date(date + quarter * 900_000).toISOString().replace("Z", "+00:00"),
      end: new Date(date + (quarter + 1) * 900_000).toISOString().replace("Z", "+00:00"),
      price: 500 + quarter,
    })),
  };
}

const servers: FakeHomeAssistant[] = [];
const feeds: HomeAssistantPrices[] = [];

afterEach(async () => {
  for (const feed of feeds.splice(0)) feed.stop();
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

async function fakeHomeAssistant(overrides: Partial<FakeHomeAssistantOptions> = {}, port = 0) {
  const server = await FakeHomeAssistant.start(
    {
      token: TOKEN,
      entities: [nordPoolHacs(false), temperature, coreNordPool],
      registry: {
        [coreNordPool.entity_id]: {
          platform: "nordpool",
          config_entry_id: "01JNORDPOOLENTRY",
          unique_id: "SE3-current_price",
        },
      },
      services: { "nordpool.get_prices_for_date": getPricesForDate },
      ...overrides,
    },
    port,
  );
  servers.push(server);
  return server;
}

function startFeed(url: string, token: string, entityIds: readonly string[]) {
  const statuses: PriceStatus[] = [];
  const feed = new HomeAssistantPrices({
    entityIds,
    connect: (hooks) =>
      connectHomeAssistant({ kind: "url", url, token: new Secret(token) }, hooks, {
        backoff: { initialMs: 50, maxMs: 200 },
      }),
    onStatus: (status) => statuses.push(status),
  });
  feeds.push(feed);
  feed.start();
  return { feed, statuses };
}

const NORDPOOL_HACS = nordPoolHacs(false).entity_id;

describe("HomeAssistantPrices with a Home Assistant websocket server", () => {
  it("reads prices from attributes and follows tomorrow's prices when they are published", async () => {
    const server = await fakeHomeAssistant();
    const { feed } = startFeed(server.url, TOKEN, [NORDPOOL_HACS]);

    await vi.waitFor(() =>
      expect(feed.status(NORDPOOL_HACS)).toMatchObject({ state: "ok", knownUntilMs: dayStart + DAY_MS }),
    );
    expect(feed.lookup(NORDPOOL_HACS).priceAt(dayStart + 5 * HOUR_MS + 1)).toBeCloseTo(0.105, 9);
    expect(feed.lookup(NORDPOOL_HACS).priceAt(dayStart + DAY_MS)).toBeNaN();
    expect(server.received.find((message) => message["type"] === "subscribe_entities")).toMatchObject({
      entity_ids: [NORDPOOL_HACS],
    });

    const updated = nordPoolHacs(true);
    server.setState(updated.entity_id, updated.state, updated.attributes);
    await vi.waitFor(() => expect(feed.status(NORDPOOL_HACS).knownUntilMs).toBe(dayStart + 2 * DAY_MS));
    expect(feed.lookup(NORDPOOL_HACS).priceAt(dayStart + DAY_MS + 2 * HOUR_MS)).toBeCloseTo(0.202, 9);
  });

  it("reconnects and subscribes again after Home Assistant restarts", async () => {
    const server = await fakeHomeAssistant();
    const { feed, statuses } = startFeed(server.url, TOKEN, [NORDPOOL_HACS]);
    await vi.waitFor(() => expect(feed.status(NORDPOOL_HACS).state).toBe("ok"));

    await server.restart(300);
    await vi.waitFor(() => expect(server.connectionCount).toBe(1), { timeout: 10_000 });
    // Subscribed again and back to "ok" before tomorrow's prices appear, so that they arrive as a
    // change (not already in the first state after the reconnect) and the statuses are the same every run.
    await vi.waitFor(
      () => {
        const subscriptions = server.received.filter((message) => message["type"] === "subscribe_entities");
        expect(subscriptions).toHaveLength(2);
        expect(statuses.map((status) => status.state)).toEqual(["ok", "connecting", "ok"]);
      },
      { timeout: 10_000 },
    );
    const updated = nordPoolHacs(true);
    server.setState(updated.entity_id, updated.state, updated.attributes);

    await vi.waitFor(() => expect(feed.status(NORDPOOL_HACS).knownUntilMs).toBe(dayStart + 2 * DAY_MS), {
      timeout: 10_000,
    });
    expect(statuses.map((status) => status.state)).toEqual(["ok", "connecting", "ok", "ok"]);
    expect(statuses[1]?.knownUntilMs).toBe(dayStart + DAY_MS);
    // Once before the restart, once after: the restarted server kept no subscription.
    expect(server.received.filter((message) => message["type"] === "subscribe_entities")).toHaveLength(2);
  });

  it("keeps trying when Home Assistant is not up yet at start", async () => {
    const probe = await FakeHomeAssistant.start({ token: TOKEN });
    const port = probe.port;
    await probe.stop();
    const { feed } = startFeed(`http://127.0.0.1:${port}`, TOKEN, [NORDPOOL_HACS]);
    await vi.waitFor(() =>
      expect(feed.status(NORDPOOL_HACS)).toMatchObject({
        state: "connecting",
        reason: expect.stringMatching(
          /^cannot reach Home Assistant at ws:\/\/127\.0\.0\.1:\d+\/api\/websocket: .*retrying in \d+ s$/,
        ),
      }),
    );

    await fakeHomeAssistant({}, port);
    await vi.waitFor(() => expect(feed.status(NORDPOOL_HACS).state).toBe("ok"), { timeout: 10_000 });
  });

  it("reports a wrong token without retrying and without the token in the reason", async () => {
    const server = await fakeHomeAssistant();
    const wrong = "wrong-token-fedcba9876543210";
    const { feed, statuses } = startFeed(server.url, wrong, [NORDPOOL_HACS]);

    await vi.waitFor(() => expect(feed.status(NORDPOOL_HACS).state).toBe("unavailable"));
    const reason = feed.status(NORDPOOL_HACS).reason ?? "";
    expect(reason).toBe(
      `Home Assistant at ws://127.0.0.1:${server.port}/api/websocket refused the access token (auth_invalid: Invalid access token or password)`,
    );
    expect(JSON.stringify(statuses)).not.toContain(wrong);
    expect(server.received).toEqual([]);
  });

  it("calls the core Nord Pool action for an entity without a series, and names an unrecognised one", async () => {
    const server = await fakeHomeAssistant();
    const { feed } = startFeed(server.url, TOKEN, [
      coreNordPool.entity_id,
      temperature.entity_id,
      "sensor.missing",
    ]);

    await vi.waitFor(() =>
      expect(feed.status(coreNordPool.entity_id)).toMatchObject({
        state: "ok",
        knownUntilMs: dayStart + DAY_MS,
      }),
    );
    expect(feed.lookup(coreNordPool.entity_id).priceAt(dayStart + 15 * 60_000)).toBeCloseTo(0.501, 9);
    const calls = server.received.filter((message) => message["type"] === "call_service");
    expect(calls.map((call) => call["service_data"])).toEqual([
      {
        config_entry: "01JNORDPOOLENTRY",
        date: new Date(dayStart).toISOString().slice(0, 10),
        areas: ["SE3"],
      },
      {
        config_entry: "01JNORDPOOLENTRY",
        date: new Date(dayStart + DAY_MS).toISOString().slice(0, 10),
        areas: ["SE3"],
      },
    ]);
    expect(calls.every((call) => call["return_response"] === true)).toBe(true);

    expect(feed.status("sensor.missing")).toEqual({
      entityId: "sensor.missing",
      state: "unavailable",
      reason: "Home Assistant has no entity sensor.missing",
    });
    expect(feed.status(temperature.entity_id)).toEqual({
      entityId: temperature.entity_id,
      state: "unrecognised",
      reason: expect.stringContaining("no price series among its attributes"),
    });
    expect(feed.status(temperature.entity_id).reason).toContain("it has: device_class, unit_of_measurement");
    const registryLookups = () =>
      server.received.filter((message) => message["type"] === "config/entity_registry/get");
    expect(registryLookups().map((message) => message["entity_id"])).toEqual([
      coreNordPool.entity_id,
      temperature.entity_id,
    ]);
    // The registry is asked once per entity, not on every change: a new entity after a changed
    // temperature is the sync point (one socket, events handled in order).
    server.setState(temperature.entity_id, "22.0", temperature.attributes);
    server.setState("sensor.missing", "1", { unit_of_measurement: "x" });
    await vi.waitFor(() => expect(registryLookups()).toHaveLength(3));
    expect(registryLookups().map((message) => message["entity_id"])).toEqual([
      coreNordPool.entity_id,
      temperature.entity_id,
      "sensor.missing",
    ]);
  });
});
