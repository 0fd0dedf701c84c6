/**
 * The loop HDLC and M-Bus framing share: find the start byte, let the format parse a frame there,
 * and on a bad frame resynchronise at the next start byte (or skip what is known to be the bad
 * frame). A partial frame that waits longer than the stall time is reported as truncated: its
 * missing bytes were lost on the line. Bytes before a start byte are noise.
 */
import { ByteBuffer } from "./byte-buffer.js";
import type { DiscardReason, Framer, FramerOutput } from "./types.js";

export type ParseAttempt<F> =
  | { readonly kind: "incomplete" }
  | { readonly kind: "frame"; readonly frame: F; readonly consumed: number }
  /** Bytes that are part of the line discipline, not data (a repeated HDLC flag): dropped unreported. */
  | { readonly kind: "skip"; readonly bytes: number }
  /** `skip`: bytes known to belong to the bad frame; otherwise resynchronise at the next start byte. */
  | {
      readonly kind: "invalid";
      readonly reason: DiscardReason;
      readonly detail: string;
      readonly skip?: number;
    };

export interface FrameFormat<F> {
  readonly startByte: number;
  /** Parses the frame that starts at buffer index 0. */
  parse(buffer: ByteBuffer): ParseAttempt<F>;
  /** True when what waits in the buffer is no frame yet (an HDLC closing flag), so it cannot stall. */
  idle?(buffer: ByteBuffer): boolean;
}

const DEFAULT_STALL_MS = 2_000;

export class ScanningFramer<F> implements Framer<F> {
  private readonly buffer = new ByteBuffer();
  /** When the partial frame at the head of the buffer was first seen waiting. */
  private waitingSince: number | null = null;

  constructor(
    private readonly format: FrameFormat<F>,
    private readonly stallMs = DEFAULT_STALL_MS,
  ) {}

  push(chunk: Uint8Array, now: number): FramerOutput<F>[] {
    this.buffer.append(chunk);
    const out: FramerOutput<F>[] = [];
    for (;;) {
      const start = this.buffer.indexOf(this.format.startByte);
      if (start < 0) {
        this.discard(out, "noise", this.buffer.length);
        break;
      }
      if (start > 0) this.discard(out, "noise", start);
      const attempt = this.format.parse(this.buffer);
      if (attempt.kind === "frame") {
        out.push({ kind: "frame", frame: attempt.frame });
        this.buffer.drop(attempt.consumed);
        this.waitingSince = null;
        continue;
      }
      if (attempt.kind === "skip") {
        this.buffer.drop(attempt.bytes);
        continue;
      }
      if (attempt.kind === "invalid") {
        this.discard(out, attempt.reason, attempt.skip ?? this.nextStart(), attempt.detail);
        this.waitingSince = null;
        continue;
      }
      if (this.format.idle?.(this.buffer)) {
        this.waitingSince = null;
        break;
      }
      this.waitingSince ??= now;
      if (now - this.waitingSince > this.stallMs) {
        this.discard(out, "truncated", this.nextStart(), "frame incomplete after timeout");
        this.waitingSince = null;
        continue;
      }
      break;
    }
    return out;
  }

  reset(): void {
    this.buffer.clear();
    this.waitingSince = null;
  }

  private nextStart(): number {
    const next = this.buffer.indexOf(this.format.startByte, 1);
    return next < 0 ? this.buffer.length : next;
  }

  private discard(out: FramerOutput<F>[], reason: DiscardReason, bytes: number, detail?: string): void {
    if (bytes <= 0) return;
    this.buffer.drop(bytes);
    out.push(
      detail === undefined
        ? { kind: "discarded", reason, bytes }
        : { kind: "discarded", reason, bytes, detail },
    );
  }
}
