/**
 * Decides when a state goes out. Unchanged values are never resent (the state topics are retained).
 * Fast-changing values go out at most once per interval, the latest one winning: the first change is
 * sent at once, later ones inside the interval are held and the newest is sent when it ends, so the
 * last value is never lost. Totals and on-change values go out at once.
 */
import type { Cadence } from "./entity.js";

export type Send = (topic: string, payload: string) => void;

interface Slot {
  /** What the broker has (or will get) as the retained state. */
  sent: string | undefined;
  sentAt: number;
  pending: string | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export class PublishGate {
  private readonly slots = new Map<string, Slot>();

  constructor(
    private readonly minIntervalMs: number,
    private readonly send: Send,
  ) {}

  offer(topic: string, payload: string, cadence: Cadence): void {
    const slot = this.slotFor(topic);
    if (payload === (slot.pending ?? slot.sent)) return;
    const now = Date.now();
    const wait = slot.sentAt + this.minIntervalMs - now;
    if (cadence !== "fast" || slot.sent === undefined || wait <= 0) {
      this.clearPending(slot);
      this.emit(topic, slot, payload, now);
      return;
    }
    slot.pending = payload;
    slot.timer ??= setTimeout(() => {
      slot.timer = undefined;
      const latest = slot.pending;
      slot.pending = undefined;
      if (latest !== undefined && latest !== slot.sent) this.emit(topic, slot, latest, Date.now());
    }, wait);
  }

  /** The newest payload per topic, including one still held back; for a republish after (re)connect. */
  latest(): Map<string, string> {
    const result = new Map<string, string>();
    for (const [topic, slot] of this.slots) {
      const payload = slot.pending ?? slot.sent;
      if (payload !== undefined) result.set(topic, payload);
    }
    return result;
  }

  /** Only the payloads still held back by the interval. */
  pending(): Map<string, string> {
    const result = new Map<string, string>();
    for (const [topic, slot] of this.slots) if (slot.pending !== undefined) result.set(topic, slot.pending);
    return result;
  }

  /** Forgets a topic (its entity was removed). */
  forget(topic: string): void {
    const slot = this.slots.get(topic);
    if (slot) this.clearPending(slot);
    this.slots.delete(topic);
  }

  stop(): void {
    for (const slot of this.slots.values()) this.clearPending(slot);
  }

  private emit(topic: string, slot: Slot, payload: string, now: number): void {
    slot.sent = payload;
    slot.sentAt = now;
    this.send(topic, payload);
  }

  private clearPending(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = undefined;
    slot.pending = undefined;
  }

  private slotFor(topic: string): Slot {
    let slot = this.slots.get(topic);
    if (!slot) {
      slot = { sent: undefined, sentAt: Number.NEGATIVE_INFINITY, pending: undefined, timer: undefined };
      this.slots.set(topic, slot);
    }
    return slot;
  }
}
