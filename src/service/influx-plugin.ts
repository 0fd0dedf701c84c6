/** The InfluxDB forwarder, with its queue file in the data folder next to the history store. */
import { join } from "node:path";
import type { Logger } from "../logging/logger.js";
import { InfluxPlugin } from "../sinks/influx/influx-plugin.js";
import type { InfluxOptions } from "../sinks/influx/settings.js";

/** The queue's own file: its retention and size cap are the forwarder's, not the history's. */
const INFLUX_QUEUE_FILE = "influxdb-queue.sqlite";

export function influxPluginFor(options: InfluxOptions, dataDir: string, logger: Logger): InfluxPlugin {
  return new InfluxPlugin(options, join(dataDir, INFLUX_QUEUE_FILE), logger);
}
