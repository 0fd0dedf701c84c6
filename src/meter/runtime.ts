/**
 * One configured meter, supervised: bytes from its transport into its reader (the stream decoder, or
 * the IEC 62056-21 mode C session that drives the port), snapshots through the integrity guard, the
 * sender identified, its availability tracked and derived values added, and everything out on the
 * bus as events keyed by this meter. Decoding stays pure; this is the thin shell that gives it a
 * clock, a port and timers. Nothing here ends the process: a failed write or line change becomes an
 * issue event, and the transport reconnects by itself (ARCHITECTURE §8).
 */
import type { MeterIdentity } from "../model/meter-identity.js";
import type { MeterBus } from "../bus/events.js";
import type { Logger } from "../logging/logger.js";
import type { Issue } from "../model/issue.js";
import type { LinkState } from "../model/link-state.js";
import type { SerialFormat } from "../model/serial-format.js";
import type { Snapshot } from "../model/snapshot.js";
import type { Reader, ReaderOutput } from "../reader/reader.js";
import type { Transport } from "../transport/transport.js";
import { Availability } from "./availability.js";
import { derivedReadings } from "./derived.js";
import { MeterIdentities } from "./identities.js";
import { IdentityGate } from "./identity-gate.js";
import { hostTimeZone, ZonedCalendar } from "../time/zoned.js";
import { CLOCK_OFFSET_WARNING_S, clockOffsetSeconds } from "./clock-offset.js";
import type { IntegrityGuard } from "./integrity-guard.js";
import { IssueLog } from "./issue-log.js";
import type { LinkWatchdogOptions } from "./link-watchdog.js";
import { checkRanges, type PlausibilityLimits } from "./plausibility.js";
import { ShapeWatch } from "./shape-watch.js";

/** Line settings to try in turn when the baud rate is "auto" and nothing decodes. */
export interface FormatHunt {
  readonly formats: readonly SerialFormat[];
  /** Silence (no frame with a good checksum) after which the next format is tried. */
  readonly afterMs: number;
}

export interface MeterRuntimeOptions {
  /** The configured meter's id: keys every event, and names a meter whose pushes carry no identity. */
  readonly id: string;
  /**
   * On a line several configured meters share: the configured id a physical meter's pushes belong
   * to (its snapshot and availability events carry it). Without it, everything is this runtime's id.
   */
  readonly route?: (identity: MeterIdentity) => string;
  readonly transport: Transport;
  readonly reader: Reader;
  readonly guard: IntegrityGuard;
  readonly availability: LinkWatchdogOptions;
  readonly hunt?: FormatHunt | null;
  /** The zone the meter's clock is read in; the host's by default, as everywhere else. */
  readonly meterTimeZone?: string;
  /** How often the counters go out as a diagnostics event. Default 10 s. */
  readonly diagnosticsEveryMs?: number;
  readonly clock?: () => number;
}

const DIAGNOSTICS_EVERY_MS = 10_000;

export class MeterRuntime {
  readonly id: string;
  private readonly route: (identity: MeterIdentity) => string;
  private readonly transport: Transport;
  private readonly reader: Reader;
  private readonly guard: IntegrityGuard;
  private readonly hunt: FormatHunt | null;
  private readonly clock: () => number;
  private readonly identities: MeterIdentities;
  private readonly gate: IdentityGate;
  private readonly availability: Availability;
  private readonly issues: IssueLog;
  private readonly limits: PlausibilityLimits;
  /** Per sender: the set of codes it sends, watched for sudden changes. */
  private readonly shapes = new Map<string, ShapeWatch>();
  /** Decoded pushes refused as a whole, by reason; joins the reader's rejected frames. */
  private readonly refused = new Map<string, number>();
  /** Readings dropped as implausible, by register kind. */
  private readonly implausible = new Map<string, number>();
  /** The reader asks the meter for its data (an IEC 62056-21 mode C session): readouts are answers. */
  private polled = false;
  private namelessReported = false;
  private readonly diagnosticsEveryMs: number;
  private deadlineTimer: ReturnType<typeof setTimeout> | undefined;
  private huntTimer: ReturnType<typeof setTimeout> | undefined;
  private diagnosticsTimer: ReturnType<typeof setInterval> | undefined;
  private huntIndex = 0;
  /** The serial settings the line is set to; null for a TCP bridge or the virtual meter. */
  private lineFormat: SerialFormat | null;
  /** Meter clock − host clock of the latest push with a clock, in s (clock-offset.ts). */
  private clockOffset: number | null = null;
  private clockWarnedAt: number | null = null;
  private readonly meterZone: ZonedCalendar;
  /** The reader's last good frame time when the hunt was last re-armed. */
  private lastGoodFrameAt: number | null = null;
  private running = false;
  /** Line settings are only worth changing on a port that is open: hunting a missing device is noise. */
  private linkIsUp = false;

