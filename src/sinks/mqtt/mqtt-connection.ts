/**
 * The MQTT client's lifecycle (ARCHITECTURE §6, §8): the constructor assigns, start() connects,
 * stop() publishes the final messages and ends cleanly. mqtt.js retries at a fixed period only, so
 * its own reconnect is off (reconnectPeriod 0) and this class reconnects with capped exponential
 * backoff instead — after a broker restart, a network loss or a refused login alike. Nothing here is
 * ever fatal; failures are logged and retried.
 */
import { connect, type IClientOptions, type MqttClient } from "mqtt";
import { Backoff, type BackoffOptions } from "../../util/backoff.js";
import type { Logger } from "../../logging/logger.js";
import type { MqttTlsOptions, RevealableSecret } from "./options.js";

export interface ConnectionOptions {
  readonly host: string;
  readonly port: number;
  readonly tls?: MqttTlsOptions;
  readonly username?: string;
  readonly password?: RevealableSecret;
  readonly clientId: string;
  readonly protocolVersion: 4 | 5;
  /** Retained at QoS 1; the broker publishes it when this client vanishes without a DISCONNECT. */
  readonly will: { readonly topic: string; readonly payload: string };
  readonly backoff: BackoffOptions;
}

export interface ConnectionHandlers {
  /** Called after every successful (re)connect: subscriptions and retained state must be redone. */
  connected(): void;
  message(topic: string, payload: string): void;
}

export interface OutgoingMessage {
  readonly topic: string;
  readonly payload: string;
}

const CONNECT_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 3_000;

export class MqttConnection {
  private client: MqttClient | undefined;
  private readonly backoff: Backoff;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private stopping = false;
  private lastError: string | undefined;

  constructor(
    private readonly options: ConnectionOptions,
    private readonly logger: Logger,
    private readonly handlers: ConnectionHandlers,
  ) {
    this.backoff = new Backoff(options.backoff);
  }

  get connected(): boolean {
    return this.client?.connected === true;
  }

  /** For logs: never includes credentials. */
  get brokerUrl(): string {
    return `${this.options.tls ? "mqtts" : "mqtt"}://${this.options.host}:${this.options.port}`;
  }

  start(): void {
    if (this.client) return;
    this.stopping = false;
    const { options } = this;
    const clientOptions: IClientOptions = {
      host: options.host,
      port: options.port,
      protocol: options.tls ? "mqtts" : "mqtt",
      protocolVersion: options.protocolVersion,
      clientId: options.clientId,
      clean: true,
      reconnectPeriod: 0,
      resubscribe: false,
      connectTimeout: CONNECT_TIMEOUT_MS,
      will: { topic: options.will.topic, payload: Buffer.from(options.will.payload), qos: 1, retain: true },
      ...(options.username !== undefined ? { username: options.username } : {}),
      ...(options.password !== undefined ? { password: options.password.reveal() } : {}),
      ...(options.tls?.ca !== undefined ? { ca: options.tls.ca } : {}),
      ...(options.tls ? { rejectUnauthorized: options.tls.rejectUnauthorized ?? true } : {}),
    };
    const client = connect(clientOptions);
    this.client = client;
    client.on("connect", () => {
      this.backoff.reset();
      this.lastError = undefined;
      this.logger.info(`MQTT connected to ${this.brokerUrl}`);
      this.handlers.connected();
    });
    client.on("message", (topic, payload) => this.handlers.message(topic, payload.toString("utf8")));
    client.on("error", (error) => {
      // mqtt.js error messages name the broker address and the refusal reason, never the password.
      if (error.message !== this.lastError) this.logger.warn(`MQTT error: ${error.message}`);
      this.lastError = error.message;
    });
    client.on("close", () => this.scheduleReconnect());
  }

  /** QoS 1; false when not connected (the caller republishes everything on the next connect). */
  publish(topic: string, payload: string, retain = true): boolean {
    const client = this.client;
    if (!client?.connected) return false;
    client.publish(topic, payload, { qos: 1, retain }, (error) => {
      if (error) this.logger.debug(`MQTT publish to ${topic} failed: ${error.message}`);
    });
    return true;
  }

  subscribe(topic: string): void {
    this.client?.subscribe(topic, { qos: 1 }, (error) => {
      if (error) this.logger.warn(`MQTT subscribe to ${topic} failed: ${error.message}`);
    });
  }

  /** Sends `finalMessages` (retained) when connected, then disconnects; bounded in time. */
  async stop(finalMessages: readonly OutgoingMessage[]): Promise<void> {
    this.stopping = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    const graceful = async () => {
      if (client.connected) {
        await Promise.all(
          finalMessages.map((message) =>
            client.publishAsync(message.topic, message.payload, { qos: 1, retain: true }),
          ),
        );
        await client.endAsync(false);
      } else {
        await client.endAsync(true);
      }
    };
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), STOP_TIMEOUT_MS);
    });
    try {
      const outcome = await Promise.race([graceful().then(() => "done" as const), timeout]);
      if (outcome === "timeout") {
        this.logger.warn("MQTT did not disconnect in time; closing the connection");
        await client.endAsync(true);
      }
    } catch (error) {
      this.logger.warn(`MQTT stop: ${(error as Error).message}`);
      await client.endAsync(true).catch(() => undefined);
    } finally {
      clearTimeout(timer);
    }
  }

  private scheduleReconnect(): void {
    if (this.stopping || this.reconnectTimer || !this.client) return;
    const attempt = this.backoff.attempts;
    const delay = this.backoff.next();
    if (attempt === 0) {
      this.logger.warn(`MQTT connection to ${this.brokerUrl} closed; reconnecting with backoff`);
    }
    this.logger.debug(`MQTT reconnect attempt ${attempt + 1} in ${delay} ms`);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (!this.stopping) this.client?.reconnect();
    }, delay);
  }
}
