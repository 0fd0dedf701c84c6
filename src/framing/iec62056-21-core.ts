/**
 * The state shared by the IEC 62056-21 framer's message handlers (identification line, readout,
 * telegram): one frame buffer, the parser state, and the outputs of the current push. Also what
 * happens between frames: hunting for a frame start, counting noise, and discarding a frame in
 * progress. Internal to the framer; iec62056-21.ts is the public entry.
 */
import type { Identification } from "./iec62056-21-identification.js";
import type { Iec62056Frame } from "./iec62056-21-frames.js";
import { SLASH, STX } from "./iec62056-21-bytes.js";
import type { DiscardReason, FramerOutput } from "./types.js";

// LF, '/' and '!' again, private to this module for the byte loop in copyPlainBytes: V8 reads a binding
// that is imported or exported through a module cell on every use, which made the framer about 15 %
// slower (framer-only run on the bench/iec62056.ts readouts) than with module-private constants.
const LOOP_LF = 0x0a;
const LOOP_SLASH = 0x2f;
const LOOP_BANG = 0x21;

export enum State {
  Hunt,
  Identification,
  IdentificationCr,
  AfterIdentification,
  AfterIdentificationCr,
  TelegramBody,
  TelegramChecksum,
  TelegramChecksumCr,
  Readout,
  ReadoutBcc,
}

export class FramerCore {
  readonly buffer: Uint8Array;
  length = 0;
  state = State.Hunt;
  lineStart = false;
  /** Index in the buffer of the last '/' on the current line, -1 when none. */
  lineSlash = -1;
  bcc = 0;
  checksumDigits = 0;
  /** Bytes of the identification line (from '/', CR LF excluded) at the head of a telegram's buffer. */
  identificationLength = 0;
  identification: Identification | null = null;
  pendingIdentification: Identification | null = null;
  noise = 0;
  noiseWithBit7 = 0;
  out: FramerOutput<Iec62056Frame>[] = [];

  constructor(
    readonly maxFrameBytes: number,
    readonly stripParityBit: boolean,
  ) {
    this.buffer = new Uint8Array(maxFrameBytes);
  }

  reset(): void {
    this.length = 0;
    this.state = State.Hunt;
    this.identification = null;
    this.pendingIdentification = null;
    this.noise = 0;
    this.noiseWithBit7 = 0;
    this.out = [];
  }

  /**
   * The fast path through a readout or telegram body: copies bytes that need no decision (anything but
   * control characters up to LF, '/' and '!') straight into the frame; the state's handler takes the
   * rest. Returns the index of the first byte not copied.
   */
  copyPlainBytes(chunk: Uint8Array, from: number): number {
    const buffer = this.buffer;
    const mask = this.stripParityBit ? 0x7f : 0xff;
    const limit = this.maxFrameBytes;
    let length = this.length;
    let bcc = this.bcc;
    let i = from;
    while (i < chunk.length && length < limit) {
      const byte = chunk[i]! & mask;
      if (byte <= LOOP_LF || byte === LOOP_SLASH || byte === LOOP_BANG) break;
      buffer[length++] = byte;
      bcc ^= byte;
      i++;
    }
    if (i > from) {
      this.length = length;
      this.bcc = bcc;
      this.lineStart = false;
    }
    return i;
  }

  /** The outputs since the last call. */
  takeOutput(): FramerOutput<Iec62056Frame>[] {
    const out = this.out;
    this.out = [];
    return out;
  }

  hunt(byte: number): void {
    if (byte === SLASH) {
      this.flushNoise();
      this.state = State.Identification;
      this.buffer[0] = SLASH;
      this.length = 1;
    } else if (byte === STX) {
      this.flushNoise();
      this.startReadout();
    } else {
      this.noise++;
      if (byte & 0x80) this.noiseWithBit7++;
      if (this.noise >= this.maxFrameBytes) this.flushNoise();
    }
  }

  /** Inside a frame: STX, or '/' at the start of a line ("01/02/23" in a value is data). */
  startsNextFrame(byte: number): boolean {
    return byte === STX || (byte === SLASH && this.lineStart);
  }

  /** Appends to the frame buffer; on overflow discards the frame as overlong and returns false. */
  append(byte: number): boolean {
    if (this.length >= this.maxFrameBytes) {
      this.length++;
      this.dropFrame("overlong", `frame longer than ${this.maxFrameBytes} bytes`);
      return false;
    }
    this.buffer[this.length++] = byte;
    return true;
  }

  dropAsNoise(detail: string): void {
    this.length++;
    this.dropFrame("noise", detail);
  }

  /** Discards the frame in progress, then looks at `byte` afresh: it may start the next frame. */
  resyncAt(byte: number, reason: DiscardReason, detail: string): void {
    this.dropFrame(reason, detail);
    this.hunt(byte);
  }

  /** Discards the frame in progress with all bytes it consumed, and goes back to hunting. */
  dropFrame(reason: DiscardReason, detail: string): void {
    let consumed = this.length;
    if (this.state === State.Readout || this.state === State.ReadoutBcc)
      consumed += this.state === State.Readout ? 1 : 2;
    if (consumed > 0) this.emitDiscard(reason, consumed, detail);
    this.length = 0;
    this.state = State.Hunt;
    this.identification = null;
  }

  flushNoise(): void {
    if (this.noise === 0) return;
    const detail =
      !this.stripParityBit && this.noise >= 8 && this.noiseWithBit7 * 2 >= this.noise
        ? `${this.noiseWithBit7} of ${this.noise} bytes have bit 7 set: a 7E1 line read as 8N1? (option stripParityBit)`
        : undefined;
    this.emitDiscard("noise", this.noise, detail);
    this.noise = 0;
    this.noiseWithBit7 = 0;
  }

  emitFrame(frame: Iec62056Frame): void {
    this.out.push({ kind: "frame", frame });
  }

  emitDiscard(reason: DiscardReason, bytes: number, detail?: string): void {
    this.out.push(
      detail === undefined
        ? { kind: "discarded", reason, bytes }
        : { kind: "discarded", reason, bytes, detail },
    );
  }

  private startReadout(): void {
    this.state = State.Readout;
    this.length = 0;
    this.bcc = 0;
    this.lineStart = true;
    this.lineSlash = -1;
    this.identification = this.pendingIdentification;
    this.pendingIdentification = null;
  }
}
