/**
 * The one interface to a device (ARCHITECTURE §1): bytes come out as events, bytes go in through
 * write(). Transports reconnect by themselves and never end the process; the constructor assigns,
 * start() does I/O, stop() undoes it.
 */
import { EventEmitter } from "node:events";

export type LinkState = "connecting" | "up" | "down" | "stopped";

export interface SerialFormat {
  readonly baudRate: number;
  readonly dataBits: 7 | 8;
  readonly parity: "none" | "even" | "odd";
  readonly stopBits: 1 | 2;
}

export interface TransportEvents {
  data: [chunk: Uint8Array];
  /** Link changes, with a plain reason for "down" (never containing credentials). */
  state: [state: LinkState, reason?: string];
}

export abstract class Transport extends EventEmitter<TransportEvents> {
  /** Where it reads from, safe to log. */
  abstract readonly description: string;
  abstract start(): Promise<void>;
  abstract stop(): Promise<void>;
  abstract write(bytes: Uint8Array): Promise<void>;
  /** Changes the line settings (IEC 62056-21 baud change-over); a no-op where the link has none. */
  async setFormat(_format: SerialFormat): Promise<void> {}
}

/** Line settings of each E450 interface (e450-protocols.md §1). */
export const SERIAL_PRESETS = {
  /** M-Bus customer interface: 2400 Bd 8E1 (scs lge450.py BAUDRATE/PARITY_EVEN). */
  mbus: { baudRate: 2400, dataBits: 8, parity: "even", stopBits: 1 },
  /** Optical port configured to push (Wiener Netze, Burgenland): 9600 Bd 8N1. */
  "optical-push": { baudRate: 9600, dataBits: 8, parity: "none", stopBits: 1 },
  /** IEC 62056-21 sign-on: 300 Bd 7E1, changed over after the identification. */
  "iec62056-21": { baudRate: 300, dataBits: 7, parity: "even", stopBits: 1 },
} as const satisfies Record<string, SerialFormat>;
