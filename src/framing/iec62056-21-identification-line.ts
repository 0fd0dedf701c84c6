/**
 * The identification line `/XXXZ\WIdent CR LF` (IEC 62056-21 §6.3.2) as the framer meets it: on its
 * own, where it is emitted at once (in modes A–C the meter then waits for the reader), and at the end
 * of a line inside a readout or telegram, where it means that frame was cut short by the next one.
 */
import { type FramerCore, State } from "./iec62056-21-core.js";
import { CR, LF, SLASH, STX, asciiText } from "./iec62056-21-bytes.js";
import { parseIdentification } from "./iec62056-21-identification.js";

/** '/' + 3 + Z + '\W' + a generous identifier (see iec62056-21-identification.ts). */
const MAX_IDENTIFICATION_LINE = 1 + 3 + 1 + 2 + 32;

/** A byte after the '/' of an identification line. */
export function identificationByte(core: FramerCore, byte: number): void {
  if (byte === CR) {
    core.state = State.IdentificationCr;
    core.length++;
  } else if (byte >= 0x20 && byte <= 0x7e && byte !== SLASH) {
    if (core.length >= MAX_IDENTIFICATION_LINE) {
      core.dropAsNoise("identification too long");
      return;
    }
    core.buffer[core.length++] = byte;
  } else if (byte === SLASH || byte === STX) {
    core.resyncAt(byte, "truncated", "identification line cut short");
  } else {
    core.dropAsNoise("control byte in an identification line");
  }
}

/** The byte after the line's CR. */
export function identificationCrByte(core: FramerCore, byte: number): void {
  if (byte === LF) endIdentification(core);
  else core.resyncAt(byte, "noise", "identification line without LF");
}

function endIdentification(core: FramerCore): void {
  const lineLength = core.length - 1; // without the CR already counted
  const text = asciiText(core.buffer, 1, lineLength);
  const identification = parseIdentification(text);
  if (!identification) {
    const detail = /^\?[^!]*!$/.test(text)
      ? "sign-on request (an echo of the reader)"
      : "not an identification";
    core.length++;
    core.emitDiscard("noise", core.length, detail);
    core.length = 0;
    core.state = State.Hunt;
    return;
  }
  core.emitFrame({ type: "identification", identification });
  core.identification = identification;
  core.pendingIdentification = identification;
  core.identificationLength = lineLength;
  // The CR LF stays in the buffer so a following telegram's CRC covers it.
  core.buffer[lineLength] = CR;
  core.buffer[lineLength + 1] = LF;
  core.state = State.AfterIdentification;
}

/**
 * Follows line starts inside a readout or telegram, and catches a frame that was cut mid-line by the
 * next one: a line that ends in "/XXXZIdent CR LF" is a new identification, whatever came before the
 * '/' on that line.
 */
export function trackLine(core: FramerCore, byte: number): void {
  core.lineStart = byte === LF;
  if (byte === SLASH) core.lineSlash = core.length - 1;
  if (byte !== LF) return;
  const slash = core.lineSlash;
  core.lineSlash = -1;
  if (slash <= 0 || core.buffer[core.length - 2] !== CR) return;
  if (!parseIdentification(asciiText(core.buffer, slash + 1, core.length - 2))) return;
  const framing = core.state === State.Readout ? 1 : 0; // the STX, which is not in the buffer
  core.emitDiscard("truncated", slash + framing, "frame cut short by the next identification");
  const lineEnd = core.length;
  core.buffer.copyWithin(0, slash, lineEnd);
  core.length = lineEnd - slash - 1; // '/' … CR, as the identification state counts it
  endIdentification(core);
}
