/**
 * Bytes under annotation together with where each of them lies. An APDU split over GBT blocks or
 * HDLC segments is one run of bytes to its parser but several ranges of the capture, with link
 * headers and checksums between them; a field of it is labelled in every range it touches.
 */
import { concat } from "../model/bytes.js";

/** The captured bytes, or the decrypted APDUs (which no input offset can point into). */
export type Space = "input" | "plaintext";

/** `length` bytes from `from` in the region lie at `at` in its space. */
interface Span {
  readonly from: number;
  readonly at: number;
  readonly length: number;
}

export interface Range {
  readonly start: number;
  readonly end: number;
}

export class Region {
  private constructor(
    readonly bytes: Uint8Array,
    readonly space: Space,
    private readonly spans: readonly Span[],
  ) {}

  /** Bytes [start, end) of a whole space (the input, or the plaintext buffer) as a region. */
  static of(all: Uint8Array, space: Space, start = 0, end = all.length): Region {
    return new Region(all.subarray(start, end), space, [{ from: 0, at: start, length: end - start }]);
  }

  /** Bytes that lie at `at` in their space (decrypted bytes appended to the plaintext buffer). */
  static placed(bytes: Uint8Array, space: Space, at: number): Region {
    return new Region(bytes, space, [{ from: 0, at, length: bytes.length }]);
  }

  /** Parts of one space, one after the other, as one region (the blocks of a push). */
  static join(parts: readonly Region[]): Region {
    const spans: Span[] = [];
    let from = 0;
    for (const part of parts) {
      for (const span of part.spans) {
        const last = spans.at(-1);
        if (last && last.at + last.length === span.at) {
          spans[spans.length - 1] = { ...last, length: last.length + span.length };
        } else {
          spans.push({ from: from + span.from, at: span.at, length: span.length });
        }
      }
      from += part.bytes.length;
    }
    return new Region(
      concat(parts.map((part) => part.bytes)),
      parts[0]?.space ?? "input",
      spans.filter((span) => span.length > 0),
    );
  }

  get length(): number {
    return this.bytes.length;
  }

  /** Bytes [start, end) of this region. */
  sub(start: number, end: number): Region {
    const spans: Span[] = [];
    for (const range of this.pieces(start, end)) {
      spans.push({ from: range.from - start, at: range.start, length: range.end - range.start });
    }
    return new Region(this.bytes.subarray(start, end), this.space, spans);
  }

  /** Where bytes [start, end) of this region lie in its space, in order. */
  ranges(start: number, end: number): Range[] {
    return this.pieces(start, end).map(({ start: from, end: to }) => ({ start: from, end: to }));
  }

  private pieces(start: number, end: number): (Range & { from: number })[] {
    const out: (Range & { from: number })[] = [];
    for (const span of this.spans) {
      const from = Math.max(start, span.from);
      const to = Math.min(end, span.from + span.length);
      if (from < to) out.push({ from, start: span.at + from - span.from, end: span.at + to - span.from });
    }
    return out;
  }
}
