/**
 * The MQTT client's lifecycle (ARCHITECTURE §6, §8): the constructor assigns, start() connects,
 * stop() publishes the final messages and ends cleanly. mqtt.js retries at a fixed period only, so
 * its own reconnect is off (reconnectPeriod 0) and this class reconnects with capped exponential
 * backoff instead — after a broker restart, a network loss or a refused login alike. Nothing here is
 * ever fatal; failures are logged and retried.
 *
 * An outage is logged when it starts, then every few minutes with what was tried, until the broker
 * answers: one warning followed by silence reads, hours later, as if everything were published.
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
/** How often an outage is logged again while it lasts. */
export const UNREACHABLE_REMINDER_MS = 5 * 60_000;

/** Since when the broker is unreachable, how often it was tried, and the last error it gave. */
interface Outage {
  readonly since: number;
  attempts: number;
  lastError: string | undefined;
}

/** mqtt.js's connect, or a stand-in for tests. */
export type ClientFactory = (options: IClientOptions) => MqttClient;

/** A socket error's code (ECONNREFUSED) says it shortest; a CONNACK refusal has only its message. */
function shortError(error: Error & { code?: unknown }): string {
  return typeof error.code === "string" ? error.code : error.message;
}

function duration(ms: number): string {
  return ms < 120_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`;
}

export class MqttConnection {
  private client: MqttClient | undefined;
  private readonly backoff: Backoff;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private stopping = false;
  private lastError: string | undefined;
  /** An error that came before the close which starts an outage. */
  private pendingError: Error | undefined;
  /** The current outage: since when the broker is unreachable, and the last error it gave. */
  private outage: Outage | undefined;
  private reminder: ReturnType<typeof setInterval> | undefined;
  private wasConnected = false;

  constructor(
    private readonly options: ConnectionOptions,
    private readonly logger: Logger,
    private readonly handlers: ConnectionHandlers,
    private readonly createClient: ClientFactory = connect,
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
    this.wasConnected = false;
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
    const client = this.createClient(clientOptions);
    this.client = client;
    client.on("connect", () => {
      const outage = this.outage;
      this.backoff.reset();
      this.lastError = undefined;
      this.endOutage();
      this.wasConnected = true;
      const after = outage ? ` after ${duration(Date.now() - outage.since)} unreachable` : "";
      this.logger.info(`MQTT connected to ${this.brokerUrl}${after}`);
      this.handlers.connected();
    });
    client.on("message", (topic, payload) => this.handlers.message(topic, payload.toString("utf8")));
    // mqtt.js error messages name the broker address and the refusal reason, never the password.
    client.on("error", (error) => {
      const outage = this.outage;
      if (outage) {
        // Each attempt of an outage fails again; only a new kind of failure is news.
        if (shortError(error) !== outage.lastError) {
          this.logger.warn(`MQTT broker ${this.brokerUrl}: ${error.message}`);
        }
        outage.lastError = shortError(error);
      } else if (!client.connected) {
        this.pendingError = error; // the outage that the coming close starts says it
      } else if (error.message !== this.lastError) {
        this.logger.warn(`MQTT error: ${error.message}`);
        this.lastError = error.message;
      }
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
    this.endOutage();
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
    if (!this.outage) this.startOutage();
    const attempt = this.backoff.attempts;
    const delay = this.backoff.next();
    this.logger.debug(`MQTT reconnect attempt ${attempt + 1} in ${delay} ms`);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.stopping) return;
      if (this.outage) this.outage.attempts += 1;
      this.client?.reconnect();
    }, delay);
  }

  private startOutage(): void {
    const error = this.pendingError;
    this.pendingError = undefined;
    // A first connect that failed is an attempt; a connection that was up and fell is not.
    const attempts = this.wasConnected ? 0 : 1;
    this.outage = { since: Date.now(), attempts, lastError: error && shortError(error) };
    const why = error ? ` (${error.message})` : "";
    this.logger.warn(
      this.wasConnected
        ? `MQTT connection to ${this.brokerUrl} lost${why}; reconnecting`
        : `MQTT broker ${this.brokerUrl} unreachable${why}; retrying`,
    );
    this.reminder = setInterval(() => this.remind(), UNREACHABLE_REMINDER_MS);
    this.reminder.unref?.();
  }

  private remind(): void {
    const outage = this.outage;
    if (!outage) return;
    const { attempts } = outage;
    this.logger.warn(
      `MQTT broker ${this.brokerUrl} still unreachable after ${attempts} attempt${attempts === 1 ? "" : "s"} ` +
        `in ${duration(Date.now() - outage.since)} (last error: ${outage.lastError ?? "connection closed"}); ` +
        "readings are not being published",
    );
  }

  private endOutage(): void {
    clearInterval(this.reminder);
    this.reminder = undefined;
    this.outage = undefined;
    this.pendingError = undefined;
  }
}
