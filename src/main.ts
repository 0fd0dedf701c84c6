/**
 * The composition root: validated options → the plugins that consume the meters' events → one
 * runtime per configured meter, all on one bus. Every part follows "the constructor assigns,
 * start() does I/O, stop() undoes start()"; stop() undoes them in reverse (ARCHITECTURE §6).
 */
import { mkdir } from "node:fs/promises";
import { EventBus } from "./bus/event-bus.js";
import type { MeterEvents } from "./bus/events.js";
import { type Plugin, startPlugins, stopPlugins } from "./bus/plugin.js";
import { describeBroker, resolveMqttBroker } from "./config/index.js";
import type { E450Options } from "./config/options.js";
import type { Tariff } from "./analytics/cost/types.js";
import type { Logger } from "./logging/logger.js";
import type { Snapshot } from "./model/snapshot.js";
import { analyticsPluginsFor, pricingFor } from "./service/analytics-plugin.js";
import { startHeartbeat } from "./service/heartbeat.js";
import { openHistory } from "./service/history.js";
import { MeterControls } from "./service/meter-controls.js";
import { applyGuardReset } from "./service/guard-reset.js";
import { startMeters } from "./service/meters.js";
import { mqttPluginFor } from "./service/mqtt-plugin.js";
import { SnapshotCallback } from "./service/snapshot-callback.js";
import type { HistoryStore } from "./store/history-store.js";

export interface Service {
  stop(): Promise<void>;
}

export interface ServiceHooks {
  /** Called with every snapshot the guard let through when no broker is configured. */
  readonly onSnapshot?: (snapshot: Snapshot) => void;
}

export async function startService(
  options: E450Options,
  logger: Logger,
  hooks: ServiceHooks = {},
): Promise<Service> {
  const stops: (() => Promise<void> | void)[] = [];
  const stop = async () => {
    for (const undo of stops.splice(0).reverse()) {
      try {
        await undo();
      } catch (error) {
        logger.warn(`while stopping: ${(error as Error).message}`);
      }
    }
  };
  try {
    await mkdir(options.dataDir, { recursive: true });
    const bus = new EventBus<MeterEvents>((event, error) =>
      logger.error(`a ${String(event)} listener failed: ${(error as Error).message}`),
    );

    const history = openHistory(options.dataDir, logger);
    if (history) stops.push(() => history.close());
    const pricing = pricingFor(options, logger);
    const meters = new MeterControls();
    const plugins = await pluginsFor(options, { history, tariff: pricing.tariff, meters }, logger, hooks);
    plugins.push(...analyticsPluginsFor(options, pricing, history, logger));
    const { running, failed } = await startPlugins(plugins, bus, logger);
    stops.push(() => stopPlugins(running, logger));
    if (plugins.length > 0 && running.length === 0) {
      throw new Error(`no output could start (${failed.map(({ plugin }) => plugin.name).join(", ")})`);
    }

    // Before any guard loads its file, so none sees a file that is moved aside; a failed reset stops here.
    applyGuardReset(options.dataDir, options.resetIntegrityGuard, logger);
    await startMeters(options, bus, logger, (started) => {
      stops.push(() => started.stop());
      meters.add(started.runtime);
    });

    if (options.source.kind === "addon") stops.push(await startHeartbeat(logger));
    return { stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The consumers of the meters' events, in start order. */
async function pluginsFor(
  options: E450Options,
  shared: {
    readonly history: HistoryStore | null;
    readonly tariff: Tariff | null;
    readonly meters: MeterControls;
  },
  logger: Logger,
  hooks: ServiceHooks,
): Promise<Plugin[]> {
  const plugins: Plugin[] = [];
  const broker = await resolveMqttBroker(options.mqtt);
  if (broker) {
    plugins.push(await mqttPluginFor(broker, options, logger));
    logger.info(`publishing to ${describeBroker(broker)} (discovery prefix ${options.discoveryPrefix})`);
  } else if (hooks.onSnapshot) {
    plugins.push(new SnapshotCallback(hooks.onSnapshot));
  }
  if (options.http.kind !== "off") {
    // Loaded only when asked for: the web framework's code costs memory a headless run never needs.
    const { webPluginFor } = await import("./service/web-plugin.js");
    const web = webPluginFor(options, shared.tariff, shared.history, shared.meters, logger);
    if (web) plugins.push(web);
  }
  if (options.influxdb) {
    // Loaded only when configured, like the web server.
    const { influxPluginFor } = await import("./service/influx-plugin.js");
    plugins.push(influxPluginFor(options.influxdb, options.dataDir, logger));
  }
  return plugins;
}
