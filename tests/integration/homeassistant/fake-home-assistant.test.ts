/**
 * The fake server against home-assistant-js-websocket's own commands, so the messages it speaks are
 * the ones the library (and so the price feed) relies on.
 */
import {
  callService,
  type Connection,
  getConfig,
  getStates,
  type HassEntities,
  subscribeEntities,
} from "home-assistant-js-websocket";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Secret } from "../../../src/util/secret.js";
import { connectHomeAssistant } from "../../../src/homeassistant/connection.js";
import { FakeHomeAssistant } from "../../helpers/fake-home-assistant.js";

const TOKEN = "fake-token";
let server: FakeHomeAssistant | undefined;
let connection: Connection | undefined;

afterEach(async () => {
  connection?.close();
  await server?.stop();
});

async function connected(): Promise<Connection> {
  server = await FakeHomeAssistant.start({
    token: TOKEN,
    entities: [
      { entity_id: "sensor.price", state: "0.25", attributes: { unit_of_measurement: "EUR/kWh", a: 1 } },
    ],
    services: { "tibber.get_prices": () => ({ prices: {} }) },
  });
  const hooks = { signal: new AbortController().signal, onRetry: () => {} };
  connection = await connectHomeAssistant({ kind: "url", url: server.url, token: new Secret(TOKEN) }, hooks);
  return connection;
}

describe("FakeHomeAssistant", () => {
  it("answers get_states, get_config, ping and call_service as the library expects", async () => {
    const conn = await connected();
    expect(conn.haVersion).toBe("2025.10.1");
    expect(await getStates(conn)).toMatchObject([{ entity_id: "sensor.price", state: "0.25" }]);
    expect(await getConfig(conn)).toMatchObject({ time_zone: "Europe/Zurich" });
    await conn.ping();
    expect(await callService(conn, "tibber", "get_prices", {}, undefined, true)).toMatchObject({
      response: { prices: {} },
    });
    await expect(callService(conn, "tibber", "get_prices", {})).rejects.toMatchObject({
      code: "service_validation_error",
    });
    await expect(callService(conn, "tibber", "nothing", {}, undefined, true)).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(conn.sendMessagePromise({ type: "no_such_command" })).rejects.toMatchObject({
      code: "unknown_command",
    });
    expect(server?.received[0]).toEqual({
      type: "supported_features",
      id: 1,
      features: { coalesce_messages: 1 },
    });
  });

  it("streams compressed entity changes that the library's subscribeEntities reassembles", async () => {
    const conn = await connected();
    let entities: HassEntities = {};
    subscribeEntities(conn, (next) => {
      entities = next;
    });
    await vi.waitFor(() =>
      expect(entities["sensor.price"]?.attributes).toEqual({ unit_of_measurement: "EUR/kWh", a: 1 }),
    );

    server?.setState("sensor.price", "0.30", { unit_of_measurement: "EUR/kWh", b: 2 });
    await vi.waitFor(() =>
      expect(entities["sensor.price"]).toMatchObject({ state: "0.30", attributes: { b: 2 } }),
    );
    expect(entities["sensor.price"]?.attributes).not.toHaveProperty("a");

    server?.removeEntity("sensor.price");
    await vi.waitFor(() => expect(entities).toEqual({}));
  });

  it("sends state_changed events to subscribe_events and stops after unsubscribe_events", async () => {
    const conn = await connected();
    const seen: unknown[] = [];
    const unsubscribe = await conn.subscribeEvents((event) => seen.push(event), "state_changed");
    server?.setState("sensor.price", "0.31", {});
    await vi.waitFor(() =>
      expect(seen).toMatchObject([
        {
          event_type: "state_changed",
          data: { entity_id: "sensor.price", old_state: { state: "0.25" }, new_state: { state: "0.31" } },
        },
      ]),
    );
    await unsubscribe();
    server?.setState("sensor.price", "0.32", {});
    await conn.ping();
    expect(seen).toHaveLength(1);
  });
});
