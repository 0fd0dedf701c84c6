/**
 * RawOptions (config.yaml's names, already valid) → E450Options: pure and total, so every check
 * that can fail lives in validate.ts and rules.ts, and this step cannot refuse a valid document.
 */
import type { Tariff } from "../analytics/cost/types.js";
import { formatObis, parseObis } from "../obis/obis.js";
import { resolveLayoutName } from "./choices.js";
import type { HomeAssistantTarget } from "../homeassistant/target.js";
import type { AnalyticsOptions } from "../insights/settings.js";
import { meterIdOf } from "./meter-names.js";
import type {
  BaudRate,
  ConfiguredMeter,
  E450Options,
  MeterConnection,
  MeterOptions,
  MqttBroker,
  MqttTarget,
  OptionsSource,
  TlsSettings,
} from "./options.js";
import type { RawAnalyticsOptions, RawMeterOptions, RawMqttOptions, RawOptions } from "./raw-options.js";
import { Secret } from "../util/secret.js";
import { influxFromOptions } from "./influx-options.js";
import { tariffFromOptions } from "./tariff-from-options.js";
import { type HttpListen, resolveHttpServer } from "./http-server.js";

export interface ResolveContext {
  readonly source: OptionsSource;
  /** Absolute path of the data folder. */
  readonly dataDir: string;
  /** The broker from --mqtt, which replaces host, port, TLS and credentials of the mqtt group. */
  readonly mqttOverride?: MqttBroker;
  /** The zone of a tariff that names none: the host's (time/zoned.ts hostTimeZone). */
  readonly hostTimeZone: string;
  /** The tariff read from `tariff.file`, which replaces the other tariff options. */
  readonly tariffFromFile?: Tariff;
  /** The tariff file's tariffs to compare with; none without a file. */
  readonly tariffAlternatives?: Readonly<Record<string, Tariff>>;
  /** The Home Assistant token, from homeassistant.token or read from homeassistant.token_file. */
  readonly homeAssistantToken?: Secret<string>;
  /** Where `e450 run --http` listens. */
  readonly httpListen?: HttpListen;
  /** The web server's password read from http.password_file. */
  readonly httpPassword?: Secret<string>;
}

export function resolveOptions(raw: RawOptions, context: ResolveContext): E450Options {
  return {
    source: context.source,
    meters: resolveMeters(raw),
    mqtt: resolveMqtt(raw.mqtt, context),
    discoveryPrefix: raw.discovery_prefix,
    baseTopic: raw.base_topic,
    publishIntervalSeconds: raw.publish_interval,
    offlineAfterMissedPushes: raw.offline_after_missed_pushes,
    maxPowerW: Math.round(raw.max_power_kw * 1000),
    logLevel: raw.log_level,
    dataDir: context.dataDir,
    ...(raw.reset_integrity_guard === undefined ? {} : { resetIntegrityGuard: raw.reset_integrity_guard }),
    tariff: context.tariffFromFile ?? tariffFromOptions(raw.tariff, context.hostTimeZone),
    tariffAlternatives: context.tariffAlternatives ?? {},
    analytics: resolveAnalytics(raw.analytics),
    homeAssistant: resolveHomeAssistant(raw, context),
    http: resolveHttpServer(
      context.httpListen,
      context.source.kind === "addon",
      context.httpPassword ?? (raw.http.password === undefined ? undefined : new Secret(raw.http.password)),
    ),
    influxdb: influxFromOptions(raw.influxdb),
  };
}

/** The single `meter` group keeps the id it always had, so its state files stay where they are. */
const SINGLE_METER_ID = "meter";

function resolveMeters(raw: RawOptions): ConfiguredMeter[] {
  const scalerOverrides = new Map(
    raw.scaler_overrides.map(({ obis, scaler }) => [normalizeObis(obis), scaler]),
  );
  if (raw.meters.length === 0) {
    return [{ id: SINGLE_METER_ID, name: null, ...resolveMeter(raw.meter, scalerOverrides) }];
  }
  const ids = new Map(raw.meters.map((item) => [item.name, meterIdOf(item.name)]));
  return raw.meters.map((item) => ({
    id: ids.get(item.name) ?? meterIdOf(item.name),
    name: item.name,
    ...(item.area === undefined ? {} : { area: item.area }),
    ...(item.behind === undefined ? {} : { behind: ids.get(item.behind) ?? meterIdOf(item.behind) }),
    ...(item.system_title === undefined && item.serial_number === undefined
      ? {}
      : {
          sender: {
            ...(item.system_title === undefined ? {} : { systemTitle: item.system_title.toUpperCase() }),
            ...(item.serial_number === undefined ? {} : { serialNumber: item.serial_number }),
          },
        }),
    ...resolveMeter(item, scalerOverrides),
  }));
}

