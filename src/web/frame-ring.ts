/**
 * The last link frames with what became of them, for the inspector: a fixed ring, so a meter that
 * pushes every second for a year costs the same memory as one that pushed five hundred times.
 */
import type { Issue } from "../model/issue.js";

export interface FrameRecord {
  readonly at: number;
  readonly meter: string;
  readonly protocol: string;
  readonly hex: string;
  /** The issue the frame's decode ended in, if one followed it. */
  issue: Issue | null;
  /** Readings decoded from it (0 until a decode followed). */
  readings: number;
}

/**
 * The reader emits a frame, then in the same step its decode or issue with the same timestamp
 * (meter/runtime.ts perform); a segmented push (HDLC segments, GBT blocks) decodes with its last
 * frame. Anything later than this belongs to no frame of ours.
 */
const FOLLOW_MS = 1_000;

export class FrameRing {
  private readonly slots: (FrameRecord | undefined)[];
  private next = 0;
  private size = 0;

  constructor(readonly capacity: number) {
    this.slots = new Array(capacity);
  }

  add(record: FrameRecord): void {
    this.slots[this.next] = record;
    this.next = (this.next + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
  }

  /** Newest first. */
  newest(limit: number): FrameRecord[] {
    const out: FrameRecord[] = [];
    for (let i = 1; i <= Math.min(limit, this.size); i++) {
      out.push(this.slots[(this.next - i + this.capacity) % this.capacity]!);
    }
    return out;
  }

  /** The newest frame of `meter` that a decode or issue at `at` can follow. */
  followedBy(meter: string, at: number): FrameRecord | undefined {
    for (let i = 1; i <= this.size; i++) {
      const record = this.slots[(this.next - i + this.capacity) % this.capacity]!;
      if (record.meter !== meter) continue;
      return record.at <= at && at - record.at <= FOLLOW_MS ? record : undefined;
    }
    return undefined;
  }
}