  constructor(
    options: MeterRuntimeOptions,
    private readonly bus: MeterBus,
    private readonly logger: Logger,
  ) {
    this.id = options.id;
    this.route = options.route ?? (() => this.id);
    this.transport = options.transport;
    this.reader = options.reader;
    this.guard = options.guard;
    this.hunt = options.hunt && options.hunt.formats.length > 1 ? options.hunt : null;
    this.lineFormat = options.hunt?.formats[0] ?? null;
    this.meterZone = new ZonedCalendar(options.meterTimeZone ?? hostTimeZone());
    this.clock = options.clock ?? Date.now;
    this.diagnosticsEveryMs = options.diagnosticsEveryMs ?? DIAGNOSTICS_EVERY_MS;
    this.identities = new MeterIdentities(options.id);
    this.gate = new IdentityGate({ fallbackKey: options.id, known: (key) => this.guard.knows(key) });
    // The bound the guard puts on energy is the one on power: the main fuse (max_power_kw).
    this.limits = { maxPowerW: this.guard.maxPowerKw * 1000 };
    this.availability = new Availability(options.availability, (identity, online, timeoutMs) => {
      if (!online) logger.warn(`Meter ${identity.key}: no valid frame for ${timeoutMs} ms; marked offline`);
      this.bus.emit("availability", { meter: this.route(identity), identity, online, timeoutMs });
    });
    this.issues = new IssueLog(logger);
  }