function resolveMeter(meter: RawMeterOptions, scalerOverrides: ReadonlyMap<string, number>): MeterOptions {
  return {
    connection: resolveConnection(meter),
    protocol: meter.protocol,
    // The schema admits only names and aliases, so the alias table always answers.
    layout: resolveLayoutName(meter.layout) ?? meter.layout,
    ...(meter.encryption_key === undefined ? {} : { encryptionKey: secretBytes(meter.encryption_key) }),
    ...(meter.authentication_key === undefined
      ? {}
      : { authenticationKey: secretBytes(meter.authentication_key) }),
    scalerOverrides,
  };
}

function resolveAnalytics(analytics: RawAnalyticsOptions): AnalyticsOptions {
  return {
    forecast: analytics.forecast,
    anomalies: analytics.anomalies,
    anomalySensitivity: analytics.anomaly_sensitivity,
    sampleRetentionDays: analytics.sample_retention_days,
  };
}

/** Like the broker: a URL set here wins; inside the add-on the Supervisor's proxy needs nothing. */
function resolveHomeAssistant(raw: RawOptions, context: ResolveContext): HomeAssistantTarget {
  const url = raw.homeassistant.url;
  const token =
    context.homeAssistantToken ??
    (raw.homeassistant.token === undefined ? undefined : new Secret(raw.homeassistant.token));
  // The rules guarantee a token with every URL; the check only satisfies the types.
  if (url !== undefined && token !== undefined) return { kind: "url", url: url.replace(/\/+$/, ""), token };
  return context.source.kind === "addon" ? { kind: "supervisor" } : { kind: "none" };
}

function resolveConnection(meter: RawMeterOptions): MeterConnection {
  // The schema's if/then rules guarantee the fields each kind needs; `?? ""` only satisfies the types.
  switch (meter.connection) {
    case "serial":
      return {
        kind: "serial",
        device: meter.serial_device ?? "",
        baudRate: meter.baud_rate === "auto" ? "auto" : (Number(meter.baud_rate) as BaudRate),
        serialFormat: meter.serial_format,
      };
    case "tcp":
      return { kind: "tcp", host: meter.tcp_host ?? "", port: meter.tcp_port ?? 0 };
    case "virtual":
      return { kind: "virtual" };
  }
}

function resolveMqtt(mqtt: RawMqttOptions, context: ResolveContext): MqttTarget {
  const tls: TlsSettings = {
    ...(mqtt.ca_file === undefined ? {} : { caFile: mqtt.ca_file }),
    insecure: mqtt.tls_insecure === true,
  };
  if (context.mqttOverride !== undefined) {
    const override = context.mqttOverride;
    return { kind: "broker", broker: { ...override, tls: override.tls === null ? null : tls } };
  }
  if (mqtt.host !== undefined) {
    const useTls = mqtt.tls === true;
    return {
      kind: "broker",
      broker: {
        host: mqtt.host,
        port: mqtt.port ?? (useTls ? 8883 : 1883),
        tls: useTls ? tls : null,
        ...(mqtt.username === undefined ? {} : { username: mqtt.username }),
        ...(mqtt.password === undefined ? {} : { password: new Secret(mqtt.password) }),
      },
    };
  }
  // An empty mqtt group means the Supervisor's broker (Zigbee2MQTT pattern); outside the add-on there
  // is no Supervisor, so the program prints readings instead of publishing them.
  return context.source.kind === "addon" ? { kind: "supervisor", tls } : { kind: "none" };
}

function secretBytes(hex: string): Secret<Uint8Array> {
  return new Secret(new Uint8Array(Buffer.from(hex, "hex")));
}

function normalizeObis(text: string): string {
  const code = parseObis(text);
  return code === null ? text : formatObis(code);
}
