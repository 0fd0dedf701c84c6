/**
 * The composition root: validated options → transport → pipeline → sinks. Every part follows
 * "the constructor assigns, start() does I/O, stop() undoes start()"; stop() undoes them in reverse.
 */
import { mkdir, readFile, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describeBroker, resolveMqttBroker } from "./config/index.js";
import type { E450Options, MqttBroker } from "./config/options.js";
import { ModeCSession } from "./iec62056/mode-c-session.js";
import type { Logger } from "./logging/logger.js";
import { EventBus } from "./meter/bus.js";
import { DECODER_LAYOUT, DECODER_PROTOCOL, transportFor } from "./meter/connection.js";
import { IntegrityGuard } from "./meter/integrity-guard.js";
import { IssueLog } from "./meter/issue-log.js";
import { JsonFileTotalsStore } from "./meter/json-file-totals-store.js";
import { MeterPipeline, type PipelineEvents } from "./meter/pipeline.js";
import { StreamDecoder } from "./reader/stream-decoder.js";
import { MqttSink } from "./sinks/mqtt/index.js";
import { type RunningSimulator, SIMULATOR_DEFAULT_KEYS, startSimulator } from "./simulator/index.js";
import { loadCounters, saveCounters } from "./simulator/saved-counters.js";
import type { Snapshot } from "./model/snapshot.js";
import { VERSION } from "./version.js";

export interface Service {
  stop(): Promise<void>;
}

export interface ServiceHooks {
  /** Called with every snapshot the guard let through when no broker is configured. */
  readonly onSnapshot?: (snapshot: Snapshot) => void;
}

