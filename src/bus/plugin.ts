/**
 * Every consumer of the meters' events (MQTT, the console printer, and next the history store, the
 * web server and the InfluxDB forwarder) is a plugin with one lifecycle: the constructor assigns,
 * `start(bus)` subscribes and does I/O, `stop()` undoes `start` (ARCHITECTURE §6).
 */
import type { Logger } from "../logging/logger.js";
import type { MeterBus } from "./events.js";

export interface Plugin {
  /** For log lines: "mqtt", "console". */
  readonly name: string;
  start(bus: MeterBus): Promise<void> | void;
  stop(): Promise<void> | void;
}

export interface StartedPlugins {
  readonly running: readonly Plugin[];
  readonly failed: readonly { readonly plugin: Plugin; readonly error: Error }[];
}

/**
 * Starts each plugin in turn. One that fails is logged and left out; the others run on (a broken
 * InfluxDB option must not take MQTT down). Whether the service may run without the failed ones is
 * the caller's decision.
 */
export async function startPlugins(
  plugins: readonly Plugin[],
  bus: MeterBus,
  logger: Logger,
): Promise<StartedPlugins> {
  const running: Plugin[] = [];
  const failed: { plugin: Plugin; error: Error }[] = [];
  for (const plugin of plugins) {
    try {
      await plugin.start(bus);
      running.push(plugin);
    } catch (error) {
      const reason = error instanceof Error ? error : new Error(String(error));
      logger.error(`the ${plugin.name} plugin failed to start: ${reason.message}`);
      failed.push({ plugin, error: reason });
    }
  }
  return { running, failed };
}

/** Stops plugins in reverse start order; a failing stop is logged and the rest still stop. */
export async function stopPlugins(plugins: readonly Plugin[], logger: Logger): Promise<void> {
  for (const plugin of [...plugins].reverse()) {
    try {
      await plugin.stop();
    } catch (error) {
      logger.warn(`while stopping the ${plugin.name} plugin: ${(error as Error).message}`);
    }
  }
}
