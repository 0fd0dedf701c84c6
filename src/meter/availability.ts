/**
 * Which physical meters are online: one link watchdog per meter identity seen on a connection (one
 * wired M-Bus line may carry several meters). Consumers learn the changes as events, so MQTT, the
 * panel and the history store agree on when a meter went quiet.
 */
import type { MeterIdentity } from "../model/meter-identity.js";
import { LinkWatchdog, type LinkWatchdogOptions } from "./link-watchdog.js";

export type AvailabilityChange = (identity: MeterIdentity, online: boolean, timeoutMs: number) => void;

export class Availability {
  private readonly watchdogs = new Map<string, { identity: MeterIdentity; watchdog: LinkWatchdog }>();

  constructor(
    private readonly options: LinkWatchdogOptions,
    private readonly onChange: AvailabilityChange,
  ) {}

  /** A valid push from this meter: online now, offline after the learned number of missed pushes. */
  pushArrived(identity: MeterIdentity): void {
    let entry = this.watchdogs.get(identity.key);
    if (!entry) {
      const watchdog: LinkWatchdog = new LinkWatchdog(this.options, (online) => {
        const current = this.watchdogs.get(identity.key)?.identity ?? identity;
        this.onChange(current, online, watchdog.timeoutMs);
      });
      entry = { identity, watchdog };
      this.watchdogs.set(identity.key, entry);
    }
    entry.identity = identity;
    entry.watchdog.frameArrived();
  }

  stop(): void {
    for (const { watchdog } of this.watchdogs.values()) watchdog.stop();
  }
}
