/**
 * What every framer emits: a complete frame, or a run of bytes it threw away and why. Framers never
 * throw on input bytes (ARCHITECTURE §3); they resynchronise and keep a bounded buffer.
 */
export type FramerOutput<F> =
  | { readonly kind: "frame"; readonly frame: F }
  | {
      readonly kind: "discarded";
      readonly reason: DiscardReason;
      readonly bytes: number;
      readonly detail?: string;
    };

export type DiscardReason =
  | "noise" // bytes outside any frame
  | "hcs" // HDLC header check sequence mismatch
  | "fcs" // HDLC frame check sequence mismatch
  | "bad-format" // a frame header that cannot be valid (format type, length, address)
  | "truncated" // a frame cut short by the start of the next one
  | "overlong" // a frame longer than the buffer bound
  | "mbus-checksum" // M-Bus long frame checksum mismatch
  | "mbus-framing" // M-Bus start/stop bytes or length inconsistent
  | "bcc" // IEC 62056-21 block check character mismatch
  | "crc16"; // P1 telegram CRC mismatch

export interface Framer<F> {
  /** Feeds a chunk; returns everything that became complete. `now` is milliseconds (injected clock). */
  push(chunk: Uint8Array, now: number): FramerOutput<F>[];
  /** Drops partial input, e.g. after a reconnect. */
  reset(): void;
  /**
   * End of a finite input: finishes a frame that needs no more bytes to be judged, reports what
   * is left. Framers that time out partial frames (HDLC, M-Bus) need none.
   */
  flush?(): FramerOutput<F>[];
}
