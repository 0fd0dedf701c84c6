/**
 * Every topic e450 uses, in one place.
 *
 *   <base>/status                      bridge availability: retained "online", last will "offline"
 *   <base>/bridge/<entity>             diagnostics of the link (frames, rejects, decryption failures)
 *   <base>/bridge/<entity>/attributes  JSON attributes (rejected frames by reason)
 *   <base>/meter/<meter>/status        per-meter availability: "offline" when pushes stop
 *   <base>/meter/<meter>/<entity>      one state per entity, plain value (or JSON where HA needs
 *                                      last_reset); retained, except an event entity's
 *   <base>/meter/<meter>/<entity>/attributes  JSON attributes (forecast intervals, anomaly details)
 *   <prefix>/device/<object>/config    device-based discovery (HA ≥ 2024.11)
 *   <prefix>/status                    Home Assistant's birth/will ("online"/"offline")
 *
 * Meters live under `meter/` so that no meter key can collide with `status` or `bridge`.
 */
export class Topics {
  readonly bridgeStatus: string;
  readonly homeAssistantStatus: string;

  constructor(
    readonly discoveryPrefix: string,
    readonly baseTopic: string,
  ) {
    this.bridgeStatus = `${baseTopic}/status`;
    // HA's default birth topic (mqtt const.py DEFAULT_BIRTH) sits under the default discovery prefix;
    // users who move one move the other.
    this.homeAssistantStatus = `${discoveryPrefix}/status`;
  }

  bridgeState(entityId: string): string {
    return `${this.baseTopic}/bridge/${entityId}`;
  }

  bridgeAttributes(entityId: string): string {
    return `${this.baseTopic}/bridge/${entityId}/attributes`;
  }

  meterStatus(meterKey: string): string {
    return `${this.baseTopic}/meter/${meterKey}/status`;
  }

  meterState(meterKey: string, entityId: string): string {
    return `${this.baseTopic}/meter/${meterKey}/${entityId}`;
  }

  meterAttributes(meterKey: string, entityId: string): string {
    return `${this.baseTopic}/meter/${meterKey}/${entityId}/attributes`;
  }

  /** object_id must match [a-zA-Z0-9_-]+ (HA mqtt/discovery.py TOPIC_MATCHER). */
  deviceConfig(objectId: string): string {
    return `${this.discoveryPrefix}/device/${objectId}/config`;
  }
}

export const ONLINE = "online";
export const OFFLINE = "offline";
