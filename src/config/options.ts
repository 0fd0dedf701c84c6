/**
 * Validated options as the rest of the program reads them: camelCase, discriminated where a choice
 * decides which other settings exist, secrets wrapped so they cannot be printed by accident.
 */
import type { Tariff } from "../analytics/cost/types.js";
import type { HomeAssistantTarget } from "../homeassistant/target.js";
import type { AnalyticsOptions } from "../insights/settings.js";
import type { InfluxOptions } from "../sinks/influx/settings.js";
import type { LogLevel } from "../logging/logger.js";
import type { LayoutName, Protocol, SerialFormatChoice } from "./choices.js";
import type { Secret } from "../util/secret.js";

/** A fixed speed in baud, or "auto": try the speeds the chosen protocol is known to use. */
export type BaudRate = "auto" | number;

export type MeterConnection =
  | {
      readonly kind: "serial";
      /** A path such as /dev/serial/by-id/usb-FTDI_…; the add-on UI's serial picker offers these. */
      readonly device: string;
      readonly baudRate: BaudRate;
      readonly serialFormat: SerialFormatChoice;
    }
  /** A serial-to-TCP bridge (ser2net, ESPHome stream server); the bridge owns baud and format. */
  | { readonly kind: "tcp"; readonly host: string; readonly port: number }
  /** The built-in virtual E450, which produces byte-exact frames. */
  | { readonly kind: "virtual" };

export interface MeterOptions {
  readonly connection: MeterConnection;
  readonly protocol: Protocol;
  /** The decoder's layout name, an older alias already resolved (choices.ts). */
  readonly layout: LayoutName;
  /** AES-128 global unicast encryption key (16 bytes). */
  readonly encryptionKey?: Secret<Uint8Array>;
  /** Authentication key (16 bytes); only ever set together with encryptionKey. */
  readonly authenticationKey?: Secret<Uint8Array>;
  /** Scaler (power of ten) per register, keyed by the full OBIS code "1-0:31.7.0.255". */
  readonly scalerOverrides: ReadonlyMap<string, number>;
}

/** One meter the service reads: the connection's settings plus how Home Assistant should show it. */
export interface ConfiguredMeter extends MeterOptions {
  /**
   * Keys the meter's events and its state files: "meter" for the single `meter` group (as before
   * several meters existed, so an upgraded installation keeps its files), else from the name.
   */
  readonly id: string;
  /** The name given in `meters`; null for the single `meter` group (the device is named by its model). */
  readonly name: string | null;
  /** The Home Assistant area suggested for its device. */
  readonly area?: string;
  /** The id of the meter this one is behind (a sub-meter, whose energy is part of that meter's). */
  readonly behind?: string;
  /**
   * Which pushes are this meter's on a line several meters share: by the sender's system title
   * (upper-case hex; also picks this meter's keys) or its serial number.
   */
  readonly sender?: { readonly systemTitle?: string; readonly serialNumber?: string };
}

export interface TlsSettings {
  /** PEM file with the CA that signed the broker's certificate; the system CAs when absent. */
  readonly caFile?: string;
  /** Skip certificate verification (self-signed broker certificates). */
  readonly insecure: boolean;
}

export interface MqttBroker {
  readonly host: string;
  readonly port: number;
  /** null: plain TCP. */
  readonly tls: TlsSettings | null;
  readonly username?: string;
  readonly password?: Secret<string>;
  /** MQTT protocol level as the Supervisor reports it (3 = 3.1, 4 = 3.1.1, 5 = 5.0); absent: client default. */
  readonly protocolVersion?: 3 | 4 | 5;
}

export type MqttTarget =
  /** From --mqtt or the mqtt options. */
  | { readonly kind: "broker"; readonly broker: MqttBroker }
  /** Inside the add-on with an empty mqtt group: ask the Supervisor at start (supervisor.ts). */
  | { readonly kind: "supervisor"; readonly tls: TlsSettings }
  /** A plain program with no broker configured: print readings only. */
  | { readonly kind: "none" };

export type OptionsSource =
  | { readonly kind: "addon"; readonly file: string }
  | { readonly kind: "file"; readonly file: string }
  | { readonly kind: "embedded" };

/** The web panel and API (web/). */
export type HttpServerOptions =
  /** A plain program without --http. */
  | { readonly kind: "off" }
  /** Inside the add-on: on all interfaces at the ingress port, answering only the ingress proxy. */
  | { readonly kind: "ingress"; readonly port: number }
  /** `e450 run --http`; a password is required (load.ts) unless `host` is loopback. */
  | {
      readonly kind: "standalone";
      readonly host: string;
      readonly port: number;
      readonly password?: Secret<string>;
    };

export interface E450Options {
  readonly source: OptionsSource;
  /** At least one: the single `meter` group, or each item of `meters`. */
  readonly meters: readonly ConfiguredMeter[];
  readonly mqtt: MqttTarget;
  readonly discoveryPrefix: string;
  readonly baseTopic: string;
  /** Minimum seconds between two states of a fast-changing value (power, voltage, current). */
  readonly publishIntervalSeconds: number;
  /** The meter goes unavailable after this many push intervals without a valid frame. */
  readonly offlineAfterMissedPushes: number;
  /** Integrity guard: the most power the main fuse can deliver, in W. */
  readonly maxPowerW: number;
  readonly logLevel: LogLevel;
  /** Absolute path of the folder for persistent state (last good totals, history). */
  readonly dataDir: string;
  /**
   * A date (YYYY-MM-DD) asking to start the integrity guard afresh; acted on once per date
   * (service/guard-reset.ts).
   */
  readonly resetIntegrityGuard?: string;
  /**
   * The tariff for the cost entities; null: no cost entities. A dynamic price names its Home
   * Assistant entity (PriceEntity), resolved at run time.
   */
  readonly tariff: Tariff | null;
  /** Tariffs to compare with in the panel and `/api/costs?tariff=NAME`, by name (the tariff file's `alternatives`). */
  readonly tariffAlternatives: Readonly<Record<string, Tariff>>;
  readonly analytics: AnalyticsOptions;
  readonly homeAssistant: HomeAssistantTarget;
  readonly http: HttpServerOptions;
  /** The InfluxDB forwarder; null: off. */
  readonly influxdb: InfluxOptions | null;
}
