/**
 * How the mode C/D readout session is tuned, and what it reports.
 */
import type { Iec62056FramerOptions } from "../framing/iec62056-21.js";

/** Stable issue codes; the message is for people. */
export type SessionIssueCode =
  | "iec-no-identification" // nothing (or nothing valid) answered the sign-on in time
  | "iec-readout-timeout" // the readout stopped arriving
  | "iec-readout-discarded" // the readout was cut short or too long
  | "iec-mode-e" // the meter speaks mode E (HDLC/DLMS), which a readout cannot read
  | "iec-baud-above-maximum" // a mode B meter switches to a rate above the configured maximum
  | "checksum" // BCC mismatch (DecodeErrorCode "checksum")
  | "malformed" // a verified readout without one data set (DecodeErrorCode "malformed")
  | "iec-unparsed-lines"; // a verified readout with lines that are not data sets (they are skipped)

export type SessionPhase =
  | "idle" // not started
  | "awaiting-identification"
  | "changing-baud" // ACK sent; waiting until it has left the UART before switching
  | "awaiting-readout"
  | "waiting" // between polls, or backing off after a failure
  | "stopped"; // nothing more to do (mode E meter)

export interface ModeCSessionOptions {
  /** Time from one sign-on to the next when all goes well. */
  readonly pollIntervalMs: number;
  /** Device address for `/?<address>!` (up to 32 characters, §6.3.1); empty for "any meter". */
  readonly address?: string;
  /** Highest rate to change over to (an IR head or a bridge may not manage 19200). Default 19200. */
  readonly maxBaudRate?: number;
  /** Silence allowed while waiting for the identification (§6.3.14: tr ≤ 1500 ms). Default 1500. */
  readonly identificationTimeoutMs?: number;
  /** Silence allowed during the readout, from the baud switch on. Default 5000. */
  readonly readoutTimeoutMs?: number;
  /**
   * Delay from writing the ACK to switching baud rate: the 6 ACK characters take 200 ms at 300 Bd, and
   * the meter answers 200–1500 ms after them at the new rate (§6.3.14 tr). Default 300.
   */
  readonly baudSwitchDelayMs?: number;
  /** First retry after a failed attempt; doubles per consecutive failure. Default 2000. */
  readonly retryDelayMs?: number;
  /** Cap of the retry delay. Default 60000. */
  readonly maxRetryDelayMs?: number;
  /**
   * A mode E meter may also be asked for a plain mode C readout (ACK with protocol character '0',
   * §6.3.2 / Annex E). Off by default: the meter is reported as needing the DLMS client instead.
   */
  readonly readoutOnModeE?: boolean;
  readonly framer?: Iec62056FramerOptions;
}
