/**
 * What an earlier run announced, from the record in the data folder, until the stale check has
 * compared it with this run. Its components ride along in each device's config meanwhile, so Home
 * Assistant does not lose an entity that merely has not been pushed yet in this run.
 */
import type { AnnouncedDevice, AnnouncedStore } from "./announced-store.js";
import type { DeviceExtras } from "./discovery.js";

export class EarlierRun {
  private devices: readonly AnnouncedDevice[] = [];

  constructor(private readonly store: AnnouncedStore) {}

  load(): void {
    this.devices = this.store.load();
  }

  get pending(): readonly AnnouncedDevice[] {
    return this.devices;
  }

  /** The earlier components that ride along in the config on `configTopic`. */
  carriedFor(configTopic: string): DeviceExtras {
    const earlier = this.devices.find((device) => device.configTopic === configTopic);
    return earlier ? { carried: earlier.components } : {};
  }

  /** Meter keys of the earlier run not yet compared with this one. */
  meterKeys(): string[] {
    return this.devices.flatMap((device) => (device.meterKey === null ? [] : [device.meterKey]));
  }

  /** Hands the earlier devices to the stale check; configs built afterwards carry nothing of them. */
  take(): readonly AnnouncedDevice[] {
    const taken = this.devices;
    this.devices = [];
    return taken;
  }
}
