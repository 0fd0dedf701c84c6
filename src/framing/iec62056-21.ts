/**
 * Incremental framer for the ASCII side of IEC 62056-21 (e450-protocols.md §1.3):
 *
 *  - identification lines `/XXXZ\WIdent CR LF` (§6.3.2),
 *  - mode A–D data readouts `STX data ETX BCC`, BCC = XOR of every byte after STX up to and
 *    including ETX (§6.3.3, §6.4),
 *  - P1/DSMR push telegrams `/Ident CR LF CR LF data ! CRC CR LF`, CRC-16/ARC over '/' … '!'
 *    (DSMR P1 5.0.2 §6.2), and the DSMR 2.x/3 form that ends `! CR LF` without a CRC.
 *
 * An identification frame is emitted as soon as its CR LF arrives, because in modes A–C the meter then
 * waits for the reader; a telegram that follows the same line carries it again when it ends (and a
 * discarded telegram counts its bytes). Every other byte ends up in exactly one frame or one discard, and
 * the output does not depend on how the input was chunked. Frame starts ('/' and STX) resynchronise at any point; '/' only counts at the
 * start of a line inside a frame, so a value such as "01/02/23" cannot cut a readout.
 */
import { type Identification, parseIdentification } from "./iec62056-21-identification.js";
import type { DiscardReason, Framer, FramerOutput } from "./types.js";
import { crc16Arc } from "./crc16-arc.js";

export interface IdentificationFrame {
  readonly type: "identification";
  readonly identification: Identification;
}

export interface ReadoutFrame {
  readonly type: "readout";
  /** The identification line received before this readout, if any (it names the meter when no C.1.0 does). */
  readonly identification: Identification | null;
  /** Text between STX and ETX as sent, the closing "!\r\n" included. */
  readonly data: string;
  readonly bcc: number;
}

export interface TelegramFrame {
  readonly type: "telegram";
  readonly identification: Identification;
  /** Data lines between the blank line and '!', CR LF included. */
  readonly data: string;
  /** The verified CRC-16/ARC; null for a DSMR 2.x/3 telegram that carries none. */
  readonly crc: number | null;
}

export type Iec62056Frame = IdentificationFrame | ReadoutFrame | TelegramFrame;

export interface Iec62056FramerOptions {
  /** Largest frame kept, in bytes; longer ones are discarded as "overlong". */
  readonly maxFrameBytes?: number;
  /**
   * Clear bit 7 of every byte. For a 7E1 line (the IEC 62056-21 optical port, DSMR 2.x/3 P1) read by a
   * port configured as 8N1, bit 7 carries the parity bit. Off by default: on an 8-bit line it would
   * corrupt data silently, and the checksum could no longer tell.
   */
  readonly stripParityBit?: boolean;
}

export const DEFAULT_MAX_FRAME_BYTES = 32_768;

const STX = 0x02;
const ETX = 0x03;
const LF = 0x0a;
const CR = 0x0d;
const BANG = 0x21;
const SLASH = 0x2f;
/** '/' + 3 + Z + '\W' + a generous identifier (see iec62056-21-identification.ts). */
const MAX_IDENTIFICATION_LINE = 1 + 3 + 1 + 2 + 32;

enum State {
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

export class Iec62056Framer implements Framer<Iec62056Frame> {
  private readonly maxFrameBytes: number;
  private readonly stripParityBit: boolean;
  private readonly buffer: Uint8Array;
  private length = 0;
  private state = State.Hunt;
  private lineStart = false;
  /** Index in the buffer of the last '/' on the current line, -1 when none. */
  private lineSlash = -1;
  private bcc = 0;
  private checksumDigits = 0;
  /** Bytes of the identification line (from '/', CR LF excluded) at the head of a telegram's buffer. */
  private identificationLength = 0;
  private identification: Identification | null = null;
  private pendingIdentification: Identification | null = null;
  private noise = 0;
  private noiseWithBit7 = 0;
  private out: FramerOutput<Iec62056Frame>[] = [];

  constructor(options: Iec62056FramerOptions = {}) {
    this.maxFrameBytes = Math.max(64, options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES);
    this.stripParityBit = options.stripParityBit ?? false;
    this.buffer = new Uint8Array(this.maxFrameBytes);
  }

