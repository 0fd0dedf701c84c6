/**
 * The options exactly as config.yaml names them, after validation against OPTIONS_SCHEMA with its
 * defaults applied. Only validate.ts produces this type; the rest of the program reads E450Options.
 */
import type { RawInfluxOptions } from "./influx-options.js";
import type { LogLevel } from "../logging/logger.js";
import type { BaudRateChoice, ConnectionKind, Layout, Protocol, SerialFormatChoice } from "./choices.js";
import type { AnomalySensitivity } from "../insights/settings.js";
import type { CAPACITY_KINDS } from "./tariff-schema.js";

export interface RawMeterOptions {
  connection: ConnectionKind;
  serial_device?: string;
  tcp_host?: string;
  tcp_port?: number;
  protocol: Protocol;
  baud_rate: BaudRateChoice;
  serial_format: SerialFormatChoice;
  layout: Layout;
  encryption_key?: string;
  authentication_key?: string;
}

interface RawMeterItem extends RawMeterOptions {
  name: string;
  area?: string;
  behind?: string;
  system_title?: string;
  serial_number?: string;
}

export interface RawMqttOptions {
  host?: string;
  port?: number;
  username?: string;
  password?: string;
  tls?: boolean;
  ca_file?: string;
  tls_insecure?: boolean;
}

interface RawScalerOverride {
  obis: string;
  scaler: number;
}

export interface RawTimeOfUseRate {
  name: string;
  price: number;
  weekdays?: string;
  hours: string;
  months?: string;
}

export interface RawCapacityOptions {
  kind?: (typeof CAPACITY_KINDS)[number];
  price_per_kw_month?: number;
  minimum_kw?: number;
  steps: { up_to_kw: number; price_per_month: number }[];
}

export interface RawTariffOptions {
  currency?: string;
  import_price?: number;
  time_of_use: RawTimeOfUseRate[];
  export_price?: number;
  standing_charge_per_month?: number;
  standing_charge_per_day?: number;
  levies_per_kwh?: number;
  vat_percent?: number;
  capacity: RawCapacityOptions;
  dynamic_price_entity?: string;
  dynamic_markup?: number;
  change_date?: string;
  new_import_price?: number;
  time_zone?: string;
  file?: string;
}

export interface RawAnalyticsOptions {
  forecast: boolean;
  anomalies: boolean;
  anomaly_sensitivity: AnomalySensitivity;
  sample_retention_days: number;
}

interface RawHomeAssistantOptions {
  url?: string;
  token?: string;
  token_file?: string;
}

interface RawHttpOptions {
  password?: string;
  password_file?: string;
}

export interface RawOptions {
  meter: RawMeterOptions;
  meters: RawMeterItem[];
  scaler_overrides: RawScalerOverride[];
  mqtt: RawMqttOptions;
  discovery_prefix: string;
  base_topic: string;
  publish_interval: number;
  offline_after_missed_pushes: number;
  max_power_kw: number;
  log_level: LogLevel;
  reset_integrity_guard?: string;
  tariff: RawTariffOptions;
  analytics: RawAnalyticsOptions;
  homeassistant: RawHomeAssistantOptions;
  http: RawHttpOptions;
  influxdb: RawInfluxOptions;
}
