/**
 * What this run knows about each meter that has pushed: its identity (as the meter runtime merged
 * it), its entities so far, and whether the runtime last said it is online.
 */
import type { MeterIdentity } from "../../model/meter-identity.js";
import type { Entity } from "./entity.js";

export interface MeterState {
  identity: MeterIdentity;
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

  /** Takes what one snapshot says about its meter; `changed` when its discovery must go out again. */
  update(
    identity: MeterIdentity,
    entities: readonly Entity[],
  ): { meter: MeterState; changed: boolean; isNew: boolean } {
    const known = this.meters.get(identity.key);
    const meter = known ?? { identity, entities: new Map(), online: false };
    if (!known) this.meters.set(identity.key, meter);
    const before = JSON.stringify([meter.identity, [...meter.entities.values()]]);
    meter.identity = identity;
    for (const entity of entities) meter.entities.set(entity.id, entity);
    const changed = !known || JSON.stringify([meter.identity, [...meter.entities.values()]]) !== before;
    return { meter, changed, isNew: !known };
  }
}
