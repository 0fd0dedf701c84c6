/**
 * Protocol auto-detection over one byte stream: every candidate framer sees the bytes until one of
 * them completes a valid frame; from then on only that one does. If the locked protocol produces
 * nothing but discards for a while (the user re-cabled, the bridge changed port), detection starts
 * again. Before a lock, only checksum failures are reported: "noise" to one framer is the other's
 * frame data.
 */
import type { DiscardReason, Framer, FramerOutput } from "./types.js";

export interface Candidate<F> {
  readonly name: string;
  readonly framer: Framer<F>;
}

/** Consecutive discards from the locked framer that make us doubt the lock. */
const UNLOCK_AFTER_DISCARDS = 16;
/**
 * Reasons that mean "this was that protocol, but damaged". Not "bcc": STX and ETX are common bytes in
 * binary streams, and a real readout is preceded by an identification line, which locks first.
 */
const PROTOCOL_EVIDENCE: ReadonlySet<DiscardReason> = new Set([
  "hcs",
  "fcs",
  "mbus-checksum",
  "mbus-framing",
  "crc16",
]);

export class AutoFramer<F> implements Framer<F> {
  private locked: Candidate<F> | null = null;
  private discardsSinceFrame = 0;

  constructor(private readonly candidates: readonly Candidate<F>[]) {}

  push(chunk: Uint8Array, now: number): FramerOutput<F>[] {
    if (this.locked) return this.pushLocked(this.locked, chunk, now);
    return this.fromEach((framer) => framer.push(chunk, now));
  }

  /** End of input: the locked framer, or every candidate, reports what it still holds. */
  flush(): FramerOutput<F>[] {
    const locked = this.locked;
    if (locked) return this.pushLocked(locked, null, 0);
    return this.fromEach((framer) => framer.flush?.() ?? []);
  }

  /** Before a lock: what each candidate says, filtered; the first to complete a frame locks. */
  private fromEach(say: (framer: Framer<F>) => FramerOutput<F>[]): FramerOutput<F>[] {
    const out: FramerOutput<F>[] = [];
    for (const candidate of this.candidates) {
      for (const output of say(candidate.framer)) {
        if (output.kind === "frame") this.locked ??= candidate;
        if (this.locked === candidate) {
          // Once a candidate has proved itself, everything it says counts, including the rest of this chunk.
          out.push(output);
        } else if (
          output.kind === "discarded" &&
          (PROTOCOL_EVIDENCE.has(output.reason) ||
            (output.reason === "noise" && candidate === this.candidates[0]))
        ) {
          // The first candidate's noise stands for all: the bytes are counted once, not once per framer.
          out.push(output);
        }
      }
    }
    if (this.locked) for (const other of this.candidates) if (other !== this.locked) other.framer.reset();
    return out;
  }

  reset(): void {
    this.locked = null;
    this.discardsSinceFrame = 0;
    for (const candidate of this.candidates) candidate.framer.reset();
  }

  /** `chunk` null: the end of the input. */
  private pushLocked(locked: Candidate<F>, chunk: Uint8Array | null, now: number): FramerOutput<F>[] {
    const out: FramerOutput<F>[] = [];
    const outputs = chunk ? locked.framer.push(chunk, now) : (locked.framer.flush?.() ?? []);
    for (const output of outputs) {
      this.discardsSinceFrame = output.kind === "frame" ? 0 : this.discardsSinceFrame + 1;
      out.push(output);
    }
    if (this.discardsSinceFrame >= UNLOCK_AFTER_DISCARDS) this.reset();
    return out;
  }
}
