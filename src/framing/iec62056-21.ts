/**
 * Incremental framer for the ASCII side of IEC 62056-21, one state machine over three messages:
 *
 *  - identification lines `/XXXZ\WIdent CR LF` (IEC 62056-21 §6.3.2),
 *  - mode A–D data readouts `STX data ETX BCC`, BCC = XOR of every byte after STX up to and including
 *    ETX (IEC 62056-21 §6.3, data message and block check character; §6.4, protocol modes),
 *  - P1/DSMR push telegrams `/Ident CR LF CR LF data ! CRC CR LF`, CRC-16/ARC over '/' … '!'
 *    (DSMR P1 5.0.2 §6.2), and the DSMR 2.x/3 form that ends `! CR LF` without a CRC.
 *
 * An identification frame is emitted as soon as its CR LF arrives, because in modes A–C the meter then
 * waits for the reader; a telegram that follows the same line carries it again when it ends (and a
 * discarded telegram counts its bytes). Every other byte ends up in exactly one frame or one discard, and
 * the output does not depend on how the input was chunked. Frame starts ('/' and STX) resynchronise at
 * any point; '/' only counts at the start of a line inside a frame, so a value such as "01/02/23" cannot
 * cut a readout. Sans-IO: bytes in, outputs out; never throws on bytes; one buffer of `maxFrameBytes`.
 *
 * Transitions (`step` is this table; "resync" = discard the frame so far, re-read the byte in Hunt):
 *
 *   Hunt                   '/' → Identification · STX → Readout · other: counted as noise
 *   Identification         printable → Identification · CR → IdentificationCr · '/', STX: resync
 *   IdentificationCr       LF → AfterIdentification, emits the identification · other: resync
 *   AfterIdentification    CR → AfterIdentificationCr · other: Hunt, the byte re-read
 *   AfterIdentificationCr  LF → TelegramBody (the blank line of a P1 telegram) · other: Hunt, CR is noise
 *   TelegramBody           '!' at a line start → TelegramChecksum · STX, '/' at a line start: resync
 *   TelegramChecksum       hex digit (≤ 4) → TelegramChecksum · CR → TelegramChecksumCr · other: resync
 *   TelegramChecksumCr     LF → Hunt, emits the telegram or a crc16 discard · other: resync
 *   Readout                ETX → ReadoutBcc · STX, '/' at a line start: resync
 *   ReadoutBcc             the BCC → Hunt, emits the readout or a bcc discard
 *
 * Inside a readout or telegram a line ending in "/XXXZIdent CR LF" is a new identification: the frame
 * was cut short by the next one, whatever came before the '/' on that line. At the end of the input
 * (`flush`) a telegram whose checksum field is complete (4 digits, or a CR read after it) ends as at
 * its LF; any other frame in progress is discarded as truncated.
 */
import { crc16Arc } from "./crc16-arc.js";
import {
  DEFAULT_MAX_FRAME_BYTES,
  type Iec62056Frame,
  type Iec62056FramerOptions,
} from "./iec62056-21-frames.js";
import { type Identification, parseIdentification } from "./iec62056-21-identification.js";
import type { DiscardReason, Framer, FramerOutput } from "./types.js";

export type {
  Iec62056Frame,
  Iec62056FramerOptions,
  ReadoutFrame,
  TelegramFrame,
} from "./iec62056-21-frames.js";

// Control characters (IEC 62056-21 §6.3). Module-private on purpose: V8 reads a binding that is imported
// or exported through a module cell on every use, which made the byte loop about 15 % slower.
const STX = 0x02;
const ETX = 0x03;
const LF = 0x0a;
const CR = 0x0d;
const BANG = 0x21;
const SLASH = 0x2f;