  /** `now` is unused: frame boundaries are given by the bytes alone, so replays and live reads agree. */
  push(chunk: Uint8Array, _now: number): FramerOutput<Iec62056Frame>[] {
    const strip = this.stripParityBit;
    let i = 0;
    while (i < chunk.length) {
      if (this.state === State.Readout || this.state === State.TelegramBody)
        i = this.copyPlainBytes(chunk, i);
      if (i < chunk.length) this.step(strip ? chunk[i++]! & 0x7f : chunk[i++]!);
    }
    const out = this.out;
    this.out = [];
    return out;
  }

  /** End of input (a replay file ends, a port closes): reports what was still pending. */
  flush(): FramerOutput<Iec62056Frame>[] {
    // After an identification its bytes have been emitted already; only a CR of a blank line is pending.
    if (this.state === State.AfterIdentificationCr) this.noise++;
    this.flushNoise();
    if (this.state === State.AfterIdentification || this.state === State.AfterIdentificationCr) {
      this.length = 0;
      this.state = State.Hunt;
    } else if (this.state !== State.Hunt) {
      this.dropFrame("truncated", "input ended inside a frame");
    }
    const out = this.out;
    this.out = [];
    return out;
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

  private step(byte: number): void {
    switch (this.state) {
      case State.Hunt:
        this.hunt(byte);
        return;
      case State.Identification:
        if (byte === CR) {
          this.state = State.IdentificationCr;
          this.length++;
        } else if (byte >= 0x20 && byte <= 0x7e && byte !== SLASH) {
          if (this.length >= MAX_IDENTIFICATION_LINE) {
            this.dropAsNoise("identification too long");
            return;
          }
          this.buffer[this.length++] = byte;
        } else if (byte === SLASH || byte === STX) {
          this.dropFrame("truncated", "identification line cut short");
          this.hunt(byte);
        } else {
          this.dropAsNoise("control byte in an identification line");
        }
        return;
      case State.IdentificationCr:
        if (byte === LF) {
          this.endIdentification();
          return;
        }
        this.dropFrame("noise", "identification line without LF");
        this.hunt(byte);
        return;
      case State.AfterIdentification:
        if (byte === CR) {
          this.state = State.AfterIdentificationCr;
          return;
        }
        this.length = 0;
        this.state = State.Hunt;
        this.hunt(byte);
        return;
      case State.AfterIdentificationCr:
        if (byte === LF) {
          // A blank line after the identification: a P1 telegram (DSMR P1 5.0.2 §6.2).
          this.length = this.identificationLength + 2;
          this.buffer[this.length++] = CR;
          this.buffer[this.length++] = LF;
          this.pendingIdentification = null;
          this.lineStart = true;
          this.lineSlash = -1;
          this.state = State.TelegramBody;
          return;
        }
        this.length = 0;
        this.state = State.Hunt;
        this.noise++;
        this.hunt(byte);
        return;
      case State.TelegramBody:
        this.telegramBody(byte);
        return;
      case State.TelegramChecksum:
        this.telegramChecksum(byte);
        return;
      case State.TelegramChecksumCr:
        if (byte === LF) {
          this.endTelegram();
          return;
        }
        this.dropFrame("crc16", "no LF after the checksum");
        this.hunt(byte);
        return;
      case State.Readout:
        this.readout(byte);
        return;
      case State.ReadoutBcc:
        this.endReadout(byte);
        return;
    }
  }

  private hunt(byte: number): void {
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

  /**
   * The fast path through a readout or telegram body: copies bytes that need no decision (anything but
   * control characters up to LF, '/' and '!') straight into the frame; `step` handles the rest.
   */
  private copyPlainBytes(chunk: Uint8Array, from: number): number {
    const buffer = this.buffer;
    const mask = this.stripParityBit ? 0x7f : 0xff;
    const limit = this.maxFrameBytes;
    let length = this.length;
    let bcc = this.bcc;
    let i = from;
    while (i < chunk.length && length < limit) {
      const byte = chunk[i]! & mask;
      if (byte <= LF || byte === SLASH || byte === BANG) break;
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

  private startReadout(): void {
    this.state = State.Readout;
    this.length = 0;
    this.bcc = 0;
    this.lineStart = true;
    this.lineSlash = -1;
    this.identification = this.pendingIdentification;
    this.pendingIdentification = null;
  }

  private endIdentification(): void {
    const lineLength = this.length - 1; // without the CR already counted
    const text = asciiText(this.buffer, 1, lineLength);
    const identification = parseIdentification(text);
    if (!identification) {
      const detail = /^\?[^!]*!$/.test(text)
        ? "sign-on request (an echo of the reader)"
        : "not an identification";
      this.length++;
      this.emitDiscard("noise", this.length, detail);
      this.length = 0;
      this.state = State.Hunt;
      return;
    }
    this.out.push({ kind: "frame", frame: { type: "identification", identification } });
    this.identification = identification;
    this.pendingIdentification = identification;
    this.identificationLength = lineLength;
    // The CR LF stays in the buffer so a following telegram's CRC covers it.
    this.buffer[lineLength] = CR;
    this.buffer[lineLength + 1] = LF;
    this.state = State.AfterIdentification;
  }

  private telegramBody(byte: number): void {
    if (byte === STX || (byte === SLASH && this.lineStart)) {
      this.dropFrame("truncated", "telegram cut short by the next frame");
      this.hunt(byte);
      return;
    }
    if (!this.append(byte)) return;
    if (byte === BANG && this.lineStart) {
      this.checksumDigits = 0;
      this.state = State.TelegramChecksum;
    }
    this.trackLine(byte);
  }

  private telegramChecksum(byte: number): void {
    if (byte === CR) {
      this.state = State.TelegramChecksumCr;
      this.length++;
      return;
    }
    if (isHexDigit(byte) && this.checksumDigits < 4) {
      this.checksumDigits++;
      this.append(byte);
      return;
    }
    this.dropFrame("crc16", "malformed checksum field after '!'");
    this.hunt(byte);
  }

  private endTelegram(): void {
    const total = this.length + 1;
    const bangIndex = this.length - 1 - this.checksumDigits - 1; // buffer ends "! X X X X CR"
    const identification = this.identification!;
    const data = asciiText(this.buffer, this.identificationLength + 4, bangIndex);
    this.state = State.Hunt;
    this.length = 0;
    if (this.checksumDigits === 0) {
      // DSMR 2.x/3 telegrams have no CRC; only plain ASCII is accepted, as nothing else vouches for them.
      if (hasNonAscii(data)) {
        this.emitDiscard("noise", total, "non-ASCII byte in a telegram without CRC");
        return;
      }
      this.out.push({ kind: "frame", frame: { type: "telegram", identification, data, crc: null } });
      return;
    }
    if (this.checksumDigits !== 4) {
      this.emitDiscard("crc16", total, `checksum field has ${this.checksumDigits} digits, not 4`);
      return;
    }
    const sent = Number.parseInt(asciiText(this.buffer, bangIndex + 1, bangIndex + 5), 16);
    const computed = crc16Arc(this.buffer, 0, bangIndex + 1);
    if (sent !== computed) {
      this.emitDiscard("crc16", total, `CRC sent ${hex4(sent)}, computed ${hex4(computed)}`);
      return;
    }
    this.out.push({ kind: "frame", frame: { type: "telegram", identification, data, crc: sent } });
  }

  private readout(byte: number): void {
    if (byte === ETX) {
      this.bcc ^= byte;
      this.state = State.ReadoutBcc;
      return;
    }
    if (byte === STX || (byte === SLASH && this.lineStart)) {
      this.dropFrame("truncated", "readout cut short by the next frame");
      this.hunt(byte);
      return;
    }
    if (!this.append(byte)) return;
    this.bcc ^= byte;
    this.trackLine(byte);
  }

  /**
   * Follows line starts, and catches a frame that was cut mid-line by the next one: a line that ends in
   * "/XXXZIdent CR LF" is a new identification, whatever came before the '/' on that line.
   */
  private trackLine(byte: number): void {
    this.lineStart = byte === LF;
    if (byte === SLASH) this.lineSlash = this.length - 1;
    if (byte !== LF) return;
    const slash = this.lineSlash;
    this.lineSlash = -1;
    if (slash <= 0 || this.buffer[this.length - 2] !== CR) return;
    if (!parseIdentification(asciiText(this.buffer, slash + 1, this.length - 2))) return;
    const framing = this.state === State.Readout ? 1 : 0; // the STX, which is not in the buffer
    this.emitDiscard("truncated", slash + framing, "frame cut short by the next identification");
    const lineEnd = this.length;
    this.buffer.copyWithin(0, slash, lineEnd);
    this.length = lineEnd - slash - 1; // '/' … CR, as the identification state counts it
    this.endIdentification();
  }

  private endReadout(sentBcc: number): void {
    const total = this.length + 3; // STX, ETX and BCC
    const data = asciiText(this.buffer, 0, this.length);
    const identification = this.identification;
    this.state = State.Hunt;
    this.length = 0;
    this.identification = null;
    if (sentBcc !== this.bcc) {
      this.emitDiscard("bcc", total, `BCC sent ${hex2(sentBcc)}, computed ${hex2(this.bcc)}`);
      return;
    }
    this.out.push({ kind: "frame", frame: { type: "readout", identification, data, bcc: sentBcc } });
  }

  /** Appends to the frame buffer; on overflow discards the frame as overlong and returns false. */
  private append(byte: number): boolean {
    if (this.length >= this.maxFrameBytes) {
      this.length++;
      this.dropFrame("overlong", `frame longer than ${this.maxFrameBytes} bytes`);
      return false;
    }
    this.buffer[this.length++] = byte;
    return true;
  }

  private dropAsNoise(detail: string): void {
    this.length++;
    this.dropFrame("noise", detail);
  }

  /** Discards the frame in progress with all bytes it consumed, and goes back to hunting. */
  private dropFrame(reason: DiscardReason, detail: string): void {
    let consumed = this.length;
    if (this.state === State.Readout || this.state === State.ReadoutBcc)
      consumed += this.state === State.Readout ? 1 : 2;
    if (consumed > 0) this.emitDiscard(reason, consumed, detail);
    this.length = 0;
    this.state = State.Hunt;
    this.identification = null;
  }

  private flushNoise(): void {
    if (this.noise === 0) return;
    const detail =
      !this.stripParityBit && this.noise >= 8 && this.noiseWithBit7 * 2 >= this.noise
        ? `${this.noiseWithBit7} of ${this.noise} bytes have bit 7 set: a 7E1 line read as 8N1? (option stripParityBit)`
        : undefined;
    this.emitDiscard("noise", this.noise, detail);
    this.noise = 0;
    this.noiseWithBit7 = 0;
  }

  private emitDiscard(reason: DiscardReason, bytes: number, detail?: string): void {
    this.out.push(
      detail === undefined
        ? { kind: "discarded", reason, bytes }
        : { kind: "discarded", reason, bytes, detail },
    );
  }
}

export function createIec62056Framer(options?: Iec62056FramerOptions): Iec62056Framer {
  return new Iec62056Framer(options);
}

const ASCII_DECODER = new TextDecoder("latin1");

/**
 * Bytes → text, one character per byte. TextDecoder is several times faster than fromCharCode, but its
 * "latin1" is windows-1252, which remaps 0x80–0x9F; a frame holding such bytes takes the exact path.
 */
function asciiText(bytes: Uint8Array, start: number, end: number): string {
  const slice = bytes.subarray(start, end);
  let seen = 0;
  for (let i = 0; i < slice.length; i++) seen |= slice[i]!;
  if (seen < 0x80) return ASCII_DECODER.decode(slice);
  let text = "";
  for (let i = 0; i < slice.length; i += 4096) {
    text += String.fromCharCode.apply(null, slice.subarray(i, i + 4096) as unknown as number[]);
  }
  return text;
}

function isHexDigit(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66);
}

function hasNonAscii(text: string): boolean {
  return /[^\x09\x0a\x0d\x20-\x7e]/.test(text);
}

const hex2 = (value: number) => value.toString(16).toUpperCase().padStart(2, "0");
const hex4 = (value: number) => value.toString(16).toUpperCase().padStart(4, "0");
