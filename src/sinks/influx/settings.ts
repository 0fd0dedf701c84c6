/**
 * The InfluxDB forwarder's options as the program reads them (config/resolve.ts makes them from the
 * `influxdb:` group). Which credentials exist follows from the version, so a v1 target cannot carry
 * a token by mistake nor a v2 target a database.
 */
import type { Secret } from "../../util/secret.js";
import type { Precision } from "./line-protocol.js";
import type { Measurement } from "./schema.js";

type InfluxTarget =
  /** InfluxDB 1.x, or 3.x through its v1 write endpoint: POST /write?db=…&rp=… */
  | {
      readonly version: 1;
      readonly database: string;
      readonly retentionPolicy?: string;
      readonly username?: string;
      readonly password?: Secret<string>;
      /** Send CREATE DATABASE (idempotent) before the first write. */
      readonly createDatabase: boolean;
    }
  /** InfluxDB 2.x, or 3.x through its v2 write endpoint: POST /api/v2/write?org=…&bucket=… */
  | { readonly version: 2; readonly org: string; readonly bucket: string; readonly token: Secret<string> };

export interface InfluxOptions {
  /** Base URL, e.g. http://a0d7b954-influxdb:8086; a path prefix (reverse proxy) is kept. */
  readonly url: string;
  readonly target: InfluxTarget;
  readonly tls: { readonly caFile?: string; readonly insecure: boolean };
  readonly gzip: boolean;
  readonly precision: Precision;
  /** What to write; every measurement when the option's list is empty. */
  readonly measurements: ReadonlySet<Measurement>;
  /** Least seconds between two written pushes of energy totals; 0: every push. */
  readonly totalsIntervalSeconds: number;
  /** Least seconds between two written pushes of power, voltage, current …; 0: every push. */
  readonly fastIntervalSeconds: number;
  /** Most lines in one write request. */
  readonly batchLines: number;
  /** Longest a queued point waits for a fuller batch, in ms. */
  readonly flushMs: number;
  /** The queue's cap on disk, in bytes of line protocol; the oldest points go first beyond it. */
  readonly maxQueueBytes: number;
  /** Points older than this are dropped from the queue, in ms. */
  readonly maxQueueAgeMs: number;
}
