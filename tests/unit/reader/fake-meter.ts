/**
 * A scripted IEC 62056-21 meter on a simulated line, and a discrete-event loop that drives a
 * ModeCSession against it with a fake clock (no real sleeps). Bytes only arrive intact when the port is
 * set to the rate the meter sends at; otherwise the port hears garbage, as a real UART would.
 */
import { ModeCSession } from "../../../src/reader/mode-c-session.js";
import type { ModeCSessionOptions } from "../../../src/reader/mode-c-options.js";
import type { ReaderOutput } from "../../../src/reader/reader.js";

export interface MeterScript {
  /** Identification line without '/' and CR LF, e.g. "LGZ4ZMF100AC.M26". */
  readonly identification: string;
  /** STX … ETX BCC as the meter sends it. */
  readonly readout: Uint8Array;
  /** Sign-ons ignored before the meter first answers (0 = answers at once; Infinity = never). */
  readonly silentSignOns?: number;
  /** Answers the ACK but never sends the readout. */
  readonly noReadout?: boolean;
  /** The readout is delivered in pieces of this many bytes, 20 ms apart. */
  readonly chunkBytes?: number;
  /** The optical head echoes everything the reader writes. */
  readonly echo?: boolean;
}

export interface LoggedAction {
  readonly at: number;
  readonly action: ReaderOutput;
}

interface Transmission {
  readonly at: number;
  readonly baud: number;
  readonly bytes: Uint8Array;
}

const ascii = (text: string) => Uint8Array.from(text, (ch) => ch.charCodeAt(0));
const text = (bytes: Uint8Array) => String.fromCharCode(...bytes);
const MODE_C_RATES = [300, 600, 1200, 2400, 4800, 9600, 19200];
const MODE_B_RATES = [600, 1200, 2400, 4800, 9600, 19200];

export class FakeMeter {
  private signOns = 0;
  private readonly queue: Transmission[] = [];

  constructor(private readonly script: MeterScript) {}

  nextTransmission(): Transmission | undefined {
    return this.queue.reduce<Transmission | undefined>((a, t) => (a && a.at <= t.at ? a : t), undefined);
  }

  take(transmission: Transmission): void {
    this.queue.splice(this.queue.indexOf(transmission), 1);
  }

  /** What the reader wrote, heard at `portBaud`; the meter listens at 300 Bd outside a readout. */
  hear(bytes: Uint8Array, at: number, portBaud: number): void {
    if (this.script.echo) this.queue.push({ at, baud: portBaud, bytes });
    if (portBaud !== 300) return;
    const written = text(bytes);
    if (/^\/\?[^!]*!\r\n$/.test(written)) {
      this.signOns++;
      if (this.signOns <= (this.script.silentSignOns ?? 0)) return;
      // 400 ms: the request's 5 characters at 300 Bd (167 ms) plus the meter's reaction time tr.
      const answerAt = at + 400;
      this.queue.push({ at: answerAt, baud: 300, bytes: ascii(`/${this.script.identification}\r\n`) });
      const z = this.script.identification.charAt(3);
      const modeB = MODE_B_RATES["ABCDEF".indexOf(z)];
      // Modes A and B send the readout without an ACK, B at its own new rate.
      if (modeB !== undefined) this.sendReadout(answerAt + 600, modeB);
      else if (!/[0-9]/.test(z)) this.sendReadout(answerAt + 600, 300);
      return;
    }
    const ack = /^\x060([0-6])0\r\n$/.exec(written);
    // 500 ms: the ACK's 6 characters at 300 Bd (200 ms) plus tr, then at the acknowledged rate.
    if (ack) this.sendReadout(at + 500, MODE_C_RATES[Number(ack[1])]!);
  }

  private sendReadout(at: number, baud: number): void {
    if (this.script.noReadout) return;
    const size = this.script.chunkBytes ?? this.script.readout.length;
    for (let offset = 0, n = 0; offset < this.script.readout.length; offset += size, n++) {
      this.queue.push({ at: at + n * 20, baud, bytes: this.script.readout.subarray(offset, offset + size) });
    }
  }
}

/** Runs the session against the meter until `endAt` (ms of fake time); returns every action with its time. */
export function simulate(options: ModeCSessionOptions, meter: FakeMeter, endAt: number): LoggedAction[] {
  const session = new ModeCSession(options);
  const log: LoggedAction[] = [];
  let portBaud = 0;
  const apply = (actions: ReaderOutput[], at: number) => {
    for (const action of actions) {
      log.push({ at, action });
      if (action.kind === "configure") portBaud = action.format.baudRate;
      if (action.kind === "write") meter.hear(action.bytes, at, portBaud);
    }
  };
  apply(session.linkUp(0), 0);
  for (;;) {
    const transmission = meter.nextTransmission();
    const deadline = session.nextDeadline();
    const next = Math.min(transmission?.at ?? Infinity, deadline ?? Infinity);
    if (next > endAt) break;
    if (transmission && transmission.at === next) {
      meter.take(transmission);
      const heard = transmission.baud === portBaud ? transmission.bytes : transmission.bytes.map(() => 0xff);
      apply(session.push(heard, next), next);
    } else {
      apply(session.tick(next), next);
    }
  }
  return log;
}

/** A compact, comparable view of the log: "0 configure 300", "0 write /?!\r\n", "1.2 issue …". */
export function describeLog(log: readonly LoggedAction[]): string[] {
  return log.map(({ at, action }) => {
    switch (action.kind) {
      case "configure":
        return `${at} configure ${action.format.baudRate}`;
      case "write":
        return `${at} write ${JSON.stringify(text(action.bytes))}`;
      case "snapshot":
        return `${at} snapshot ${action.snapshot.meterId} (${action.snapshot.readings.length} readings)`;
      case "issue":
        return `${at} issue ${action.issue.code}`;
      default:
        return `${at} frame ${action.protocol}`;
    }
  });
}
