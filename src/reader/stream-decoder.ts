/**
 * The whole ingest path as one incremental, pure object: byte chunks in, snapshots and issues out,
 * with every discard and rejection counted by reason. No I/O; the clock is passed in.
 *
 *   chunks → auto-detected framer (HDLC | M-Bus | IEC 62056-21) → segment joiners → GBT → push decoder
 */
import { DecodeError } from "../model/issue.js";
import { AutoFramer, type Candidate } from "../framing/auto.js";
import { HdlcFramer } from "../framing/hdlc.js";
import { HdlcSegmentJoiner } from "../framing/hdlc-reassembly.js";
import { createIec62056Framer, type Iec62056Frame } from "../framing/iec62056-21.js";
import { type LinkFrame, type LinkProtocol, tagged } from "../framing/link-frame.js";
import { MbusFramer } from "../framing/mbus.js";
import { MbusSegmentJoiner } from "../framing/mbus-reassembly.js";
import type { Framer, FramerOutput } from "../framing/types.js";
import { GBT_TAG, type GbtResult, GbtReassembler, parseGbtBlock } from "../dlms/gbt.js";
import { cipherHeader, decodePush, type PushOptions } from "../dlms/push.js";
import { hex } from "../model/bytes.js";
import { decodeIec62056Frame } from "../iec62056/snapshot.js";
import { FrameCounterTracker } from "../dlms/frame-counter.js";
import type { Snapshot } from "../model/snapshot.js";
import type { Reader, ReaderOutput } from "./reader.js";
import { DecoderStats } from "./stats.js";

export type Protocol = "auto" | LinkProtocol;

export interface StreamDecoderOptions extends PushOptions {
  readonly protocol?: Protocol;
  /** GBT end-of-push timeout; blocks can be ~3 s apart (esphome PR #16942). */
  readonly gbtTimeoutMs?: number;
}

/** A stream decoder never asks to write or to change the line: its outputs are these three. */
export type StreamEvent = Extract<ReaderOutput, { kind: "snapshot" | "issue" | "frame" }>;

/** Replays in a row, each decrypting correctly, that mean the meter's counter was reset. */
const REPLAYS_MEANING_RESET = 3;

export class StreamDecoder implements Reader {
  readonly stats = new DecoderStats();
  private readonly framer: Framer<LinkFrame>;
  private readonly hdlcJoiner = new HdlcSegmentJoiner();
  private readonly mbusJoiner = new MbusSegmentJoiner();
  private readonly gbt: GbtReassembler;
  private readonly counters = new FrameCounterTracker();
  private consecutiveReplays = 0;
  /** The meter this stream last named: one line carries one meter. */
  private knownMeterId: string | null = null;
  private wrongKeyReported = false;
  /**
   * The line has delivered a P1 telegram whose CRC verified. DSMR P1 from 4.0 on protects every
   * telegram with a CRC-16 (P1 5.0.2 §6.2); only 2.x/3 meters send none, and a meter does not switch.
   * So from then on a telegram without CRC is one whose CRC digits were lost or removed, and is
   * rejected. Kept across reconnects (`linkUp`): the same configured meter is behind the line; a
   * new stream decoder, i.e. a restart or a new configuration, starts without it.
   */
  private crcProtected = false;

  constructor(private readonly options: StreamDecoderOptions = {}) {
    this.gbt = new GbtReassembler(options.gbtTimeoutMs);
    this.framer = new AutoFramer<LinkFrame>(candidatesFor(options.protocol ?? "auto"));
  }

  push(chunk: Uint8Array, now: number): StreamEvent[] {
    const events = this.tick(now);
    this.feed(chunk, now, events);
    return events;
  }

  private feed(chunk: Uint8Array, now: number, events: StreamEvent[]): void {
    this.stats.bytesReceived += chunk.length;
    this.onFramerOutputs(this.framer.push(chunk, now), now, events);
  }

