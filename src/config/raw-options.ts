/**
 * The options exactly as config.yaml names them, after validation against OPTIONS_SCHEMA with its
 * defaults applied. Only validate.ts produces this type; the rest of the program reads E450Options.
 */
import type { BaudRateChoice, ConnectionKind, Layout, Protocol, SerialFormatChoice } from "./choices.js";
import type { LogLevel } from "../logging/logger.js";

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

export interface RawOptions {
  meter: RawMeterOptions;
  scaler_overrides: RawScalerOverride[];
  mqtt: RawMqttOptions;
  discovery_prefix: string;
  base_topic: string;
  publish_interval: number;
  offline_after_missed_pushes: number;
  max_power_kw: number;
  log_level: LogLevel;
  reset_integrity_guard?: string;
}
