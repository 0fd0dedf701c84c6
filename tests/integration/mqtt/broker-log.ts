/** A plain MQTT client that records every message under `#`, for asserting what the sink published. */
import { connectAsync, type MqttClient } from "mqtt";
import { waitUntil } from "./mosquitto.js";

export interface Received {
  readonly topic: string;
  readonly payload: string;
  readonly retain: boolean;
}

export class BrokerLog {
  readonly messages: Received[] = [];

  private constructor(readonly client: MqttClient) {
    client.on("message", (topic, payload, packet) => {
      this.messages.push({ topic, payload: payload.toString("utf8"), retain: packet.retain });
    });
  }

  static async connect(url: string, filter = "#"): Promise<BrokerLog> {
    const client = await connectAsync(url, { reconnectPeriod: 200, clientId: `e450-test-${Math.random()}` });
    const log = new BrokerLog(client);
    await client.subscribeAsync(filter, { qos: 1 });
    return log;
  }

  on(topic: string): Received[] {
    return this.messages.filter((message) => message.topic === topic);
  }

  last(topic: string): Received | undefined {
    return this.on(topic).at(-1);
  }

  async waitFor(predicate: (messages: readonly Received[]) => boolean, what: string, timeoutMs = 5_000) {
    await waitUntil(() => predicate(this.messages), timeoutMs, what);
  }

  async waitForPayload(topic: string, payload: string, timeoutMs = 5_000) {
    await this.waitFor(
      (messages) => messages.some((m) => m.topic === topic && m.payload === payload),
      `${topic} = "${payload}"`,
      timeoutMs,
    );
  }

  /**
   * The retained messages under `prefix/+`, exactly: subscribe, then publish a marker under the same
   * filter; the broker queues the retained messages at subscription time, so they all arrive before it.
   */
  static async retainedUnder(url: string, prefix: string): Promise<Received[]> {
    const marker = `${prefix}/zz_marker_${Math.random().toString(16).slice(2)}`;
    const log = await BrokerLog.connect(url, `${prefix}/+`);
    try {
      await log.client.publishAsync(marker, "end", { qos: 1 });
      await log.waitFor((messages) => messages.some((m) => m.topic === marker), "the marker");
      return log.messages.slice(
        0,
        log.messages.findIndex((m) => m.topic === marker),
      );
    } finally {
      await log.close();
    }
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}
