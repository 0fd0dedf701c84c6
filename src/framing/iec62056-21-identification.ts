/**
 * The identification message a meter sends after a sign-on, and the one that opens a P1 telegram:
 * `/XXXZ\WIdent CR LF` (IEC 62056-21 §6.3.2; DSMR P1 5.0.2 §6.2 opens its telegram with the same
 * line). Pure text in, fields out.
 */

/** The protocol family the baud character announces (IEC 62056-21 §6.3.14, table "Baud rate identification"). */
type AnnouncedMode = "A" | "B" | "C";

export interface Identification {
  /** The line as sent, without '/' and CR LF, e.g. "LGZ4ZMF100AC.M26". */
  readonly text: string;
  /** XXX, e.g. "LGZ" (Landis+Gyr). */
  readonly manufacturer: string;
  /** A lower-case third letter means the meter's minimum reaction time is 20 ms instead of 200 ms (§6.3.2). */
  readonly fastReaction: boolean;
  /** Z, as sent. */
  readonly baudChar: string;
  /**
   * "C" for '0'…'9' (modes C, D and E use this table), "B" for 'A'…'I', "A" for anything else
   * (a mode A meter does not change baud rate).
   */
  readonly mode: AnnouncedMode;
  /** The announced rate in Bd; null for mode A and for the reserved characters ('7'…'9', 'G'…'I'). */
  readonly baudRate: number | null;
  /** W of the `\W` enhanced-capability marker: "2" = binary mode (HDLC, mode E). Null when absent. */
  readonly modeE: string | null;
  /** The manufacturer's free identification text after Z (and after `\W`). */
  readonly identifier: string;
}

/** Mode C/E rates by Z = '0'…'6' (§6.3.14); '7'…'9' are reserved. */
export const MODE_C_BAUD_RATES: readonly number[] = [300, 600, 1200, 2400, 4800, 9600, 19200];
/** Mode B rates by Z = 'A'…'F'; 'G'…'I' are reserved. */
const MODE_B_BAUD_RATES: readonly number[] = [600, 1200, 2400, 4800, 9600, 19200];

/**
 * The standard allows 16 identification characters; P1 meters in the field send more
 * ("XMX5LGBBFFB231237741", "ESY5Q3DA1004 V3.04"), so the bound is generous.
 */
const MAX_IDENTIFIER_LENGTH = 32;
const IDENTIFICATION = /^([A-Za-z]{3})([\x20-\x7e])(?:\\([\x20-\x7e]))?([\x20-\x7e]*)$/;

/** Parses the line without its leading '/' and trailing CR LF; null when it is not an identification. */
export function parseIdentification(text: string): Identification | null {
  const match = IDENTIFICATION.exec(text);
  if (!match) return null;
  const [, manufacturer = "", baudChar = "", modeE, identifier = ""] = match;
  // '/' and '!' open and close a request; they can never be the baud character or part of the text.
  if (baudChar === "/" || baudChar === "!" || /[/!]/.test(identifier)) return null;
  if (identifier.length > MAX_IDENTIFIER_LENGTH) return null;
  const { mode, baudRate } = announcedBaud(baudChar);
  return {
    text,
    manufacturer,
    fastReaction: manufacturer.charCodeAt(2) >= 0x61,
    baudChar,
    mode,
    baudRate,
    modeE: modeE ?? null,
    identifier,
  };
}

function announcedBaud(baudChar: string): { mode: AnnouncedMode; baudRate: number | null } {
  const code = baudChar.charCodeAt(0);
  if (code >= 0x30 && code <= 0x39) return { mode: "C", baudRate: MODE_C_BAUD_RATES[code - 0x30] ?? null };
  if (code >= 0x41 && code <= 0x49) return { mode: "B", baudRate: MODE_B_BAUD_RATES[code - 0x41] ?? null };
  return { mode: "A", baudRate: null };
}

/** The mode C baud character for a rate ('0' = 300 … '6' = 19200); null for a rate the table lacks. */
export function modeCBaudChar(baudRate: number): string | null {
  const index = MODE_C_BAUD_RATES.indexOf(baudRate);
  return index < 0 ? null : String.fromCharCode(0x30 + index);
}
