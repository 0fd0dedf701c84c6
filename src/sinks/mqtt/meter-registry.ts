/**
 * What this run knows about each meter that has pushed: its identity (as the meter runtime merged
 * it), the configured meter it is read by, its entities so far, and whether the runtime last said it
 * is online.
 */
import type { MeterIdentity } from "../../model/meter-identity.js";
import type { Entity } from "./entity.js";

export interface MeterState {
  identity: MeterIdentity;
  /** The configured meter's id (the events' `meter`): its name and area, its link diagnostics. */
  configuredId: string;
  readonly entities: Map<string, Entity>;
  online: boolean;
}

export class MeterRegistry {
  private readonly meters = new Map<string, MeterState>();

  has(meterKey: string): boolean {
    return this.meters.has(meterKey);
  }

  get(meterKey: string): MeterState | undefined {
    return this.meters.get(meterKey);
  }

  values(): IterableIterator<MeterState> {
    return this.meters.values();
  }

  /** The meters read by one configured meter (usually one). */
  readBy(configuredId: string): MeterState[] {
    return [...this.meters.values()].filter((meter) => meter.configuredId === configuredId);
  }

  /** Takes what one event says about its meter; `changed` when its discovery must go out again. */
  update(
    configuredId: string,
    identity: MeterIdentity,
    entities: readonly Entity[],
  ): { meter: MeterState; changed: boolean; isNew: boolean } {
    const known = this.meters.get(identity.key);
    const meter = known ?? { identity, configuredId, entities: new Map(), online: false };
    if (!known) this.meters.set(identity.key, meter);
    const shown = () => JSON.stringify([meter.identity, meter.configuredId, [...meter.entities.values()]]);
    const before = shown();
    meter.identity = identity;
    meter.configuredId = configuredId;
    for (const entity of entities) meter.entities.set(entity.id, entity);
    return { meter, changed: !known || shown() !== before, isNew: !known };
  }
}