  private onFramerOutputs(outputs: FramerOutput<LinkFrame>[], now: number, events: StreamEvent[]): void {
    for (const output of outputs) {
      if (output.kind === "discarded") {
        this.stats.discard(output.reason, output.bytes);
        if (output.reason !== "noise") {
          events.push(
            issue(
              `frame-${output.reason}`,
              `frame discarded (${output.reason}${output.detail ? `: ${output.detail}` : ""})`,
            ),
          );
        }
        continue;
      }
      this.onLinkFrame(output.frame, now, events);
    }
  }

  /**
   * A bare APDU without link framing (a capture taken after the link layer, or a DLMS/UDP wrapper
   * payload): decoded as one push.
   */
  pushApdu(apdu: Uint8Array, now: number): StreamEvent[] {
    const events: StreamEvent[] = [];
    this.stats.framesReceived++;
    this.stats.lastFrameAt = now;
    this.onApdu(apdu, "apdu", now, events);
    for (const result of this.gbt.finish()) this.onGbt(result, events);
    return events;
  }

  /** Bytes from before a reconnect cannot complete a frame with bytes after it. */
  linkUp(_now: number): StreamEvent[] {
    this.reset();
    return [];
  }

  nextDeadline(): number | null {
    return this.gbt.deadline;
  }

  /** Time passes without bytes: drop overdue partial pushes. */
  tick(now: number): StreamEvent[] {
    const events: StreamEvent[] = [];
    for (const result of this.gbt.expire(now)) this.onGbt(result, events);
    return events;
  }

  /** End of a finite stream: report what was left incomplete. */
  finish(now: number): StreamEvent[] {
    const events: StreamEvent[] = [];
    // Far enough in the future that every framer gives up waiting for the rest of a frame.
    this.feed(new Uint8Array(0), now + 60_000, events);
    // A framer that does not wait on time (IEC 62056-21) says at the end what it still holds.
    this.onFramerOutputs(this.framer.flush?.() ?? [], now, events);
    for (const result of this.gbt.finish()) this.onGbt(result, events);
    return events;
  }

  /** After a reconnect: partial frames from before are worthless. */
  private reset(): void {
    this.framer.reset();
    this.hdlcJoiner.reset();
    this.mbusJoiner.reset();
    this.gbt.finish();
  }

  private onLinkFrame(linkFrame: LinkFrame, now: number, events: StreamEvent[]): void {
    if (linkFrame.link === "iec62056-21") {
      this.onAscii(linkFrame.frame, now, events);
      return;
    }
    const protocol = linkFrame.link;
    events.push({ kind: "frame", protocol, raw: linkFrame.frame.raw });
    this.stats.framesReceived++;
    this.stats.lastFrameAt = now;
    const assembly =
      linkFrame.link === "hdlc"
        ? this.hdlcJoiner.push(linkFrame.frame)
        : this.mbusJoiner.push(linkFrame.frame);
    if (assembly.kind === "pending") return;
    if (assembly.kind === "dropped") {
      this.stats.reject(assembly.reason);
      const detail = "detail" in assembly ? assembly.detail : assembly.reason;
      events.push(issue(assembly.reason, `link frame dropped (${detail})`));
      return;
    }
    this.onApdu(assembly.apdu, protocol, now, events);
  }

  private onApdu(apdu: Uint8Array, protocol: string, now: number, events: StreamEvent[]): void {
    if (apdu[0] !== GBT_TAG) {
      this.onPush(apdu, protocol, events);
      return;
    }
    try {
      for (const result of this.gbt.push(parseGbtBlock(apdu), now)) this.onGbt(result, events, protocol);
    } catch (error) {
      this.onDecodeError(error, events);
    }
  }

  private onGbt(result: GbtResult, events: StreamEvent[], protocol = "hdlc"): void {
    if (result.kind === "apdu") {
      this.onPush(result.apdu, protocol, events);
    } else if (result.kind === "rejected") {
      this.stats.reject(result.problem);
      events.push(issue(result.problem, `push dropped: ${result.detail}`));
    }
  }

