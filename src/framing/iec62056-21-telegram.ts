/**
 * P1/DSMR push telegrams `/Ident CR LF CR LF data ! CRC CR LF`, CRC-16/ARC over '/' … '!' (DSMR P1
 * 5.0.2 §6.2), and the DSMR 2.x/3 form that ends `! CR LF` without a CRC. A telegram is the blank line
 * that follows an identification line; the identification stays at the head of the buffer for the CRC.
 */
import { type FramerCore, State } from "./iec62056-21-core.js";
import { BANG, CR, LF, asciiText, hasNonAscii, hex4, isHexDigit } from "./iec62056-21-bytes.js";
import { trackLine } from "./iec62056-21-identification-line.js";
import { crc16Arc } from "./crc16-arc.js";

/** The first byte after an identification line: CR may begin the blank line that opens a telegram. */
export function afterIdentificationByte(core: FramerCore, byte: number): void {
  if (byte === CR) {
    core.state = State.AfterIdentificationCr;
    return;
  }
  core.length = 0;
  core.state = State.Hunt;
  core.hunt(byte);
}

/** The byte after that CR. */
export function afterIdentificationCrByte(core: FramerCore, byte: number): void {
  if (byte === LF) {
    // A blank line after the identification: a P1 telegram (DSMR P1 5.0.2 §6.2).
    core.length = core.identificationLength + 2;
    core.buffer[core.length++] = CR;
    core.buffer[core.length++] = LF;
    core.pendingIdentification = null;
    core.lineStart = true;
    core.lineSlash = -1;
    core.state = State.TelegramBody;
    return;
  }
  core.length = 0;
  core.state = State.Hunt;
  core.noise++;
  core.hunt(byte);
}

/** A data byte, or the '!' at the start of a line that ends the data. */
export function telegramBodyByte(core: FramerCore, byte: number): void {
  if (core.startsNextFrame(byte)) {
    core.resyncAt(byte, "truncated", "telegram cut short by the next frame");
    return;
  }
  if (!core.append(byte)) return;
  if (byte === BANG && core.lineStart) {
    core.checksumDigits = 0;
    core.state = State.TelegramChecksum;
  }
  trackLine(core, byte);
}

/** Up to four hex digits after '!', then CR. */
export function telegramChecksumByte(core: FramerCore, byte: number): void {
  if (byte === CR) {
    core.state = State.TelegramChecksumCr;
    core.length++;
    return;
  }
  if (isHexDigit(byte) && core.checksumDigits < 4) {
    core.checksumDigits++;
    core.append(byte);
    return;
  }
  core.resyncAt(byte, "crc16", "malformed checksum field after '!'");
}

/** The byte after the checksum's CR. */
export function telegramChecksumCrByte(core: FramerCore, byte: number): void {
  if (byte === LF) endTelegram(core);
  else core.resyncAt(byte, "crc16", "no LF after the checksum");
}

function endTelegram(core: FramerCore): void {
  const total = core.length + 1;
  const checksumDigits = core.checksumDigits;
  const bangIndex = core.length - 1 - checksumDigits - 1; // buffer ends "! X X X X CR"
  const identification = core.identification!;
  const data = asciiText(core.buffer, core.identificationLength + 4, bangIndex);
  core.state = State.Hunt;
  core.length = 0;
  if (checksumDigits === 0) {
    // DSMR 2.x/3 telegrams have no CRC; only plain ASCII is accepted, as nothing else vouches for them.
    if (hasNonAscii(data)) {
      core.emitDiscard("noise", total, "non-ASCII byte in a telegram without CRC");
      return;
    }
    core.emitFrame({ type: "telegram", identification, data, crc: null });
    return;
  }
  if (checksumDigits !== 4) {
    core.emitDiscard("crc16", total, `checksum field has ${checksumDigits} digits, not 4`);
    return;
  }
  const sent = Number.parseInt(asciiText(core.buffer, bangIndex + 1, bangIndex + 5), 16);
  const computed = crc16Arc(core.buffer, 0, bangIndex + 1);
  if (sent !== computed) {
    core.emitDiscard("crc16", total, `CRC sent ${hex4(sent)}, computed ${hex4(computed)}`);
    return;
  }
  core.emitFrame({ type: "telegram", identification, data, crc: sent });
}