/** '/' + XXX + Z + '\W' + the identifier bound of parseIdentification (iec62056-21-identification.ts). */
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
  /** 0x7f with stripParityBit, else 0xff. */
  private readonly mask: number;
  /**
   * The frame so far: '/' … of an identification line; the data after STX of a readout (STX and ETX are
   * not kept); a telegram from its '/' on, as its CRC covers every byte up to '!'.
   */
  private readonly buffer: Uint8Array;
  /** Bytes of the frame so far; counts a CR that is not stored yet, and one more on overflow. */
  private length = 0;
  private state = State.Hunt;
  /** Readout and telegram: the last byte was LF (or none yet), so '/' or '!' here is structure, not data. */
  private lineStart = false;
  /** Readout and telegram: index in the buffer of the last '/' on the current line, -1 when none. */
  private lineSlash = -1;
  /** Readout: XOR of the bytes after STX so far. */
  private bcc = 0;
  /** TelegramChecksum: hex digits after '!' so far. */
  private checksumDigits = 0;
  /** From an identification on: bytes of its line (from '/', CR LF excluded) at the head of the buffer. */
  private identificationLength = 0;
  /** The identification of the readout or telegram in progress. */
  private identification: Identification | null = null;
  /**
   * An identification line not yet followed by its frame: in mode C the readout comes only after the
   * reader's acknowledgement and a baud-rate change (IEC 62056-21 §6.4.3), so other bytes may come in
   * between. Taken by the next readout or telegram.
   */
  private pendingIdentification: Identification | null = null;
  /** Hunt: bytes outside any frame since the last report, and how many of them have bit 7 set. */
  private noise = 0;
  private noiseWithBit7 = 0;
  private out: FramerOutput<Iec62056Frame>[] = [];

  constructor(options: Iec62056FramerOptions = {}) {
    this.maxFrameBytes = Math.max(64, options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES);
    this.stripParityBit = options.stripParityBit ?? false;
    this.mask = this.stripParityBit ? 0x7f : 0xff;
    this.buffer = new Uint8Array(this.maxFrameBytes);
  }

  /** `now` is unused: frame boundaries are given by the bytes alone, so replays and live reads agree. */
  push(chunk: Uint8Array, _now: number): FramerOutput<Iec62056Frame>[] {
    const mask = this.mask;
    let i = 0;
    while (i < chunk.length) {
      if (this.state === State.Readout || this.state === State.TelegramBody) {
        i = this.copyPlainBytes(chunk, i);
        if (i === chunk.length) break;
      }
      this.step(chunk[i++]! & mask);
    }
    return this.takeOutput();
  }

  /**
   * End of input (a replay file ends, a port closes): reports what was still pending. A telegram
   * whose checksum is complete lacks only its closing CR LF, which the CRC does not cover (DSMR P1
   * 5.0.2 §6.2): it is finished when the CRC verifies, and otherwise discarded with the reason.
   */
  flush(): FramerOutput<Iec62056Frame>[] {
    // After an identification its bytes have been emitted already; only a CR of a blank line is pending.
    if (this.state === State.AfterIdentificationCr) this.noise++;
    this.flushNoise();
    if (this.state === State.AfterIdentification || this.state === State.AfterIdentificationCr) {
      this.length = 0;
      this.state = State.Hunt;
    } else if (this.state === State.TelegramChecksum || this.state === State.TelegramChecksumCr) {
      this.endTelegram(true);
    } else if (this.state !== State.Hunt) {
      this.discardFrame("truncated", "input ended inside a frame");
    }
    return this.takeOutput();
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

  /** One byte that needs a decision: the transition table of the header comment. */
  private step(byte: number): void {
    switch (this.state) {
      case State.Hunt:
        this.hunt(byte);
        break;
      case State.Identification:
        if (byte === CR) {
          this.length++; // counted now, written with its LF when the line is accepted
          this.state = State.IdentificationCr;
        } else if (byte >= 0x20 && byte <= 0x7e && byte !== SLASH) {
          if (this.length < MAX_IDENTIFICATION_LINE) this.buffer[this.length++] = byte;
          else this.discardFrame("noise", "identification too long", 1);
        } else if (byte === SLASH || byte === STX) {
          this.resync(byte, "truncated", "identification line cut short");
        } else {
          this.discardFrame("noise", "control byte in an identification line", 1);
        }
        break;
      case State.IdentificationCr:
        if (byte === LF) this.endIdentification();
        else this.resync(byte, "noise", "identification line without LF");
        break;
      case State.AfterIdentification:
        if (byte === CR) this.state = State.AfterIdentificationCr;
        else this.huntAfterIdentification(byte, 0);
        break;
      case State.AfterIdentificationCr:
        if (byte === LF) this.startTelegram();
        else this.huntAfterIdentification(byte, 1); // the CR read before was noise
        break;
      case State.TelegramBody:
        if (this.startsNextFrame(byte)) {
          this.resync(byte, "truncated", "telegram cut short by the next frame");
        } else if (this.append(byte)) {
          if (byte === BANG && this.lineStart) {
            this.checksumDigits = 0;
            this.state = State.TelegramChecksum;
          }
          this.trackLine(byte);
        }
        break;
      case State.TelegramChecksum:
        if (byte === CR) {
          this.length++; // counted, not kept: the CRC ends at '!'
          this.state = State.TelegramChecksumCr;
        } else if (isHexDigit(byte) && this.checksumDigits < 4) {
          this.checksumDigits++;
          this.append(byte);
        } else {
          this.resync(byte, "crc16", "malformed checksum field after '!'");
        }
        break;
      case State.TelegramChecksumCr:
        if (byte === LF) this.endTelegram();
        else this.resync(byte, "crc16", "no LF after the checksum");
        break;
      case State.Readout:
        if (byte === ETX) {
          this.bcc ^= ETX;
          this.state = State.ReadoutBcc;
        } else if (this.startsNextFrame(byte)) {
          this.resync(byte, "truncated", "readout cut short by the next frame");
        } else if (this.append(byte)) {
          this.bcc ^= byte;
          this.trackLine(byte);
        }
        break;
      case State.ReadoutBcc:
        this.endReadout(byte);
        break;
    }
  }

  /**
   * The fast path through a readout or telegram body: copies bytes that need no decision (anything but
   * control characters up to LF, '/' and '!') straight into the frame, as `step` would. Returns the index
   * of the first byte not copied.
   */
  private copyPlainBytes(chunk: Uint8Array, from: number): number {
    const buffer = this.buffer;
    const mask = this.mask;
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

  private hunt(byte: number): void {
    if (byte === SLASH) {
      this.flushNoise();
      this.buffer[0] = SLASH;
      this.length = 1;
      this.state = State.Identification;
    } else if (byte === STX) {
      this.flushNoise();
      this.length = 0;
      this.bcc = 0;
      this.lineStart = true;
      this.lineSlash = -1;
      this.identification = this.pendingIdentification;
      this.pendingIdentification = null;
      this.state = State.Readout;
    } else {
      this.noise++;
      if (byte & 0x80) this.noiseWithBit7++;
      if (this.noise >= this.maxFrameBytes) this.flushNoise();
    }
  }

  /** The identification was emitted already; what follows it is no telegram, so `byte` is read afresh. */
  private huntAfterIdentification(byte: number, noise: number): void {
    this.length = 0;
    this.state = State.Hunt;
    this.noise += noise;
    this.hunt(byte);
  }

  /** The line's LF: emits the identification, or discards a line that is none (an echoed "/?!"). */
  private endIdentification(): void {
    const lineLength = this.length - 1; // without the CR already counted
    const text = asciiText(this.buffer, 1, lineLength);
    const identification = parseIdentification(text);
    if (!identification) {
      const detail = /^\?[^!]*!$/.test(text)
        ? "sign-on request (an echo of the reader)"
        : "not an identification";
      this.emitDiscard("noise", this.length + 1, detail);
      this.length = 0;
      this.state = State.Hunt;
      return;
    }
    this.emitFrame({ type: "identification", identification });
    this.identification = identification;
    this.pendingIdentification = identification;
    this.identificationLength = lineLength;
    // The CR LF stays in the buffer so a following telegram's CRC covers it.
    this.buffer[lineLength] = CR;
    this.buffer[lineLength + 1] = LF;
    this.state = State.AfterIdentification;
  }

  /** A blank line after the identification: a P1 telegram (DSMR P1 5.0.2 §6.2). */
  private startTelegram(): void {
    let length = this.identificationLength + 2;
    this.buffer[length++] = CR;
    this.buffer[length++] = LF;
    this.length = length;
    this.pendingIdentification = null;
    this.lineStart = true;
    this.lineSlash = -1;
    this.state = State.TelegramBody;
  }

  /**
   * The telegram ends: normally at the LF after the checksum's CR (counted in `length`, not stored),
   * or at the end of the input, where the CR, or the CR and the LF, may be missing.
   */
  private endTelegram(endOfInput = false): void {
    const crRead = this.state === State.TelegramChecksumCr;
    const stored = crRead ? this.length - 1 : this.length;
    const total = endOfInput ? this.length : this.length + 1;
    const checksumDigits = this.checksumDigits;
    const bangIndex = stored - checksumDigits - 1;
    const identification = this.identification!;
    const data = asciiText(this.buffer, this.identificationLength + 4, bangIndex);
    this.state = State.Hunt;
    this.length = 0;
    if (endOfInput && !crRead && checksumDigits < 4) {
      // Without the CR nothing shows that the checksum field was complete: digits may have been cut off.
      const detail =
        checksumDigits === 0
          ? "input ended at the telegram's '!': its CRC digits may have been cut off"
          : `input ended inside the telegram's checksum (${checksumDigits} of 4 digits)`;
      this.emitDiscard("truncated", total, detail);
      return;
    }
    if (checksumDigits === 0) {
      // DSMR 2.x/3 telegrams have no CRC; only plain ASCII is accepted, as nothing else vouches for them.
      if (hasNonAscii(data)) this.emitDiscard("noise", total, "non-ASCII byte in a telegram without CRC");
      else this.emitFrame({ type: "telegram", identification, data, crc: null });
      return;
    }
    if (checksumDigits !== 4) {
      this.emitDiscard("crc16", total, `checksum field has ${checksumDigits} digits, not 4`);
      return;
    }
    const sent = Number.parseInt(asciiText(this.buffer, bangIndex + 1, bangIndex + 5), 16);
    const computed = crc16Arc(this.buffer, 0, bangIndex + 1);
    if (sent === computed) this.emitFrame({ type: "telegram", identification, data, crc: sent });
    else this.emitDiscard("crc16", total, `CRC sent ${hex4(sent)}, computed ${hex4(computed)}`);
  }

  /** The BCC after ETX ends the readout. */
  private endReadout(sentBcc: number): void {
    const total = this.length + 3; // STX, ETX and BCC
    const data = asciiText(this.buffer, 0, this.length);
    const identification = this.identification;
    this.state = State.Hunt;
    this.length = 0;
    this.identification = null;
    if (sentBcc === this.bcc) this.emitFrame({ type: "readout", identification, data, bcc: sentBcc });
    else this.emitDiscard("bcc", total, `BCC sent ${hex2(sentBcc)}, computed ${hex2(this.bcc)}`);
  }

  /** Inside a frame: STX, or '/' at the start of a line ("01/02/23" in a value is data). */
  private startsNextFrame(byte: number): boolean {
    return byte === STX || (byte === SLASH && this.lineStart);
  }

  /**
   * After a byte was appended to a readout or telegram: follows line starts, and catches a frame cut
   * mid-line by the next one, as a line that ends in "/XXXZIdent CR LF" is a new identification whatever
   * came before the '/' on that line.
   */
  private trackLine(byte: number): void {
    this.lineStart = byte === LF;
    if (byte === SLASH) this.lineSlash = this.length - 1;
    if (byte !== LF) return;
    const slash = this.lineSlash;
    this.lineSlash = -1;
    if (slash <= 0 || this.buffer[this.length - 2] !== CR) return;
    if (!parseIdentification(asciiText(this.buffer, slash + 1, this.length - 2))) return;
    const stx = this.state === State.Readout ? 1 : 0; // not in the buffer, yet consumed
    this.emitDiscard("truncated", slash + stx, "frame cut short by the next identification");
    const lineEnd = this.length;
    this.buffer.copyWithin(0, slash, lineEnd);
    this.length = lineEnd - slash - 1; // '/' … CR, as the Identification state counts it
    this.endIdentification();
  }

  /** Appends to the frame; on overflow discards it as overlong (with this byte) and returns false. */
  private append(byte: number): boolean {
    if (this.length < this.maxFrameBytes) {
      this.buffer[this.length++] = byte;
      return true;
    }
    this.discardFrame("overlong", `frame longer than ${this.maxFrameBytes} bytes`, 1);
    return false;
  }

  /** Discards the frame in progress, then reads `byte` afresh in Hunt: it may start the next frame. */
  private resync(byte: number, reason: DiscardReason, detail: string): void {
    this.discardFrame(reason, detail);
    this.hunt(byte);
  }

  /**
   * Discards the frame in progress with every byte it consumed (plus `extra` just read, not stored) and
   * goes back to Hunt. A readout's STX, and its ETX once read, are consumed but not in the buffer.
   */
  private discardFrame(reason: DiscardReason, detail: string, extra = 0): void {
    let consumed = this.length + extra;
    if (this.state === State.Readout) consumed += 1;
    else if (this.state === State.ReadoutBcc) consumed += 2;
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

  private emitFrame(frame: Iec62056Frame): void {
    this.out.push({ kind: "frame", frame });
  }

  private emitDiscard(reason: DiscardReason, bytes: number, detail?: string): void {
    this.out.push(
      detail === undefined
        ? { kind: "discarded", reason, bytes }
        : { kind: "discarded", reason, bytes, detail },
    );
  }

  private takeOutput(): FramerOutput<Iec62056Frame>[] {
    const out = this.out;
    this.out = [];
    return out;
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
