import type { ConnectionHandlers, OutgoingMessage } from "../../../../src/sinks/mqtt/mqtt-connection.js";
import type { MqttSinkDependencies, SinkConnection } from "../../../../src/sinks/mqtt/mqtt-sink.js";
import type { Logger } from "../../../../src/logging/logger.js";
import type { MqttSinkOptions } from "../../../../src/sinks/mqtt/options.js";

/** What the sink published, and whether the broker would keep it. */
interface Published extends OutgoingMessage {
  readonly retain: boolean;
}

/** Records what the sink publishes; connects synchronously on start(). */
export class FakeConnection implements SinkConnection {
  connected = false;
  published: Published[] = [];
  subscriptions: string[] = [];
  finalMessages: readonly OutgoingMessage[] | undefined;
  handlers: ConnectionHandlers | undefined;

  start(): void {
    this.connected = true;
    this.handlers?.connected();
  }

  publish(topic: string, payload: string, retain = true): boolean {
    if (!this.connected) return false;
    this.published.push({ topic, payload, retain });
    return true;
  }

  subscribe(topic: string): void {
    this.subscriptions.push(topic);
  }

  async stop(finalMessages: readonly OutgoingMessage[]): Promise<void> {
    this.finalMessages = finalMessages;
    this.connected = false;
  }

  /** Messages to topics matching `pattern`, oldest first (topic and payload). */
  to(pattern: RegExp): OutgoingMessage[] {
    return this.published
      .filter((message) => pattern.test(message.topic))
      .map(({ topic, payload }) => ({ topic, payload }));
  }

  dependencies(): Pick<MqttSinkDependencies, "connect"> {
    return {
      connect: (_options, _topics, _logger, handlers) => {
        this.handlers = handlers;
        return this;
      },
    };
  }
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** The sink options the unit tests share: a fixed zone and rates, and nothing written to disk. */
export const SINK_OPTIONS: MqttSinkOptions = {
  host: "127.0.0.1",
  port: 1883,
  dataDir: "/nonexistent",
  softwareVersion: "0.1.0",
  timeZone: "Europe/Zurich",
  publishIntervalMs: 10_000,
  birthReplyMaxDelayMs: 3_000,
  staleAfterMs: 60_000,
};
