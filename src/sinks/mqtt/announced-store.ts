/**
 * Which discovery configs e450 has announced, kept in the data folder, so that configs of entities or
 * meters that no longer exist can be removed after a restart (a different meter, a changed option).
 */
import { readFileSync, renameSync } from "node:fs";
import type { Logger } from "../../logging/logger.js";
import { writeFileAtomic } from "../../util/atomic-write.js";
import type { EntityComponent } from "./discovery.js";

export interface AnnouncedDevice {
  /** Discovery config topic. */
  readonly configTopic: string;
  /** Meter key; null for the bridge device. */
  readonly meterKey: string | null;
  /**
   * Component id → its config as announced: kept in full so that a component not (yet) seen in this
   * run stays in the device's retained config until it is declared stale.
   */
  readonly components: Readonly<Record<string, EntityComponent>>;
}

export interface AnnouncedStore {
  load(): readonly AnnouncedDevice[];
  save(devices: readonly AnnouncedDevice[]): void;
}

export class MemoryAnnouncedStore implements AnnouncedStore {
  devices: readonly AnnouncedDevice[] = [];

  load(): readonly AnnouncedDevice[] {
    return this.devices;
  }

  save(devices: readonly AnnouncedDevice[]): void {
    this.devices = devices;
  }
}

function isAnnouncedDevice(value: unknown): value is AnnouncedDevice {
  if (typeof value !== "object" || value === null) return false;
  const device = value as Record<string, unknown>;
  const components = device["components"];
  return (
    typeof device["configTopic"] === "string" &&
    (device["meterKey"] === null || typeof device["meterKey"] === "string") &&
    typeof components === "object" &&
    components !== null &&
    Object.values(components).every(
      (entry) =>
        typeof entry === "object" &&
        entry !== null &&
        typeof (entry as Record<string, unknown>)["state_topic"] === "string" &&
        typeof (entry as Record<string, unknown>)["unique_id"] === "string",
    )
  );
}

/**
 * The record as one JSON file in the data folder. A record that cannot be read in full is not dropped
 * in silence: without it the configs it lists are never removed from Home Assistant. It is logged,
 * moved aside as `<file>.corrupt-<time>` (so a person can still see, or restore, what it held) and
 * rebuilt from what this run announces; the devices in it that could be read are kept.
 */
export class JsonFileAnnouncedStore implements AnnouncedStore {
  constructor(
    readonly location: string,
    private readonly logger?: Logger,
    private readonly clock: () => number = Date.now,
  ) {}

  load(): readonly AnnouncedDevice[] {
    let text: string;
    try {
      text = readFileSync(this.location, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      this.logger?.warn(
        `Cannot read the list of announced Home Assistant entities ${this.location} (${(error as Error).message}); entities an earlier run announced and this one does not produce will not be removed`,
      );
      return [];
    }
    const { devices, problem } = parseRecord(text);
    if (problem !== null) this.setAside(problem, devices.length);
    return devices;
  }

  save(devices: readonly AnnouncedDevice[]): void {
    writeFileAtomic(this.location, `${JSON.stringify({ version: 1, devices }, null, 2)}\n`);
  }

  private setAside(problem: string, kept: number): void {
    const stamp = new Date(this.clock()).toISOString().replace(/[:.]/g, "-");
    const aside = `${this.location}.corrupt-${stamp}`;
    let where: string;
    try {
      renameSync(this.location, aside);
      where = `moved it to ${aside}`;
    } catch (error) {
      where = `could not move it aside (${(error as Error).message})`;
    }
    const outcome =
      kept === 0
        ? "entities it listed that this run does not announce must be deleted in Home Assistant by hand"
        : `kept the ${kept} device${kept === 1 ? "" : "s"} that could be read`;
    this.logger?.warn(
      `The list of announced Home Assistant entities ${this.location} is damaged (${problem}); ${where} and rebuilding it from what this run announces; ${outcome}`,
      { file: this.location, problem },
    );
  }
}

/** The devices that can be read, and what was wrong with the rest; problem null when all is well. */
function parseRecord(text: string): { devices: AnnouncedDevice[]; problem: string | null } {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return { devices: [], problem: `not JSON: ${(error as Error).message}` };
  }
  const devices = (document as { devices?: unknown } | null)?.devices;
  if (!Array.isArray(devices)) return { devices: [], problem: 'expected {"version": 1, "devices": [...]}' };
  const valid = devices.filter(isAnnouncedDevice);
  const invalid = devices.length - valid.length;
  return {
    devices: valid,
    problem: invalid === 0 ? null : `${invalid} of ${devices.length} device entries are not valid`,
  };
}
