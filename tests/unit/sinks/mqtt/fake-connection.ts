import type { ConnectionHandlers, OutgoingMessage } from "../../../../src/sinks/mqtt/mqtt-connection.js";
import type { MqttSinkDependencies, SinkConnection } from "../../../../src/sinks/mqtt/mqtt-sink.js";
import type { Logger } from "../../../../src/logging/logger.js";

/** Records what the sink publishes; connects synchronously on start(). */
export class FakeConnection implements SinkConnection {
  connected = false;
  published: OutgoingMessage[] = [];
  subscriptions: string[] = [];
  finalMessages: readonly OutgoingMessage[] | undefined;
  handlers: ConnectionHandlers | undefined;

  start(): void {
    this.connected = true;
    this.handlers?.connected();
  }

  publish(topic: string, payload: string): boolean {
    if (!this.connected) return false;
    this.published.push({ topic, payload });
    return true;
  }

  subscribe(topic: string): void {
    this.subscriptions.push(topic);
  }

  async stop(finalMessages: readonly OutgoingMessage[]): Promise<void> {
    this.finalMessages = finalMessages;
    this.connected = false;
  }

  /** Messages to topics matching `pattern`, oldest first. */
  to(pattern: RegExp): OutgoingMessage[] {
    return this.published.filter((message) => pattern.test(message.topic));
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