const DIAGNOSTICS_EVERY_MS = 10_000;
/** IEC 62056-21 readouts are polled, not pushed; a minute is what meters and optical heads tolerate. */
const READOUT_POLL_MS = 60_000;
/** rootfs/usr/bin/e450-healthcheck requires a touch within 180 s when this file exists. */
const HEARTBEAT_FILE = "/run/e450/heartbeat";
const HEARTBEAT_EVERY_MS = 60_000;
/** How often the virtual meter's counters are saved, so even a killed run resumes close to where it was. */
const VIRTUAL_METER_SAVE_EVERY_MS = 30_000;
/** The virtual meter keeps Central European time (simulator/local-time.ts), whatever the host's zone. */
const VIRTUAL_METER_TIME_ZONE = "Europe/Zurich";

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
    const { meter } = options;
    const encryptionKey = meter.encryptionKey?.reveal();
    const authenticationKey = meter.authenticationKey?.reveal();

    let simulator: RunningSimulator | null = null;
    let layout = DECODER_LAYOUT[meter.layout];
    if (meter.connection.kind === "virtual") {
      // Unencrypted Swiss pushes without a key; with one, the Austrian encrypted push under that key.
      const format = encryptionKey ? "steiermark" : "swiss";
      const countersFile = join(options.dataDir, "virtual-meter.json");
      const resumeFrom = await loadCounters(countersFile);
      simulator = await startSimulator({
        ...(resumeFrom ? { resumeFrom } : {}),
        format,
        ...(encryptionKey
          ? {
              keys: {
                encryptionKey,
                authenticationKey: authenticationKey ?? SIMULATOR_DEFAULT_KEYS.authenticationKey,
              },
            }
          : {}),
        photovoltaicPeakWatts: 5_000,
      });
      const running = simulator;
      const save = () => saveCounters(countersFile, running.counters());
      const saver = setInterval(save, VIRTUAL_METER_SAVE_EVERY_MS);
      stops.push(async () => {
        clearInterval(saver);
        save();
        await running.stop();
      });
      layout = "auto";
      logger.info(`virtual E450 (${format} push) serving on 127.0.0.1:${simulator.port}`);
    }

    const decoder = new StreamDecoder({
      protocol: DECODER_PROTOCOL[meter.protocol],
      layout,
      scalerOverrides: meter.scalerOverrides,
      ...(encryptionKey ? { encryptionKey } : {}),
      ...(authenticationKey ? { authenticationKey } : {}),
    });
    const guard = new IntegrityGuard(
      { maxPowerKw: options.maxPowerW / 1000 },
      new JsonFileTotalsStore(join(options.dataDir, "integrity-guard.json")),
      logger,
    );
    const bus = new EventBus<PipelineEvents>((event, error) =>
      logger.error(`a ${String(event)} listener failed: ${(error as Error).message}`),
    );
    const issues = new IssueLog(logger);
    bus.on("issue", (issue) => issues.report(issue, Date.now()));
    bus.on("hunt", ({ format, silentMs }) =>
      logger.info(
        `no valid frame for ${silentMs / 1000} s; trying ${format.baudRate} Bd ${format.dataBits}${format.parity[0]!.toUpperCase()}${format.stopBits}`,
      ),
    );
    bus.on("link", ({ state, reason }) => {
      if (state === "down") logger.warn(`meter link down: ${reason ?? "unknown reason"}`);
      else if (state === "up") logger.info("meter link up");
    });

    const broker = await resolveMqttBroker(options.mqtt);
    if (broker) {
      const sink = await mqttSinkFor(broker, options, logger);
      sink.start();
      stops.push(() => sink.stop());
      logger.info(`publishing to ${describeBroker(broker)} (discovery prefix ${options.discoveryPrefix})`);
      bus.on("snapshot", (snapshot) => sink.publishSnapshot(snapshot));
      bus.on("link", ({ state }) =>
        sink.setLinkStatus(
          state === "up" ? "connected" : state === "connecting" ? "connecting" : "disconnected",
        ),
      );
      const diagnostics = setInterval(() => {
        const stats = decoder.stats;
        sink.publishDiagnostics({
          framesReceived: stats.framesReceived,
          framesRejected: Object.fromEntries(stats.rejected),
          lostFrames: stats.lostFrames,
          decryptionFailures: stats.decryptionFailures,
          lastFrameAt: stats.lastFrameAt,
          totalsHeldBack: guard.counters.suspect,
        });
      }, DIAGNOSTICS_EVERY_MS);
      stops.push(() => clearInterval(diagnostics));
    } else if (hooks.onSnapshot) {
      bus.on("snapshot", hooks.onSnapshot);
    }

    const { transport, hunt } = transportFor(meter, simulator?.port);
    const session =
      meter.protocol === "iec62056-21" && meter.connection.kind !== "virtual"
        ? new ModeCSession({ pollIntervalMs: READOUT_POLL_MS })
        : null;
    const pipeline = new MeterPipeline(transport, decoder, guard, bus, Date.now, session, hunt);
    logger.info(`reading ${transport.description} (protocol ${meter.protocol}, layout ${meter.layout})`);
    stops.push(() => pipeline.stop());
    await pipeline.start();

    if (options.source.kind === "addon") stops.push(await startHeartbeat(logger));
    return { stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function mqttSinkFor(broker: MqttBroker, options: E450Options, logger: Logger): Promise<MqttSink> {
  const ca = broker.tls?.caFile ? await readFile(broker.tls.caFile, "utf8") : undefined;
  return new MqttSink(
    {
      host: broker.host,
      port: broker.port,
      ...(broker.tls ? { tls: { ...(ca ? { ca } : {}), rejectUnauthorized: !broker.tls.insecure } } : {}),
      ...(broker.username ? { username: broker.username } : {}),
      ...(broker.password ? { password: broker.password } : {}),
      ...(broker.protocolVersion === 5 ? { protocolVersion: 5 as const } : {}),
      discoveryPrefix: options.discoveryPrefix,
      baseTopic: options.baseTopic,
      dataDir: options.dataDir,
      softwareVersion: VERSION,
      publishIntervalMs: options.publishIntervalSeconds * 1000,
      offlineAfterMissedPushes: options.offlineAfterMissedPushes,
      // Real meters keep the household's local time, which is the host's (TZ in the add-on).
      ...(options.meter.connection.kind === "virtual" ? { timeZone: VIRTUAL_METER_TIME_ZONE } : {}),
    },
    logger,
  );
}

/** Proves to the container health check that the event loop still turns. */
async function startHeartbeat(logger: Logger): Promise<() => void> {
  const touch = async () => {
    const now = new Date();
    await utimes(HEARTBEAT_FILE, now, now).catch(() => writeFile(HEARTBEAT_FILE, ""));
  };
  try {
    await mkdir("/run/e450", { recursive: true });
    await touch();
  } catch (error) {
    logger.debug(`no health-check heartbeat: ${(error as Error).message}`);
    return () => {};
  }
  const timer = setInterval(() => void touch().catch(() => {}), HEARTBEAT_EVERY_MS);
  return () => clearInterval(timer);
}
