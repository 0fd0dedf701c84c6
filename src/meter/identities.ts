/**
 * The identities of the meters one connection has heard, each merged over its pushes: a push may
 * omit the serial number or the firmware version that an earlier one stated (the Swiss E450's
 * 5-second list has no serial, its minute list has), and consumers want the whole picture.
 */
import type { MeterIdentity } from "../model/meter-identity.js";
import type { Snapshot } from "../model/snapshot.js";
import { meterIdentityOf } from "./meter-identity.js";

function merge(known: MeterIdentity, next: MeterIdentity): MeterIdentity {
  return {
    key: known.key,
    serialNumber: next.serialNumber ?? known.serialNumber,
    systemTitle: next.systemTitle ?? known.systemTitle,
    logicalDeviceName: next.logicalDeviceName ?? known.logicalDeviceName,
    firmwareVersion: next.firmwareVersion ?? known.firmwareVersion,
  };
}

export class MeterIdentities {
  private readonly known = new Map<string, MeterIdentity>();

  /** `fallbackKey` names a meter whose pushes carry no identity at all: the configured meter's id. */
  constructor(private readonly fallbackKey: string) {}

  identify(snapshot: Snapshot): MeterIdentity {
    const stated = meterIdentityOf(snapshot, this.fallbackKey);
    const known = this.known.get(stated.key);
    const identity = known ? merge(known, stated) : stated;
    this.known.set(identity.key, identity);
    return identity;
  }
}
