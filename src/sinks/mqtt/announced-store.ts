/**
 * Which discovery configs e450 has announced, kept in the data folder, so that configs of entities or
 * meters that no longer exist can be removed after a restart (a different meter, a changed option).
 */
import { readFileSync } from "node:fs";
import { writeFileAtomic } from "../../util/atomic-write.js";
import type { SensorComponent } from "./discovery.js";

export interface AnnouncedDevice {
  /** Discovery config topic. */
  readonly configTopic: string;
  /** Meter key; null for the bridge device. */
  readonly meterKey: string | null;
  /**
   * Component id → its config as announced: kept in full so that a component not (yet) seen in this
   * run stays in the device's retained config until it is declared stale.
   */
  readonly components: Readonly<Record<string, SensorComponent>>;
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

export class JsonFileAnnouncedStore implements AnnouncedStore {
  constructor(readonly location: string) {}

  /** A missing or unreadable record means nothing to clean up; it is rewritten on the next announce. */
  load(): readonly AnnouncedDevice[] {
    try {
      const document: unknown = JSON.parse(readFileSync(this.location, "utf8"));
      const devices = (document as { devices?: unknown }).devices;
      return Array.isArray(devices) ? devices.filter(isAnnouncedDevice) : [];
    } catch {
      return [];
    }
  }

  save(devices: readonly AnnouncedDevice[]): void {
    writeFileAtomic(this.location, `${JSON.stringify({ version: 1, devices }, null, 2)}\n`);
  }
}
