/** The broker connection as the sink sees it, and how the sink's options become an MqttConnection. */
import type { Logger } from "../../logging/logger.js";
import { type ConnectionHandlers, MqttConnection, type OutgoingMessage } from "./mqtt-connection.js";
import type { ResolvedMqttSinkOptions } from "./options.js";
import { OFFLINE, type Topics } from "./topics.js";

/** The part of MqttConnection the sink uses; unit tests pass a fake. */
export interface SinkConnection {
  readonly connected: boolean;
  start(): void;
  publish(topic: string, payload: string, retain?: boolean): boolean;
  subscribe(topic: string): void;
  stop(finalMessages: readonly OutgoingMessage[]): Promise<void>;
}

export function connectToBroker(
  options: ResolvedMqttSinkOptions,
  topics: Topics,
  logger: Logger,
  handlers: ConnectionHandlers,
): SinkConnection {
  return new MqttConnection(
    {
      host: options.host,
      port: options.port,
      ...(options.tls ? { tls: options.tls } : {}),
      ...(options.username !== undefined ? { username: options.username } : {}),
      ...(options.password !== undefined ? { password: options.password } : {}),
      clientId: options.clientId,
      protocolVersion: options.protocolVersion,
      will: { topic: topics.bridgeStatus, payload: OFFLINE },
      backoff: { initialMs: options.reconnectInitialDelayMs, maxMs: options.reconnectMaxDelayMs },
    },
    logger,
    handlers,
  );
}