  async start(): Promise<void> {
    this.running = true;
    this.transport.on("data", (chunk) => this.run(() => this.reader.push(chunk, this.clock())));
    this.transport.on("state", (state, reason) => this.onLinkState(state, reason));
    this.diagnosticsTimer = setInterval(() => this.publishDiagnostics(), this.diagnosticsEveryMs);
    await this.transport.start();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.deadlineTimer);
    clearTimeout(this.huntTimer);
    clearInterval(this.diagnosticsTimer);
    this.availability.stop();
    await this.transport.stop();
  }

  private onLinkState(state: LinkState, reason?: string): void {
    if (state === "down") this.logger.warn(`meter link down: ${reason ?? "unknown reason"}`);
    else if (state === "up") this.logger.info("meter link up");
    this.bus.emit(
      "link",
      reason === undefined ? { meter: this.id, state } : { meter: this.id, state, reason },
    );
    this.linkIsUp = state === "up";
    if (this.linkIsUp) this.armHunt();
    else clearTimeout(this.huntTimer);
    if (state === "up") this.run(() => this.reader.linkUp(this.clock()));
  }

  /**
   * One step of the reader and what follows from it. The pure core never throws on bytes (fuzzed in
   * tests/unit/decoder/fuzz.test.ts); should a bug make it, the step becomes an issue rather than an
   * exception in a transport's event handler, which would end the process.
   */
  private run(step: () => readonly ReaderOutput[]): void {
    try {
      this.perform(step());
    } catch (error) {
      this.report(failure("internal-error", "a bug stopped the decoding of this data", error));
      this.scheduleDeadline();
    }
  }

  /** Carries out what the reader returned, then wakes it at its next deadline. */
  private perform(outputs: readonly ReaderOutput[]): void {
    const now = this.clock();
    for (const output of outputs) {
      switch (output.kind) {
        case "snapshot":
          this.accept(output.snapshot, now);
          break;
        case "issue":
          this.report(output.issue, now);
          break;
        case "frame":
          this.bus.emit("frame", { meter: this.id, protocol: output.protocol, raw: output.raw, at: now });
          break;
        case "write":
          this.polled = true;
          this.transport
            .write(output.bytes)
            .catch((error: unknown) =>
              this.report(failure("write-failed", "cannot write to the meter", error)),
            );
          break;
        case "configure":
          this.changeFormat(output.format);
          break;
      }
    }
    if (this.reader.stats.lastFrameAt !== this.lastGoodFrameAt) this.armHunt();
    this.scheduleDeadline();
  }

  /**
   * A decoded snapshot on its way to the bus: refused when empty, held until its meter is confirmed
   * (identity-gate.ts), refused when its shape changed suddenly (shape-watch.ts), stripped of
   * impossible values (plausibility.ts) and of implausible totals (the integrity guard). Only what
   * remains is published, and only a published snapshot keeps its meter online.
   */
  private accept(snapshot: Snapshot, receivedAt: number): void {
    this.bus.emit("decoded", { meter: this.id, snapshot, receivedAt });
    this.noteClock(snapshot.meterTime, receivedAt);
    if (snapshot.readings.length === 0) {
      this.refuse(
        "empty-snapshot",
        "a decoded push or readout without any reading; not published",
        receivedAt,
      );
      return;
    }
    const admission = this.gate.admit(snapshot, receivedAt, this.polled);
    if (admission.kind === "refuse") {
      this.refuse("unidentified", `${admission.why}; not published`, receivedAt);
      return;
    }
    if (admission.kind === "hold") {
      this.onHeld(admission.key);
      return;
    }
    if (admission.first && !admission.named) {
      this.logger.info(
        `The meter has sent the same list without naming itself for 2 minutes; publishing it as meter ${this.id}`,
      );
    }
    // What was held for the confirmation only starts the guard's first-value check; it is not published.
    for (const earlier of admission.earlier)
      this.screen(admission.key, earlier.snapshot, earlier.receivedAt, false);
    const screened = this.screen(admission.key, snapshot, receivedAt, true);
    if (!screened) return;
    const identity = this.identities.identify(snapshot);
    const derived = derivedReadings(screened.readings);
    this.bus.emit("snapshot", {
      meter: this.route(identity),
      identity,
      snapshot: screened,
      derived,
      receivedAt,
    });
    this.availability.pushArrived(identity);
  }

  private noteClock(meterTime: string | null, receivedAt: number): void {
    const offset = clockOffsetSeconds(meterTime, receivedAt, this.meterZone);
    if (offset === null) return;
    this.clockOffset = offset;
    const far = Math.abs(offset) > CLOCK_OFFSET_WARNING_S;
    if (far && (this.clockWarnedAt === null || receivedAt - this.clockWarnedAt >= 3_600_000)) {
      this.clockWarnedAt = receivedAt;
      this.logger.warn(
        `meter ${this.id}: its clock is ${Math.abs(offset)} s ${offset > 0 ? "ahead of" : "behind"} this host's; check the host's time synchronisation (NTP) and time zone (TZ)`,
      );
    } else if (!far) this.clockWarnedAt = null;
  }

  /**
   * The shape and range checks, then the guard; null when nothing is left to publish. `report`: tell
   * the user and count (not for a snapshot replayed only to start the guard's confirmations).
   */
  private screen(key: string, snapshot: Snapshot, receivedAt: number, report: boolean): Snapshot | null {
    let watch = this.shapes.get(key);
    if (!watch) {
      watch = new ShapeWatch();
      this.shapes.set(key, watch);
    }
    const shape = watch.observe(snapshot);
    if (!shape.ok) {
      if (report)
        this.refuse("implausible-shape", `Meter ${key}: ${shape.why}; push not published`, receivedAt);
      return null;
    }
    const { kept, rejected } = checkRanges(snapshot.readings, this.limits);
    if (report) {
      for (const { kind, why } of rejected) {
        this.implausible.set(kind, (this.implausible.get(kind) ?? 0) + 1);
        this.report(
          { code: `implausible-${kind}`, message: `Meter ${key}: ${why}; not published` },
          receivedAt,
        );
      }
    }
    // Nothing plausible left: the push says nothing about the meter, not even that it is there.
    if (kept.length === 0) return null;
    return this.guard.check(
      key,
      rejected.length === 0 ? snapshot : { ...snapshot, readings: kept },
      receivedAt,
    ).snapshot;
  }

  private onHeld(key: string | null): void {
    if (key !== null) {
      this.logger.debug(`Meter ${key}: first push; published from the second that names it`);
      return;
    }
    if (this.namelessReported) return;
    this.namelessReported = true;
    this.logger.info(
      `The meter's pushes carry no identity (system title, serial number or logical device name): waiting for a push that names it; if none does within 2 minutes of the same list, they are published as meter ${this.id}`,
    );
  }

  private refuse(reason: string, message: string, at: number): void {
    this.refused.set(reason, (this.refused.get(reason) ?? 0) + 1);
    this.report({ code: reason, message }, at);
  }

  /** The panel's "accept a new baseline": the integrity guard forgets this meter's totals. */
  resetGuard(meterKey: string): boolean {
    const forgot = this.guard.forget(meterKey, this.clock());
    if (forgot) {
      this.logger.warn(
        `Integrity guard: the baselines of meter ${meterKey} were reset; each total is published again once a second reading confirms it`,
      );
    }
    return forgot;
  }

  private report(issue: Issue, at = this.clock()): void {
    this.issues.report(issue, at);
    this.bus.emit("issue", { meter: this.id, issue, at });
  }

  private changeFormat(format: SerialFormat): void {
    this.transport
      .setFormat(format)
      .then(() => {
        this.lineFormat = format;
      })
      .catch((error: unknown) =>
        this.report(
          failure("line-settings-failed", `cannot set the line to ${describeFormat(format)}`, error),
        ),
      );
  }

  private scheduleDeadline(): void {
    clearTimeout(this.deadlineTimer);
    const deadline = this.reader.nextDeadline();
    if (deadline === null || !this.running) return;
    this.deadlineTimer = setTimeout(
      () => this.run(() => this.reader.tick(this.clock())),
      Math.max(0, deadline - this.clock()),
    );
  }

  /** Frames with good checksums mean the line settings are right, even when a wrong key spoils them. */
  private armHunt(): void {
    this.lastGoodFrameAt = this.reader.stats.lastFrameAt;
    clearTimeout(this.huntTimer);
    if (!this.hunt || !this.running || !this.linkIsUp) return;
    const { afterMs } = this.hunt;
    this.huntTimer = setTimeout(() => this.nextFormat(afterMs), afterMs);
  }

  private nextFormat(silentMs: number): void {
    if (!this.hunt) return;
    this.huntIndex = (this.huntIndex + 1) % this.hunt.formats.length;
    const format = this.hunt.formats[this.huntIndex]!;
    this.logger.info(`no valid frame for ${silentMs / 1000} s; trying ${describeFormat(format)}`);
    this.changeFormat(format);
    // Bytes read at the old settings cannot complete a frame at the new ones.
    this.run(() => this.reader.linkUp(this.clock()));
    this.armHunt();
  }

  private publishDiagnostics(): void {
    const stats = this.reader.stats;
    const writes = this.guard.stateWrites;
    this.bus.emit("diagnostics", {
      meter: this.id,
      at: this.clock(),
      diagnostics: {
        bytesReceived: stats.bytesReceived,
        framesReceived: stats.framesReceived,
        framesRejected: Object.fromEntries([...stats.rejected, ...this.refused]),
        lostFrames: stats.lostFrames,
        decryptionFailures: stats.decryptionFailures,
        lastFrameAt: stats.lastFrameAt,
        totalsHeldBack: this.guard.counters.suspect,
        readingsRejected: Object.fromEntries(this.implausible),
        stateWriteFailures: writes.failures,
        lastStateError: writes.lastError,
        clockOffsetSeconds: this.clockOffset,
        line: this.lineFormat && {
          format: this.lineFormat,
          hunting:
            this.hunt !== null &&
            (stats.lastFrameAt === null || this.clock() - stats.lastFrameAt > this.hunt.afterMs),
        },
      },
    });
  }
}

function failure(code: string, what: string, error: unknown): Issue {
  return { code, message: `${what}: ${error instanceof Error ? error.message : String(error)}` };
}

function describeFormat(format: SerialFormat): string {
  return `${format.baudRate} Bd ${format.dataBits}${format.parity[0]!.toUpperCase()}${format.stopBits}`;
}
