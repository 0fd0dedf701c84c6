/**
 * The IEC 62056-21 data readout dialogue (modes A, B and C; §6.4) as a pure state machine that drives a
 * port: the meter runtime feeds it bytes and the time, and carries out what it returns (a Reader, like
 * the stream decoder). No I/O, no timers: the runtime calls `tick(now)` at `nextDeadline()`.
 *
 *   300 Bd 7E1 → "/?!\r\n" → "/LGZ4ZMF100AC.M26\r\n" → ACK "\x06 0 4 0 \r\n" → (300 ms) → 4800 Bd
 *   → STX … ETX BCC → snapshot → wait for the next poll → back to 300 Bd and sign on again.
 */
import { DecodeError, type Issue } from "../model/issue.js";
import { createIec62056Framer, type Iec62056Framer, type ReadoutFrame } from "../framing/iec62056-21.js";
import {
  type Identification,
  MODE_C_BAUD_RATES,
  modeCBaudChar,
} from "../framing/iec62056-21-identification.js";
import type { Reader, ReaderOutput } from "./reader.js";
import { DecoderStats } from "./stats.js";
import type { SessionIssueCode, ModeCSessionOptions, SessionPhase } from "./mode-c-options.js";
import { decodeIec62056Frame } from "../iec62056/snapshot.js";

/** Every sign-on happens at 300 Bd (§6.3.1); the meter falls back to it after each readout. */
const SIGN_ON_BAUD = 300;
const ACK = 0x06;

export class ModeCSession implements Reader {
  readonly stats = new DecoderStats();
  private readonly options: Required<Omit<ModeCSessionOptions, "framer">>;
  private readonly framer: Iec62056Framer;
  private phaseValue: SessionPhase = "idle";
  private deadline: number | null = null;
  private cycleStartedAt = 0;
  private failures = 0;
  private identification: Identification | null = null;
  private readoutBaud = SIGN_ON_BAUD;

  constructor(options: ModeCSessionOptions) {
    // §6.3.1: the address is up to 32 characters; '/', '!' and control characters would end the request.
    if (!/^[\x20-\x7e]{0,32}$/.test(options.address ?? "") || /[/!]/.test(options.address ?? "")) {
      throw new RangeError(
        `address: up to 32 printable characters without '/' or '!', got "${options.address}"`,
      );
    }
    this.options = {
      pollIntervalMs: options.pollIntervalMs,
      address: options.address ?? "",
      maxBaudRate: options.maxBaudRate ?? 19200,
      identificationTimeoutMs: options.identificationTimeoutMs ?? 1500,
      readoutTimeoutMs: options.readoutTimeoutMs ?? 5000,
      baudSwitchDelayMs: options.baudSwitchDelayMs ?? 300,
      retryDelayMs: options.retryDelayMs ?? 2000,
      maxRetryDelayMs: options.maxRetryDelayMs ?? 60_000,
      readoutOnModeE: options.readoutOnModeE ?? false,
    };
    this.framer = createIec62056Framer(options.framer);
  }

  get phase(): SessionPhase {
    return this.phaseValue;
  }

  /** When `tick` must be called next; null when nothing is scheduled. */
  nextDeadline(): number | null {
    return this.deadline;
  }

  /** Every (re)opened link starts with a sign-on at 300 Bd. */
  linkUp(now: number): ReaderOutput[] {
    return this.signOn(now);
  }

  tick(now: number): ReaderOutput[] {
    if (this.deadline === null || now < this.deadline) return [];
    switch (this.phaseValue) {
      case "waiting":
        return this.signOn(now);
      case "changing-baud":
        // No framer reset: over a TCP bridge (no real baud change) the readout may already have begun,
        // and an echoed ACK or old-rate garbage is discarded as noise when the readout's STX arrives.
        this.awaitReadout(now);
        return [configure(this.readoutBaud)];
      case "awaiting-identification":
        return this.fail(
          now,
          "iec-no-identification",
          `no identification within ${this.options.identificationTimeoutMs} ms of the sign-on; check that the optical head sits on the meter's port`,
        );
      case "awaiting-readout":
        return this.fail(
          now,
          "iec-readout-timeout",
          `the readout stopped: nothing for ${this.options.readoutTimeoutMs} ms at ${this.readoutBaud} Bd`,
        );
      default:
        return [];
    }
  }

  push(bytes: Uint8Array, now: number): ReaderOutput[] {
    this.stats.bytesReceived += bytes.length;
    const actions: ReaderOutput[] = [];
    const waitingForMeter =
      this.phaseValue === "awaiting-identification" || this.phaseValue === "awaiting-readout";
    // Silence timeouts count from the last byte heard (§6.3.14: at most 1500 ms between characters).
    if (waitingForMeter && bytes.length > 0) this.deadline = now + this.silenceAllowed();
    for (const output of this.framer.push(bytes, now)) {
      if (output.kind === "frame") {
        const { frame } = output;
        if (frame.type === "identification" && this.phaseValue === "awaiting-identification") {
          actions.push(...this.onIdentification(frame.identification, now));
        } else if (
          frame.type === "readout" &&
          (this.phaseValue === "awaiting-readout" || this.phaseValue === "changing-baud")
        ) {
          // A bridge that ignores baud changes delivers the readout before our switch-over delay ends.
          actions.push(...this.onReadout(frame, now));
        }
      } else if (this.phaseValue === "awaiting-readout" && output.reason !== "noise") {
        const detail = output.detail ? ` (${output.detail})` : "";
        actions.push(
          ...(output.reason === "bcc"
            ? this.fail(now, "checksum", `readout rejected: block check character mismatch${detail}`)
            : this.fail(now, "iec-readout-discarded", `readout discarded as ${output.reason}${detail}`)),
        );
      }
    }
    return actions;
  }

