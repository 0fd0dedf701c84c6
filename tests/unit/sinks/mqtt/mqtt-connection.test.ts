/**
 * What MqttConnection says while the broker cannot be reached, on fake timers: a stand-in for
 * mqtt.js's client emits the events a real one does (error, then close, per failed attempt). The
 * same against a real, stopped Mosquitto is in tests/integration/mqtt/mqtt-sink.test.ts.
 */
import { EventEmitter } from "node:events";
import type { MqttClient } from "mqtt";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Logger } from "../../../../src/logging/logger.js";
import { MqttConnection, UNREACHABLE_REMINDER_MS } from "../../../../src/sinks/mqtt/mqtt-connection.js";
import { resolveMqttSinkOptions } from "../../../../src/sinks/mqtt/options.js";

const REFUSED = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1883"), { code: "ECONNREFUSED" });
const NOT_AUTHORIZED = Object.assign(new Error("Connection refused: Not authorized"), { code: 5 });

/** Each connect attempt takes the next outcome: an error to fail with, or "ok". */
class FakeClient extends EventEmitter {
  connected = false;
  attempts = 0;
  readonly outcomes: (Error | "ok")[] = [];
  fallback: Error | "ok" = REFUSED;

  attempt(): void {
    this.attempts += 1;
    const outcome = this.outcomes.shift() ?? this.fallback;
    if (outcome === "ok") {
      this.connected = true;
      this.emit("connect");
    } else {
      this.emit("error", outcome);
      this.emit("close");
    }
  }

  reconnect(): void {
    this.attempt();
  }

  drop(): void {
    this.connected = false;
    this.emit("close");
  }

  async endAsync(): Promise<void> {
    this.connected = false;
  }
}

let client: FakeClient;
let lines: string[];
let connection: MqttConnection;

beforeEach(() => {
  vi.useFakeTimers({ now: Date.UTC(2026, 11, 1, 8, 0, 0) });
  client = new FakeClient();
  lines = [];
  const logger: Logger = {
    debug() {},
    info: (message) => lines.push(`info: ${message}`),
    warn: (message) => lines.push(`warn: ${message}`),
    error: (message) => lines.push(`error: ${message}`),
  };
  connection = new MqttConnection(
    {
      host: "127.0.0.1",
      port: 1883,
      password: { reveal: () => "Sec/Ret7x" },
      username: "e450",
      clientId: "test",
      protocolVersion: 4,
      will: { topic: "e450/status", payload: "offline" },
      backoff: { initialMs: 1_000, maxMs: 10_000, random: () => 1 },
    },
    logger,
    { connected() {}, message() {} },
    () => client as unknown as MqttClient,
  );
});

afterEach(async () => {
  await connection.stop([]);
  vi.useRealTimers();
});

describe("MqttConnection while the broker is unreachable", () => {
  it("says so when it starts, then every few minutes with what was tried, until it connects", async () => {
    connection.start();
    client.attempt();
    expect(lines).toEqual([
      "warn: MQTT broker mqtt://127.0.0.1:1883 unreachable (connect ECONNREFUSED 127.0.0.1:1883); retrying",
    ]);

    await vi.advanceTimersByTimeAsync(UNREACHABLE_REMINDER_MS);
    // Retries every 1, 2, 4, 8, then 10 s: all quiet until the reminder.
    expect(client.attempts).toBe(33);
    expect(lines.slice(1)).toEqual([
      "warn: MQTT broker mqtt://127.0.0.1:1883 still unreachable after 33 attempts in 5 min " +
        "(last error: ECONNREFUSED); readings are not being published",
    ]);

    client.fallback = NOT_AUTHORIZED; // the broker is back but refuses the login
    await vi.advanceTimersByTimeAsync(10_000);
    expect(lines.slice(2)).toEqual([
      "warn: MQTT broker mqtt://127.0.0.1:1883: Connection refused: Not authorized",
    ]);
    await vi.advanceTimersByTimeAsync(UNREACHABLE_REMINDER_MS - 10_000);
    expect(lines.slice(3)).toEqual([
      "warn: MQTT broker mqtt://127.0.0.1:1883 still unreachable after 63 attempts in 10 min " +
        "(last error: Connection refused: Not authorized); readings are not being published",
    ]);

    client.outcomes.push("ok");
    await vi.advanceTimersByTimeAsync(10_000);
    expect(lines.slice(4)).toEqual([
      "info: MQTT connected to mqtt://127.0.0.1:1883 after 10 min unreachable",
    ]);
    await vi.advanceTimersByTimeAsync(3 * UNREACHABLE_REMINDER_MS);
    expect(lines).toHaveLength(5);
    expect(lines.join("\n")).not.toContain("Sec/Ret7x");
  });

  it("says a connection that was up was lost, and is quiet once it is back", async () => {
    client.outcomes.push("ok");
    connection.start();
    client.attempt();
    client.outcomes.push(REFUSED, "ok");
    client.drop();
    await vi.advanceTimersByTimeAsync(3_000);
    expect(lines).toEqual([
      "info: MQTT connected to mqtt://127.0.0.1:1883",
      "warn: MQTT connection to mqtt://127.0.0.1:1883 lost; reconnecting",
      // Why the first retry failed: news, unlike each further refusal.
      "warn: MQTT broker mqtt://127.0.0.1:1883: connect ECONNREFUSED 127.0.0.1:1883",
      "info: MQTT connected to mqtt://127.0.0.1:1883 after 3 s unreachable",
    ]);
  });

  it("retries within 10 s by default", () => {
    const resolved = resolveMqttSinkOptions({ host: "h", port: 1883, dataDir: "/d", softwareVersion: "0" });
    expect(resolved.reconnectMaxDelayMs).toBe(10_000);
  });
});
