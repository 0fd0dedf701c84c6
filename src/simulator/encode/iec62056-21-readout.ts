/**
 * IEC 62056-21 messages a mode C meter sends (IEC 62056-21 §6.3): the
 * identification `/XXXZident CR LF` and the data message `STX data-lines ! CR LF ETX BCC`, where BCC
 * is the XOR of every byte after STX up to and including ETX.
 */
import { asciiBytes } from "./axdr.js";

const STX = 0x02;
const ETX = 0x03;

export interface ReadoutLine {
  /** The address as the meter writes it: "1.8.1", "32.7", "C.1.0", "F.F". */
  readonly code: string;
  readonly value: string;
  readonly unit?: string;
}

export interface Identification {
  /** Three-letter manufacturer ("LGZ" = Landis+Gyr). */
  readonly manufacturer: string;
  /** Baud rate character: '0'…'6' = 300…19200 Bd in mode C. */
  readonly baudCharacter: string;
  readonly identifier: string;
}

export function encodeIdentification(identification: Identification): Uint8Array {
  const { manufacturer, baudCharacter, identifier } = identification;
  if (!/^[A-Za-z]{3}$/.test(manufacturer)) throw new RangeError(`manufacturer "${manufacturer}"`);
  if (!/^[0-6]$/.test(baudCharacter)) throw new RangeError(`mode C baud character "${baudCharacter}"`);
  return asciiBytes(`/${manufacturer}${baudCharacter}${identifier}\r\n`);
}

function formatReadoutLine(line: ReadoutLine): string {
  return `${line.code}(${line.value}${line.unit === undefined ? "" : `*${line.unit}`})`;
}

export function encodeReadout(lines: readonly ReadoutLine[]): Uint8Array {
  const text = `${lines.map((line) => `${formatReadoutLine(line)}\r\n`).join("")}!\r\n`;
  const body = asciiBytes(text);
  const message = new Uint8Array(body.length + 3);
  message[0] = STX;
  message.set(body, 1);
  message[body.length + 1] = ETX;
  let bcc = 0;
  for (let i = 1; i < message.length - 1; i++) bcc ^= message[i]!;
  message[message.length - 1] = bcc;
  return message;
}