  private onPush(apdu: Uint8Array, protocol: string, events: StreamEvent[]): void {
    const header = cipherHeader(apdu);
    const verdict = header ? this.counters.observe(hex(header.systemTitle), header.frameCounter) : null;
    if (verdict?.kind === "duplicate") {
      this.stats.reject("duplicate");
      events.push(
        issue("duplicate", `push with frame counter ${header!.frameCounter} received twice; ignored`),
      );
      return;
    }
    if (verdict?.kind === "gap") this.stats.lostFrames += verdict.lost;
    try {
      const decoded = decodePush(apdu, this.options);
      if (verdict?.kind === "replay") {
        if (++this.consecutiveReplays < REPLAYS_MEANING_RESET) {
          this.stats.reject("replay");
          events.push(
            issue(
              "replay",
              `frame counter ${header!.frameCounter} is below the last one seen (${verdict.last}); ignored`,
            ),
          );
          return;
        }
        this.counters.forget(hex(header!.systemTitle));
        this.counters.observe(hex(header!.systemTitle), header!.frameCounter);
      }
      this.consecutiveReplays = 0;
      this.wrongKeyReported = false;
      this.stats.snapshots++;
      events.push({ kind: "snapshot", snapshot: this.identified(decoded.snapshot), protocol });
    } catch (error) {
      const consecutive = verdict?.kind === "next";
      this.onDecodeError(error, events, consecutive);
    }
  }

  private onAscii(frame: Iec62056Frame, now: number, events: StreamEvent[]): void {
    if (frame.type === "identification") return;
    this.stats.framesReceived++;
    this.stats.lastFrameAt = now;
    if (frame.type === "telegram") {
      if (frame.crc !== null) {
        this.crcProtected = true;
      } else if (this.crcProtected) {
        this.stats.reject("crc-missing");
        events.push(
          issue(
            "crc-missing",
            "P1 telegram without CRC rejected: this meter sends CRC-protected telegrams, so its CRC was lost or removed",
          ),
        );
        return;
      }
    }
    try {
      const { snapshot } = decodeIec62056Frame(frame);
      this.stats.snapshots++;
      events.push({ kind: "snapshot", snapshot: this.identified(snapshot), protocol: "iec62056-21" });
    } catch (error) {
      this.onDecodeError(error, events);
    }
  }

  /**
   * Some push lists leave the serial out (the Swiss 5-second list next to a minute list that names
   * it): such a snapshot belongs to the meter the line last named, not to a second, nameless device.
   */
  private identified(snapshot: Snapshot): Snapshot {
    if (snapshot.meterId !== null) {
      this.knownMeterId = snapshot.meterId;
      return snapshot;
    }
    return this.knownMeterId === null ? snapshot : { ...snapshot, meterId: this.knownMeterId };
  }

  /**
   * A push whose counter follows the previous one arrived intact (its checksums passed), so a failed
   * tag or garbage plaintext cannot be line noise: the key is wrong. Said once, then counted.
   */
  private onDecodeError(error: unknown, events: StreamEvent[], consecutiveCounter = false): void {
    if (!(error instanceof DecodeError)) throw error;
    this.stats.reject(error.code);
    const keyProblem = error.code === "garbage-plaintext" || error.code === "auth-failed";
    if (keyProblem) this.stats.decryptionFailures++;
    if (keyProblem && consecutiveCounter) {
      if (this.wrongKeyReported) return;
      this.wrongKeyReported = true;
      events.push(
        issue(
          "wrong-key",
          `${error.message}. Check the key in the options; further failures are only counted.`,
        ),
      );
      return;
    }
    events.push(issue(error.code, error.message));
  }
}

function issue(code: string, message: string): StreamEvent {
  return { kind: "issue", issue: { code, message } };
}

function candidatesFor(protocol: Protocol): Candidate<LinkFrame>[] {
  const all: Candidate<LinkFrame>[] = [
    { name: "hdlc", framer: tagged("hdlc", new HdlcFramer()) },
    { name: "mbus", framer: tagged("mbus", new MbusFramer()) },
    { name: "iec62056-21", framer: tagged("iec62056-21", createIec62056Framer()) },
  ];
  return protocol === "auto" ? all : all.filter((candidate) => candidate.name === protocol);
}
