/**
 * From a configured meter to its running MeterRuntime: the transport (or the virtual E450 behind a
 * loopback port), the reader its protocol needs, and an integrity guard whose last good totals live
 * in the data folder.
 */
import { join } from "node:path";
import type { MeterBus } from "../bus/events.js";
import type { ConfiguredMeter, E450Options } from "../config/options.js";
import { ModeCSession } from "../reader/mode-c-session.js";
import { type Logger, prefixedLogger } from "../logging/logger.js";
import { IntegrityGuard } from "../meter/integrity-guard.js";
import { JsonFileTotalsStore } from "../meter/json-file-totals-store.js";
import { MeterRuntime } from "../meter/runtime.js";
import type { Reader } from "../reader/reader.js";
import { StreamDecoder } from "../reader/stream-decoder.js";
import { guardFileName } from "./guard-reset.js";
import { DECODER_PROTOCOL, transportFor } from "./meter-connection.js";
import { meterKeys } from "./meter-keys.js";
import { keysBySender, routeBySender } from "./shared-line.js";
import { startVirtualMeter } from "./virtual-meter.js";

/** IEC 62056-21 readouts are polled, not pushed; a minute is what meters and optical heads tolerate. */
const READOUT_POLL_MS = 60_000;
/** Push interval assumed for availability until two pushes have shown the real one. */
const INITIAL_PUSH_INTERVAL_MS = 60_000;

export interface StartedMeter {
  readonly runtime: MeterRuntime;
  stop(): Promise<void>;
}

/**
 * Starts the reader of one line. `line[0]`'s id keys the line's events and names its state files; it
 * also names a meter whose pushes carry no identity. More than one meter on the line (a wired M-Bus
 * with several meters pushing): each push goes to the meter whose system title or serial it names,
 * deciphered with that meter's keys. `single`: the one meter of the `meter` group, whose files keep
 * their old names.
 */
async function startMeter(
  line: readonly [ConfiguredMeter, ...ConfiguredMeter[]],
  single: boolean,
  options: E450Options,
  bus: MeterBus,
  baseLogger: Logger,
): Promise<StartedMeter> {
  const [meter] = line;
  const { id } = meter;
  const logger =
    meter.name === null ? baseLogger : prefixedLogger(baseLogger, line.map((item) => item.name).join(" + "));
  const keys = meterKeys(meter);
  const virtual =
    meter.connection.kind === "virtual"
      ? await startVirtualMeter(options.dataDir, single ? null : id, keys, logger)
      : null;
  const reader: Reader =
    meter.protocol === "iec62056-21" && !virtual
      ? new ModeCSession({ pollIntervalMs: READOUT_POLL_MS })
      : new StreamDecoder({
          protocol: DECODER_PROTOCOL[meter.protocol],
          // The virtual meter's format follows the key, not the configured layout.
          layout: virtual ? "auto" : meter.layout,
          scalerOverrides: meter.scalerOverrides,
          ...keys,
          ...(line.length > 1 ? { keysBySystemTitle: keysBySender(line) } : {}),
        });
  const guard = new IntegrityGuard(
    { maxPowerKw: options.maxPowerW / 1000 },
    new JsonFileTotalsStore(join(options.dataDir, guardFileName(id, single))),
    logger,
  );
  const { transport, hunt } = transportFor(meter, virtual?.port);
  const runtime = new MeterRuntime(
    {
      id,
      transport,
      reader,
      guard,
      hunt,
      ...(line.length > 1 ? { route: routeBySender(line) } : {}),
      availability: {
        missedPushes: options.offlineAfterMissedPushes,
        initialIntervalMs: INITIAL_PUSH_INTERVAL_MS,
      },
    },
    bus,
    logger,
  );
  logger.info(`reading ${transport.description} (protocol ${meter.protocol}, layout ${meter.layout})`);
  try {
    await runtime.start();
  } catch (error) {
    await runtime.stop().catch(() => {});
    await virtual?.stop();
    throw error;
  }
  return {
    runtime,
    async stop() {
      await runtime.stop();
      await virtual?.stop();
    },
  };
}

/**
 * Starts every configured meter. One that cannot start (its simulator's port, a broken option the
 * schema could not see) is logged and left out, so it never stops the others; none starting is fatal.
 */
export async function startMeters(
  options: E450Options,
  bus: MeterBus,
  logger: Logger,
  started: (meter: StartedMeter) => void,
): Promise<void> {
  const single = options.meters.length === 1 && options.meters[0]?.name === null;
  const lines = linesOf(options.meters);
  const failures: string[] = [];
  for (const line of lines) {
    try {
      started(await startMeter(line, single, options, bus, logger));
    } catch (error) {
      const label = line.map((meter) => meter.name ?? meter.id).join(" + ");
      failures.push(label);
      logger.error(`meter ${label} could not start: ${(error as Error).message}`);
    }
  }
  if (failures.length === lines.length) throw new Error(`no meter could start (${failures.join(", ")})`);
}

/** Meters grouped by the line they are read on: one reader per serial device or bridge port. */
function linesOf(meters: readonly ConfiguredMeter[]): [ConfiguredMeter, ...ConfiguredMeter[]][] {
  const lines = new Map<string, [ConfiguredMeter, ...ConfiguredMeter[]]>();
  for (const meter of meters) {
    const { connection } = meter;
    const key =
      connection.kind === "serial"
        ? `serial:${connection.device}`
        : connection.kind === "tcp"
          ? `tcp:${connection.host.toLowerCase()}:${connection.port}`
          : `virtual:${meter.id}`;
    const line = lines.get(key);
    if (line) line.push(meter);
    else lines.set(key, [meter]);
  }
  return [...lines.values()];
}