  private signOn(now: number): ReaderOutput[] {
    this.framer.reset();
    this.identification = null;
    this.cycleStartedAt = now;
    this.phaseValue = "awaiting-identification";
    this.deadline = now + this.options.identificationTimeoutMs;
    const request = `/?${this.options.address}!\r\n`;
    return [configure(SIGN_ON_BAUD), { kind: "write", bytes: asciiBytes(request) }];
  }

  private onIdentification(identification: Identification, now: number): ReaderOutput[] {
    this.identification = identification;
    if (identification.modeE !== null && !this.options.readoutOnModeE) {
      this.phaseValue = "stopped";
      this.deadline = null;
      this.stats.reject("iec-mode-e");
      return [
        issue(
          "iec-mode-e",
          `this meter speaks IEC 62056-21 mode E (HDLC/DLMS), identification "${identification.text}"; reading it over the optical port needs the DLMS client, not yet supported`,
        ),
      ];
    }
    if (identification.mode === "A") {
      // Mode A: no acknowledgement and no baud change; the readout follows at 300 Bd (§6.4.1).
      this.readoutBaud = SIGN_ON_BAUD;
      this.awaitReadout(now);
      return [];
    }
    if (identification.mode === "B") {
      // Mode B: the meter switches on its own right after the identification, no ACK (§6.4.2).
      const rate = identification.baudRate ?? SIGN_ON_BAUD;
      if (rate > this.options.maxBaudRate) {
        return this.fail(
          now,
          "iec-baud-above-maximum",
          `the meter (mode B) switches to ${rate} Bd by itself, above the configured maximum of ${this.options.maxBaudRate} Bd`,
        );
      }
      this.readoutBaud = rate;
      this.awaitReadout(now);
      return rate === SIGN_ON_BAUD ? [] : [configure(rate)];
    }
    // Mode C (and mode E asked for a plain readout): ACK 0 Z 0, data readout at the chosen rate (§6.4.3).
    this.readoutBaud = this.chooseModeCRate(identification.baudRate ?? SIGN_ON_BAUD);
    const ack = Uint8Array.of(ACK, 0x30, modeCBaudChar(this.readoutBaud)!.charCodeAt(0), 0x30, 0x0d, 0x0a);
    if (this.readoutBaud === SIGN_ON_BAUD) {
      this.awaitReadout(now);
    } else {
      this.phaseValue = "changing-baud";
      this.deadline = now + this.options.baudSwitchDelayMs;
    }
    return [{ kind: "write", bytes: ack }];
  }

  private onReadout(frame: ReadoutFrame, now: number): ReaderOutput[] {
    // The framer was reset at the baud switch, so the session supplies the identification it heard.
    const withIdentification: ReadoutFrame = { ...frame, identification: this.identification };
    this.stats.framesReceived++;
    this.stats.lastFrameAt = now;
    try {
      const { snapshot, unparsed } = decodeIec62056Frame(withIdentification);
      this.failures = 0;
      this.stats.snapshots++;
      this.waitUntil(Math.max(now, this.cycleStartedAt + this.options.pollIntervalMs));
      const outputs: ReaderOutput[] = [{ kind: "snapshot", snapshot, protocol: "iec62056-21" }];
      if (unparsed.length > 0) {
        // Not fatal (the data sets around them were read), but worth a look: never guessed at.
        outputs.push(
          issue(
            "iec-unparsed-lines",
            `readout lines that are not data sets, skipped: ${unparsed.join(" | ")}`,
          ),
        );
      }
      return outputs;
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      return this.fail(now, error.code === "checksum" ? "checksum" : "malformed", error.message);
    }
  }

  /** The fastest table rate the meter offers that does not exceed the configured maximum. */
  private chooseModeCRate(announced: number): number {
    const limit = Math.min(announced, this.options.maxBaudRate);
    let chosen = SIGN_ON_BAUD;
    for (const rate of MODE_C_BAUD_RATES) if (rate <= limit) chosen = rate;
    return chosen;
  }

  private awaitReadout(now: number): void {
    this.phaseValue = "awaiting-readout";
    this.deadline = now + this.options.readoutTimeoutMs;
  }

  private silenceAllowed(): number {
    return this.phaseValue === "awaiting-identification"
      ? this.options.identificationTimeoutMs
      : this.options.readoutTimeoutMs;
  }

  /** Reports a failed attempt and retries after a delay that doubles per consecutive failure. */
  private fail(now: number, code: SessionIssueCode, message: string): ReaderOutput[] {
    this.failures++;
    this.stats.reject(code);
    const delay = Math.min(
      this.options.retryDelayMs * 2 ** (this.failures - 1),
      this.options.maxRetryDelayMs,
    );
    this.waitUntil(now + delay);
    return [issue(code, `${message}; retrying in ${formatSeconds(delay)}`)];
  }

  private waitUntil(at: number): void {
    this.phaseValue = "waiting";
    this.deadline = at;
  }
}

/** Every IEC 62056-21 exchange is 7 data bits, even parity, 1 stop bit (§6.1); only the rate changes. */
function configure(baudRate: number): ReaderOutput {
  return { kind: "configure", format: { baudRate, dataBits: 7, parity: "even", stopBits: 1 } };
}

function issue(code: SessionIssueCode, message: string): ReaderOutput {
  const value: Issue = { code, message };
  return { kind: "issue", issue: value };
}

function asciiBytes(text: string): Uint8Array {
  return Uint8Array.from(text, (ch) => ch.charCodeAt(0));
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}
