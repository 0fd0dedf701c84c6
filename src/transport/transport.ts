/**
 * The one interface to a device (ARCHITECTURE §1): bytes come out as events, bytes go in through
 * write(). Transports reconnect by themselves and never end the process; the constructor assigns,
 * start() does I/O, stop() undoes it.
 */
import { EventEmitter } from "node:events";
import type { LinkState } from "../model/link-state.js";
import type { SerialFormat } from "../model/serial-format.js";

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
  /**
   * Changes the line settings (IEC 62056-21 baud change-over, the "auto" hunt) within the current
   * link, so no "state" event; rejects, with a message safe to log, when the device refuses them.
   * A no-op where the link has none (a TCP bridge keeps its own settings, a replay has no line).
   */
  async setFormat(_format: SerialFormat): Promise<void> {}
}

/** Line settings of each E450 interface, each with where it comes from. */
export const SERIAL_PRESETS = {
  /** M-Bus customer interface: 2400 Bd 8E1 (scs lge450.py BAUDRATE/PARITY_EVEN). */
  mbus: { baudRate: 2400, dataBits: 8, parity: "even", stopBits: 1 },
  /**
   * Optical port configured to push: 9600 Bd 8N1 (Wiener Netze: bernikr/esphome-wienernetze-smartmeter
   * README; Netz Burgenland: tosog/nbsm).
   */
  "optical-push": { baudRate: 9600, dataBits: 8, parity: "none", stopBits: 1 },
  /** IEC 62056-21 sign-on: 300 Bd 7E1 (§6.1, §6.3.1), changed over after the identification. */
  "iec62056-21": { baudRate: 300, dataBits: 7, parity: "even", stopBits: 1 },
} as const satisfies Record<string, SerialFormat>;
