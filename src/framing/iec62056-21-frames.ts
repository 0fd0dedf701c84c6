/**
 * What the IEC 62056-21 framer (iec62056-21.ts, which re-exports all of this) emits, and its options.
 * Pure types and one constant.
 */
import type { Identification } from "./iec62056-21-identification.js";

interface IdentificationFrame {
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
