/** HomeAssistantPrices driven through an in-memory connection, with fake timers for the refresh rules. */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { HomeAssistantRefused } from "../../../src/homeassistant/connection.js";
import {
  HomeAssistantPrices,
  type PriceConnection,
  type PriceStatus,
} from "../../../src/homeassistant/price-feed.js";

const NOW = Date.parse("2025-10-01T10:00:00Z");
const MINUTE = 60_000;
const TIBBER = "sensor.electricity_price_home";

type Message = { type: string } & Record<string, unknown>;

class FakeConnection implements PriceConnection {
  readonly sent: Message[] = [];
  closed = false;
  private subscriber: ((event: unknown) => void) | undefined;
  private readonly listeners = new Map<string, (() => void)[]>();

  constructor(private readonly answer: (message: Message) => unknown) {}

  subscribeMessage<Event>(callback: (event: Event) => void, message: { type: string }): Promise<unknown> {
    this.sent.push(message as Message);
    this.subscriber = callback as (event: unknown) => void;
    return Promise.resolve(() => Promise.resolve());
  }

  sendMessagePromise<Result>(message: { type: string }): Promise<Result> {
    this.sent.push(message as Message);
    try {
      return Promise.resolve(this.answer(message as Message) as Result);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  addEventListener(event: string, callback: () => void): void {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), callback]);
  }

  close(): void {
    this.closed = true;
  }

  push(event: unknown): void {
    this.subscriber?.(event);
  }

  fire(event: string): void {
    for (const callback of this.listeners.get(event) ?? []) callback();
  }

  calls(): Message[] {
    return this.sent.filter((message) => message.type === "call_service");
  }
}

/** tibber.get_prices answering with hourly prices for the 24 hours from the requested start's day. */
function tibberAnswer(message: Message): unknown {
  if (message.type === "config/entity_registry/get")
    return { platform: "tibber", config_entry_id: "E", unique_id: "u" };
  const day = Date.parse("2025-10-01T00:00:00Z");
  return {
    context: { id: "c" },
    response: {
      prices: {
        Home: Array.from({ length: 24 }, (_, hour) => ({
          start_time: new Date(day + hour * 60 * MINUTE).toISOString(),
          price: 0.5 + hour / 100,
        })),
      },
    },
  };
}

const tibberState = {
  s: "0.6",
  a: { unit_of_measurement: "NOK/kWh", app_nickname: "Home", max_price: 0.73 },
};

let statuses: PriceStatus[];
let feed: HomeAssistantPrices | undefined;

beforeEach(() => {
  vi.useFakeTimers({ now: NOW });
  statuses = [];
});

afterEach(() => {
  feed?.stop();
  vi.useRealTimers();
});

function started(connect: () => Promise<PriceConnection>, entityIds = [TIBBER]) {
  feed = new HomeAssistantPrices({ entityIds, connect, onStatus: (status) => statuses.push(status) });
  feed.start();
  return feed;
}

describe("HomeAssistantPrices", () => {
  it("reads Tibber through tibber.get_prices, again every hour and on a change at most every 15 minutes", async () => {
    const connection = new FakeConnection(tibberAnswer);
    const prices = started(() => Promise.resolve(connection));
    await vi.advanceTimersByTimeAsync(0);
    connection.push({ a: { [TIBBER]: tibberState } });
    await vi.advanceTimersByTimeAsync(0);

    expect(prices.status(TIBBER)).toEqual({
      entityId: TIBBER,
      state: "ok",
      knownUntilMs: Date.parse("2025-10-02T00:00:00Z"),
    });
    expect(prices.lookup(TIBBER).priceAt(NOW)).toBeCloseTo(0.6, 12);
    expect(connection.calls()).toHaveLength(1);

    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    connection.push({ c: { [TIBBER]: { "+": { s: "0.61" } } } });
    await vi.advanceTimersByTimeAsync(6 * MINUTE);
    expect(connection.calls()).toHaveLength(1);
    connection.push({ c: { [TIBBER]: { "+": { s: "0.62" } } } });
    await vi.advanceTimersByTimeAsync(0);
    expect(connection.calls()).toHaveLength(2);

    await vi.advanceTimersByTimeAsync(44 * MINUTE);
    expect(connection.calls()).toHaveLength(3);
  });

  it("keeps what it knows while reconnecting and re-reads the entities after", async () => {
    const connection = new FakeConnection(tibberAnswer);
    const prices = started(() => Promise.resolve(connection));
    await vi.advanceTimersByTimeAsync(0);
    connection.push({ a: { [TIBBER]: tibberState } });
    await vi.advanceTimersByTimeAsync(0);

    connection.fire("disconnected");
    expect(prices.status(TIBBER)).toMatchObject({
      state: "connecting",
      knownUntilMs: Date.parse("2025-10-02T00:00:00Z"),
    });
    expect(prices.lookup(TIBBER).priceAt(NOW)).toBeCloseTo(0.6, 12);

    connection.fire("ready");
    connection.push({ a: { [TIBBER]: tibberState } });
    await vi.advanceTimersByTimeAsync(0);
    expect(prices.status(TIBBER).state).toBe("ok");
  });

  it("reports a failed call for now with Home Assistant's message", async () => {
    const connection = new FakeConnection((message) => {
      if (message.type === "config/entity_registry/get") return { platform: "tibber", unique_id: "u" };
      throw { code: "home_assistant_error", message: "Tibber API unavailable" };
    });
    const prices = started(() => Promise.resolve(connection));
    await vi.advanceTimersByTimeAsync(0);
    connection.push({ a: { [TIBBER]: tibberState } });
    await vi.advanceTimersByTimeAsync(0);
    expect(prices.status(TIBBER)).toEqual({
      entityId: TIBBER,
      state: "unavailable",
      reason: `tibber.get_prices failed for ${TIBBER}: Tibber API unavailable (home_assistant_error)`,
    });
  });

  it("marks an entity that Home Assistant reports unavailable", async () => {
    const connection = new FakeConnection(() => undefined);
    const prices = started(() => Promise.resolve(connection));
    await vi.advanceTimersByTimeAsync(0);
    connection.push({ a: { [TIBBER]: { s: "unavailable", a: { friendly_name: "Price" } } } });
    expect(prices.status(TIBBER)).toEqual({
      entityId: TIBBER,
      state: "unavailable",
      reason: "the entity is unavailable in Home Assistant",
    });
  });

  it("passes on a refusal and reports retries while connecting", async () => {
    const prices = started(() =>
      Promise.reject(new HomeAssistantRefused("no Home Assistant connection is configured")),
    );
    expect(statuses).toEqual([]);
    expect(prices.status(TIBBER).state).toBe("connecting");
    await vi.advanceTimersByTimeAsync(0);
    expect(statuses).toEqual([
      { entityId: TIBBER, state: "unavailable", reason: "no Home Assistant connection is configured" },
    ]);
  });

  it("closes a connection that opens after stop()", async () => {
    const connection = new FakeConnection(() => undefined);
    let open: (value: PriceConnection) => void = () => {};
    const prices = started(() => new Promise((resolve) => (open = resolve)));
    prices.stop();
    open(connection);
    await vi.advanceTimersByTimeAsync(0);
    expect(connection.closed).toBe(true);
    expect(connection.sent).toEqual([]);
  });

  it("refuses to look up an entity it was not given", () => {
    const prices = new HomeAssistantPrices({ entityIds: [TIBBER], connect: () => new Promise(() => {}) });
    expect(() => prices.lookup("sensor.other")).toThrow(
      "sensor.other is not one of the configured price entities",
    );
  });
});
