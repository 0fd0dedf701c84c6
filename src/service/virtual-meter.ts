/**
 * The built-in virtual E450 behind a "virtual" meter connection: a simulator on a loopback port whose
 * registers are saved in the data folder, so that a second run continues where the first stopped and
 * a published total never goes down. Its clock keeps the host's zone, like any simulated meter
 * (simulator/local-time.ts), which is the zone the MQTT plugin reads every meter's clock in.
 */
import { join } from "node:path";
import type { Logger } from "../logging/logger.js";
import { SIMULATOR_DEFAULT_KEYS, startSimulator } from "../simulator/index.js";
import { loadCounters, saveCounters } from "../simulator/saved-counters.js";

/** How often the counters are saved, so even a killed run resumes close to where it was. */
const SAVE_EVERY_MS = 30_000;

export interface RunningVirtualMeter {
  readonly port: number;
  stop(): Promise<void>;
}

/** The seed of the single virtual meter (the simulator's default household). */
const SINGLE_SEED = 450;

/**
 * `id`: null for the single meter; one of several gets its own counters file and its own seed, hence
 * its own serial number and household, so that several virtual meters are several devices.
 */
export async function startVirtualMeter(
  dataDir: string,
  id: string | null,
  keys: { readonly encryptionKey?: Uint8Array; readonly authenticationKey?: Uint8Array },
  logger: Logger,
): Promise<RunningVirtualMeter> {
  // Unencrypted Swiss pushes without a key; with one, the Austrian encrypted push under that key.
  const { encryptionKey } = keys;
  const format = encryptionKey ? "steiermark" : "swiss";
  const countersFile = join(dataDir, id === null ? "virtual-meter.json" : `virtual-meter.meter-${id}.json`);
  const resumeFrom = await loadCounters(countersFile);
  const simulator = await startSimulator({
    ...(resumeFrom ? { resumeFrom } : {}),
    format,
    seed: id === null ? SINGLE_SEED : seedOf(id),
    ...(encryptionKey
      ? {
          keys: {
            encryptionKey,
            authenticationKey: keys.authenticationKey ?? SIMULATOR_DEFAULT_KEYS.authenticationKey,
          },
        }
      : {}),
    photovoltaicPeakWatts: 5_000,
  });
  const save = () => saveCounters(countersFile, simulator.counters());
  const saver = setInterval(save, SAVE_EVERY_MS);
  logger.info(`virtual E450 (${format} push) serving on 127.0.0.1:${simulator.port}`);
  return {
    port: simulator.port,
    async stop() {
      clearInterval(saver);
      save();
      await simulator.stop();
    },
  };
}

/** A stable seed per meter id (FNV-1a), away from the single meter's. */
function seedOf(id: string): number {
  let hash = 0x811c9dc5;
  for (const char of id) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return hash === SINGLE_SEED ? hash + 1 : hash;
}
