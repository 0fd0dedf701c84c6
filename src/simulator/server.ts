/**
 * The virtual E450 on TCP, as a ser2net-style serial bridge would present a real one: every connected
 * client receives the pushes at the meter's push interval; in the IEC 62056-21 format each connection
 * runs its own sign-on dialogue. Lifecycle per ARCHITECTURE §6: the constructor assigns, start() binds,
 * stop() closes every connection and the listener.
 */
import { createServer, type Server, type Socket } from "node:net";
import { applyLinkFaults, type FaultOptions, validateFaults } from "./faults.js";
import { FORMATS, type FormatName } from "./formats/index.js";
import { identificationFrame, readoutFrame } from "./formats/iec62056-21.js";
import type { MeterKeys } from "./formats/push-context.js";
import { ModeCDialogue } from "./iec-dialogue.js";
import type { RegisterCounters } from "./load-model.js";
import type { MeterIdentity } from "./meter-identity.js";
import { hostTimeZone } from "../time/zoned.js";
import { meterClockIn } from "./local-time.js";
import { createMeterState, type MeterState, nextPush, type RenderedPush } from "./virtual-meter.js";

export interface SimulatorOptions {
  readonly format: FormatName;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** 0 (default) lets the system choose a free port; RunningSimulator.port tells which. */
  readonly port?: number;
  /** Meter time between pushes, ms; default the format's real interval. */
  readonly intervalMs?: number;
  /** Meter time runs this many times faster than wall time (pushes come that much more often). */
  readonly speed?: number;
  readonly seed?: number;
  /** Meter time at start, epoch ms; default the wall clock. */
  readonly start?: number;
  readonly photovoltaicPeakWatts?: number | null;
  readonly keys?: MeterKeys;
  readonly faults?: FaultOptions;
  /** Monotonic milliseconds for elapsed time (default performance.now), so a wall-clock step cannot run the meter backwards. */
  readonly clock?: () => number;
  /** Counters a previous run ended with: the meter resumes from them (see RunningSimulator.counters). */
  readonly resumeFrom?: RegisterCounters;
  /**
   * IANA zone of the meter's clock; default the host's. e450 reads a meter's local time in the host's
   * zone, so a served meter on Central European Time was published an hour off on a UTC host.
   */
  readonly timeZone?: string;
  /** Called with every push as rendered, before link faults; for the in-process pipeline and tests. */
  readonly onPush?: (push: RenderedPush) => void;
}

export interface RunningSimulator {
  readonly host: string;
  readonly port: number;
  readonly identity: MeterIdentity;
  /** The register counters as of the last push, to resume from in a later run. */
  counters(): RegisterCounters;
  stop(): Promise<void>;
}

/** A client that stops reading does not make the meter wait: past this backlog its pushes are skipped. */
const MAX_CLIENT_BACKLOG = 64 * 1024;

class SimulatorServer {
  private readonly server: Server;
  private readonly clients = new Set<Socket>();
  private readonly state: MeterState;
  private readonly clock: () => number;
  private readonly wallStart: number;
  private readonly meterStart: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: SimulatorOptions) {
    const problems = validateSimulatorOptions(options);
    if (problems.length > 0) throw new RangeError(`invalid simulator options: ${problems.join("; ")}`);
    this.clock = options.clock ?? (() => performance.now());
    this.wallStart = this.clock();
    this.meterStart = options.start ?? Date.now();
    this.state = createMeterState({
      seed: options.seed,
      start: this.meterStart,
      photovoltaicPeakWatts: options.photovoltaicPeakWatts,
      ...(options.resumeFrom ? { resumeFrom: options.resumeFrom } : {}),
      timeZone: options.timeZone ?? hostTimeZone(),
    });
    this.server = createServer((socket) => this.accept(socket));
  }

  get identity(): MeterIdentity {
    return this.state.identity;
  }

  counters(): RegisterCounters {
    return this.state.model.counterState();
  }

  async start(): Promise<{ host: string; port: number }> {
    const host = this.options.host ?? "127.0.0.1";
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.options.port ?? 0, host, () => {
        this.server.off("error", reject);
        resolve();
      });
    });
    const spec = FORMATS[this.options.format];
    if (spec.mode === "push") {
      const interval = this.options.intervalMs ?? spec.pushIntervalMs;
      this.timer = setInterval(() => this.push(), interval / (this.options.speed ?? 1));
    }
    const address = this.server.address();
    if (address === null || typeof address === "string")
      throw new Error("the simulator is not on a TCP port");
    return { host, port: address.port };
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    for (const socket of this.clients) socket.destroy();
    this.clients.clear();
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Meter time now: the start time plus the wall time since, sped up. */
  private meterNow(): number {
    return this.meterStart + (this.clock() - this.wallStart) * (this.options.speed ?? 1);
  }

  private push(): void {
    const rendered = nextPush(this.options.format, this.state, this.meterNow(), this.options);
    this.options.onPush?.(rendered);
    const bytes = applyLinkFaults(rendered.frames, this.options.faults ?? {}, this.state.faultStream);
    for (const socket of this.clients) {
      if (socket.writableLength <= MAX_CLIENT_BACKLOG) socket.write(bytes);
    }
  }

  private accept(socket: Socket): void {
    this.clients.add(socket);
    socket.setNoDelay(true);
    socket.on("error", () => socket.destroy()); // a client vanishing is normal for a meter
    socket.on("close", () => this.clients.delete(socket));
    if (FORMATS[this.options.format].mode === "dialogue") this.converse(socket);
  }

  private converse(socket: Socket): void {
    const serial = this.state.identity.serialNumber;
    const dialogue = new ModeCDialogue([serial, serial.slice(-6)]);
    socket.on("data", (chunk: Buffer) => {
      for (const answer of dialogue.receive(chunk)) {
        const frames =
          answer.kind === "identification"
            ? [identificationFrame()]
            : [readoutFrame(this.state.model.advanceTo(this.meterNow()), this.state.identity)];
        socket.write(applyLinkFaults(frames, this.options.faults ?? {}, this.state.faultStream));
      }
    });
  }
}

/** Every problem with the options at once, so that nothing fails later inside a timer. */
function validateSimulatorOptions(options: SimulatorOptions): string[] {
  const problems: string[] = [];
  if (!(options.format in FORMATS)) problems.push(`format: unknown format "${options.format}"`);
  if (options.intervalMs !== undefined && !(options.intervalMs > 0)) problems.push("intervalMs: must be > 0");
  if (options.speed !== undefined && !(options.speed > 0)) problems.push("speed: must be > 0");
  if (
    options.port !== undefined &&
    !(Number.isInteger(options.port) && options.port >= 0 && options.port <= 65_535)
  ) {
    problems.push("port: must be an integer 0–65535");
  }
  if (
    options.keys &&
    (options.keys.encryptionKey.length !== 16 || options.keys.authenticationKey.length !== 16)
  ) {
    problems.push("keys: both keys must be 16 bytes");
  }
  if (options.timeZone !== undefined) {
    try {
      meterClockIn(options.timeZone);
    } catch {
      problems.push(`timeZone: "${options.timeZone}" is not an IANA time zone`);
    }
  }
  problems.push(...validateFaults(options.faults ?? {}).map((problem) => `faults.${problem}`));
  return problems;
}

export async function startSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  const server = new SimulatorServer(options);
  const { host, port } = await server.start();
  return {
    host,
    port,
    identity: server.identity,
    counters: () => server.counters(),
    stop: () => server.stop(),
  };
}
