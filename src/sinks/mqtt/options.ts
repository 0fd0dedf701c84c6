/**
 * What the MQTT sink needs, as a plain typed object (the config loader maps the add-on options onto
 * it). Secrets arrive wrapped: anything with reveal(), such as util/secret.ts's Secret, so that a
 * stray log of the options prints no password.
 */
import { DEFAULT_MAX_MS } from "../../util/backoff.js";
import { hostTimeZone } from "../../time/zoned.js";

export interface RevealableSecret {
  reveal(): string;
}

export interface MqttTlsOptions {
  /** PEM of the CA that signed the broker's certificate; the system store when absent. */
  readonly ca?: string;
  /** false accepts any certificate (self-signed brokers); default true. */
  readonly rejectUnauthorized?: boolean;
}

/** How a configured meter is shown in Home Assistant. */
export interface MeterLabel {
  /** The name given in `meters`; null for the single `meter` group (its device keeps the model's name). */
  readonly name: string | null;
  /** The Home Assistant area suggested for its device. */
  readonly area?: string;
}

export interface MqttSinkOptions {
  readonly host: string;
  readonly port: number;
  /** TLS (mqtts) when set. */
  readonly tls?: MqttTlsOptions;
  readonly username?: string;
  readonly password?: RevealableSecret;
  readonly clientId?: string;
  /** MQTT 3.1.1 (4) is what the Supervisor's broker service reports by default; 5 also works. */
  readonly protocolVersion?: 4 | 5;
  /** Home Assistant's discovery prefix; its birth topic is `<prefix>/status`. Default "homeassistant". */
  readonly discoveryPrefix?: string;
  /** Root of e450's own topics. Default "e450". */
  readonly baseTopic?: string;
  /**
   * The configured meters by id (the `meter` of their events): names and areas for their devices.
   * With more than one, every meter's entity ids carry its identity and its device carries its own
   * link diagnostics. Default: none, which is shown as one unnamed meter.
   */
  readonly meters?: ReadonlyMap<string, MeterLabel>;
  /** Where the list of announced discovery configs is kept, to remove stale ones later. */
  readonly dataDir: string;
  /** Our version, for `origin.sw_version` and the bridge device's sw_version. */
  readonly softwareVersion: string;
  /** For `origin.support_url`. */
  readonly supportUrl?: string;
  /** Minimum time between two states of a fast-changing value (power, voltage, …). Default 10 s. */
  readonly publishIntervalMs?: number;
  /** IANA zone of the meter's clock. Default: the host's (TZ in the add-on). */
  readonly timeZone?: string;
  /** Announced entities not seen again within this time after the first snapshot are removed. Default 15 min. */
  readonly staleAfterMs?: number;
  /** Upper bound of the random delay before answering Home Assistant's birth message. Default 3 s. */
  readonly birthReplyMaxDelayMs?: number;
  /** Reconnect backoff: first delay and cap. Defaults 1 s and 10 s (util/backoff.ts says why). */
  readonly reconnectInitialDelayMs?: number;
  readonly reconnectMaxDelayMs?: number;
}

export type ResolvedMqttSinkOptions = Required<
  Omit<MqttSinkOptions, "tls" | "username" | "password" | "supportUrl">
> &
  Pick<MqttSinkOptions, "tls" | "username" | "password" | "supportUrl">;

export function resolveMqttSinkOptions(options: MqttSinkOptions): ResolvedMqttSinkOptions {
  return {
    ...options,
    clientId: options.clientId ?? `e450-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
    protocolVersion: options.protocolVersion ?? 4,
    discoveryPrefix: options.discoveryPrefix ?? "homeassistant",
    baseTopic: options.baseTopic ?? "e450",
    meters: options.meters ?? new Map(),
    publishIntervalMs: options.publishIntervalMs ?? 10_000,
    timeZone: options.timeZone ?? hostTimeZone(),
    staleAfterMs: options.staleAfterMs ?? 15 * 60_000,
    birthReplyMaxDelayMs: options.birthReplyMaxDelayMs ?? 3_000,
    reconnectInitialDelayMs: options.reconnectInitialDelayMs ?? 1_000,
    reconnectMaxDelayMs: options.reconnectMaxDelayMs ?? DEFAULT_MAX_MS,
  };
}
