/**
 * What this run knows about each meter that has pushed: its identity (merged over snapshots, since
 * a push may omit the serial number or firmware version), its entities so far, and its link watchdog.
 */
import type { MeterIdentity } from "../../meter/meter-identity.js";
import type { SensorEntity } from "./entity.js";
import { LinkWatchdog, type LinkWatchdogOptions } from "./link-watchdog.js";
import type { Logger } from "../../logging/logger.js";

export interface MeterState {
  identity: MeterIdentity;
  readonly entities: Map<string, SensorEntity>;
  readonly watchdog: LinkWatchdog;
}

/** Told when a meter's watchdog changes its mind; `timeoutMs` is the silence that made it give up. */
export type LinkChange = (meterKey: string, online: boolean, timeoutMs: number) => void;

function mergeIdentity(known: MeterIdentity, next: MeterIdentity): MeterIdentity {
  return {
    key: known.key,
    serialNumber: next.serialNumber ?? known.serialNumber,
    systemTitle: next.systemTitle ?? known.systemTitle,
    logicalDeviceName: next.logicalDeviceName ?? known.logicalDeviceName,
    firmwareVersion: next.firmwareVersion ?? known.firmwareVersion,
  };
}

export class MeterRegistry {
  private readonly meters = new Map<string, MeterState>();

  constructor(
    private readonly watchdogOptions: LinkWatchdogOptions,
    private readonly onLinkChange: LinkChange,
    private readonly logger: Logger,
  ) {}

  has(meterKey: string): boolean {
    return this.meters.has(meterKey);
  }

  values(): IterableIterator<MeterState> {
    return this.meters.values();
  }

  /** Merges what one snapshot says about its meter; `changed` when its discovery must go out again. */
  update(
    identity: MeterIdentity,
    entities: readonly SensorEntity[],
  ): { meter: MeterState; changed: boolean } {
    const meter = this.meterFor(identity);
    const before = JSON.stringify([meter.identity, [...meter.entities.values()]]);
    meter.identity = mergeIdentity(meter.identity, identity);
    for (const entity of entities) meter.entities.set(entity.id, entity);
    const changed = JSON.stringify([meter.identity, [...meter.entities.values()]]) !== before;
    return { meter, changed };
  }

  stop(): void {
    for (const meter of this.meters.values()) meter.watchdog.stop();
  }

  private meterFor(identity: MeterIdentity): MeterState {
    let meter = this.meters.get(identity.key);
    if (!meter) {
      const key = identity.key;
      const watchdog = new LinkWatchdog(this.watchdogOptions, (online) =>
        this.onLinkChange(key, online, watchdog.timeoutMs),
      );
      meter = { identity, entities: new Map(), watchdog };
      this.meters.set(key, meter);
      this.logger.info(`Meter ${key} seen; announcing it to Home Assistant`);
    }
    return meter;
  }
}
