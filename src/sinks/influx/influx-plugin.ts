/**
 * The InfluxDB forwarder as a plugin on the meters' bus: turns events into line protocol, puts every
 * line into the durable queue before anything is sent, and runs the forwarder that empties it. Lines
 * are queued in one transaction at most every QUEUE_EVERY_MS, after the listeners that made them, so
 * the ingest path only pays for building the lines: a commit costs about 60 µs whatever it holds
 * (most of it the WAL's page writes), so a burst — many meters, a replay — is committed in a few
 * transactions instead of one per push (bench/influx.ts measures both).
 */
import { readFileSync } from "node:fs";
import type { MeterBus, MeterDiagnostics, MeterEvents } from "../../bus/events.js";
import type { Plugin } from "../../bus/plugin.js";
import { DataClock } from "../../insights/data-time.js";
import type { Logger } from "../../logging/logger.js";
import type { AnomalyIncident } from "../../model/insights.js";
import type { MeterIdentity } from "../../model/meter-identity.js";
import { ZonedCalendar, hostTimeZone } from "../../time/zoned.js";
import { CadenceGate } from "./cadence-gate.js";
import { Forwarder } from "./forwarder.js";
import { HttpWriteEndpoint, type WriteEndpoint } from "./http-writer.js";
import {
  anomalyPoint,
  costPoint,
  forecastPoints,
  type InsightPoint,
  intervalPoint,
  linkPoint,
} from "./insight-points.js";
import { formatLine } from "./line-protocol.js";
import { meterRows } from "./meter-points.js";
import { DurableQueue } from "./queue.js";
import type { InfluxOptions } from "./settings.js";

/** How often the queue's state goes on the bus (diagnostic entities) and its age cap is applied. */
const STATUS_PERIOD_MS = 10_000;
/**
 * The longest lines wait in memory before they are committed to the queue file: what a process killed
 * outright (SIGKILL, OOM) can lose; a stop commits them at once.
 */
const QUEUE_EVERY_MS = 100;
/** The queue warns when it passes this share of a cap, once until it is back under half. */
const WARN_SHARE = 0.8;

export interface InfluxPluginDeps {
  readonly now?: () => number;
  /** The meter's zone, for its local clock; the host's by default. */
  readonly meterTimeZone?: string;
  /** Replaces the HTTP endpoint (tests of the queue's behaviour). */
  readonly endpoint?: WriteEndpoint;
}

/** The tag a meter's points carry: its serial, else its identity key. */
const meterTag = (identity: MeterIdentity) => identity.serialNumber ?? identity.key;

export class InfluxPlugin implements Plugin {
  readonly name = "influxdb";
  private readonly now: () => number;
  private readonly gate: CadenceGate;
  private readonly zone: ZonedCalendar;
  private queue: DurableQueue | null = null;
  private forwarder: Forwarder | null = null;
  private unsubscribe: (() => void)[] = [];
  private pending: string[][] = [];
  private pendingLines = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  private statusTimer: NodeJS.Timeout | undefined;
  private droppedLines = 0;
  private warned = false;
  /** Per configured meter: its clock reader, its last attributed time, identity and availability. */
  private readonly meters = new Map<
    string,
    { clock: DataClock; lastMs: number | null; identity: MeterIdentity | null; online: boolean | null }
  >();
  /** What was last written per incident, so an unchanged incident is not written again. */
  private readonly incidents = new Map<string, string>();

  constructor(
    private readonly options: InfluxOptions,
    private readonly queueFile: string,
    private readonly logger: Logger,
    private readonly deps: InfluxPluginDeps = {},
  ) {
    this.now = deps.now ?? Date.now;
    this.gate = new CadenceGate({
      totals: options.totalsIntervalSeconds * 1000,
      fast: options.fastIntervalSeconds * 1000,
    });
    this.zone = new ZonedCalendar(deps.meterTimeZone ?? hostTimeZone());
  }

  start(bus: MeterBus): void {
    const endpoint = this.deps.endpoint ?? new HttpWriteEndpoint(this.options, this.readCa());
    const queue = DurableQueue.open(this.queueFile, this.logger, this.now);
    this.queue = queue;
    this.forwarder = new Forwarder(
      queue,
      endpoint,
      { batchLines: this.options.batchLines, flushMs: this.options.flushMs },
      this.logger,
      { now: this.now, random: Math.random },
    );
    const waiting = queue.current().lines;
    this.logger.info(
      `forwarding to ${endpoint.description}${waiting > 0 ? `; ${waiting} lines queued before are sent first` : ""}`,
    );
    this.unsubscribe = [
      bus.on("snapshot", (event) => this.onSnapshot(event)),
      bus.on("availability", (event) => {
        this.meter(event.meter).online = event.online;
      }),
      bus.on("diagnostics", (event) => this.onDiagnostics(event.meter, event.diagnostics, event.at)),
      bus.on("interval", (event) =>
        this.queuePoints(event.identity, [intervalPoint(event.interval)], "intervals"),
      ),
      bus.on("cost", (event) =>
        this.queuePoints(event.identity, [costPoint(event.state, this.now())], "costs"),
      ),
      bus.on("forecast", (event) =>
        this.queuePoints(event.identity, forecastPoints(event.state, this.now()), "forecasts"),
      ),
      bus.on("anomalies", (event) =>
        this.onAnomalies(event.identity, [...event.fired, ...event.state.open], event.state.last),
      ),
    ];
    const report = () => bus.emit("forwarder", { status: this.status(), at: this.now() });
    this.statusTimer = setInterval(() => {
      this.trim();
      report();
    }, STATUS_PERIOD_MS);
    this.statusTimer.unref();
    // At once too, so the diagnostic entities show a queue left from before without a 10 s wait.
    report();
    this.forwarder.start();
  }

  async stop(): Promise<void> {
    for (const unsubscribe of this.unsubscribe.splice(0)) unsubscribe();
    clearInterval(this.statusTimer);
    this.flush();
    await this.forwarder?.stop();
    this.queue?.close();
    this.queue = null;
  }

  private readCa(): Buffer | undefined {
    const file = this.options.tls.caFile;
    if (file === undefined) return undefined;
    try {
      return readFileSync(file);
    } catch (error) {
      throw new Error(
        `cannot read influxdb.ca_file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
  }

  private status() {
    // The forwarder exists whenever the timer runs.
    return this.forwarder!.status(this.droppedLines);
  }

  private meter(id: string) {
    let meter = this.meters.get(id);
    if (!meter) {
      meter = { clock: new DataClock(this.zone), lastMs: null, identity: null, online: null };
      this.meters.set(id, meter);
    }
    return meter;
  }

  private onSnapshot(event: MeterEvents["snapshot"]): void {
    const meter = this.meter(event.meter);
    const identity = event.identity;
    meter.identity = identity;
    const time = meter.clock.timeOf(event.snapshot.meterTime, event.receivedAt, meter.lastMs);
    const timeMs = time.kind === "skip" ? event.receivedAt : time.ms;
    if (time.kind !== "skip") meter.lastMs = time.ms;
    const tag = meterTag(identity);
    const rows = meterRows([...event.snapshot.readings, ...event.derived]).filter((row) =>
      this.options.measurements.has(row.measurement),
    );
    const admitted = {
      totals: this.gate.admit(tag, "totals", timeMs),
      fast: this.gate.admit(tag, "fast", timeMs),
    };
    const lines: string[] = [];
    for (const row of rows) {
      if (!admitted[row.cadence]) continue;
      const line = formatLine({ ...row, tags: { ...row.tags, meter: tag }, timeMs }, this.options.precision);
      if (line) lines.push(line);
    }
    this.enqueue(lines);
  }

  private onDiagnostics(id: string, diagnostics: MeterDiagnostics, atMs: number): void {
    const meter = this.meter(id);
    // Until the meter has said who it is, its counters have no series to go to.
    if (meter.identity === null) return;
    this.queuePoints(meter.identity, [linkPoint(diagnostics, meter.online, atMs)], "link");
  }

  private onAnomalies(
    identity: MeterIdentity,
    current: readonly AnomalyIncident[],
    last: AnomalyIncident | null,
  ): void {
    const openIds = new Set(current.map((incident) => incident.id));
    const all = last && !openIds.has(last.id) ? [...current, last] : current;
    const points: InsightPoint[] = [];
    for (const incident of all) {
      const open = openIds.has(incident.id);
      const signature = `${incident.endMs}|${incident.observed}|${open}`;
      if (this.incidents.get(incident.id) === signature) continue;
      this.incidents.set(incident.id, signature);
      points.push(anomalyPoint(incident, open));
    }
    this.queuePoints(identity, points, "anomalies");
  }

  private queuePoints(
    identity: MeterIdentity,
    points: readonly InsightPoint[],
    measurement: InsightPoint["measurement"],
  ) {
    if (!this.options.measurements.has(measurement) || points.length === 0) return;
    const meter = meterTag(identity);
    const lines: string[] = [];
    for (const point of points) {
      const line = formatLine({ ...point, tags: { ...point.tags, meter } }, this.options.precision);
      if (line) lines.push(line);
    }
    this.enqueue(lines);
  }

  private enqueue(lines: string[]): void {
    if (lines.length === 0 || !this.queue) return;
    this.pending.push(lines);
    this.pendingLines += lines.length;
    if (this.pendingLines >= this.options.batchLines) this.flush();
    else this.flushTimer ??= setTimeout(() => this.flush(), QUEUE_EVERY_MS);
  }

  /** Commits the pending lines to the queue file, then wakes the forwarder. */
  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.pending.length === 0 || !this.queue) return;
    const groups = this.pending;
    this.pending = [];
    this.pendingLines = 0;
    try {
      this.queue.append(groups);
    } catch (error) {
      // A full disk: the lines cannot be kept; say so rather than pretend (they were never acknowledged).
      const lost = groups.reduce((sum, group) => sum + group.length, 0);
      this.droppedLines += lost;
      this.logger.error(`InfluxDB queue: cannot store ${lost} lines: ${(error as Error).message}`);
      return;
    }
    this.trim();
    this.forwarder?.notify();
  }

  /** Applies the size and age caps, warning once before either drops anything. */
  private trim(): void {
    const queue = this.queue;
    if (!queue) return;
    const size = queue.current();
    const now = this.now();
    const ageShare = size.oldestMs === null ? 0 : (now - size.oldestMs) / this.options.maxQueueAgeMs;
    const share = Math.max(size.bytes / this.options.maxQueueBytes, ageShare);
    if (share >= WARN_SHARE && !this.warned) {
      this.warned = true;
      this.logger.warn(
        `InfluxDB queue is at ${Math.round(share * 100)} % of its cap (${size.lines} lines, ` +
          `${(size.bytes / 1e6).toFixed(1)} MB, oldest ${Math.round((ageShare * this.options.maxQueueAgeMs) / 3_600_000)} h): ` +
          "at 100 % the oldest points are dropped; raise influxdb.max_queue_mb / max_queue_days or fix the connection",
      );
    } else if (share < WARN_SHARE / 2) {
      this.warned = false;
    }
    if (share < 1) return;
    const dropped = queue.trim(this.options.maxQueueBytes, now - this.options.maxQueueAgeMs);
    if (dropped > 0) {
      this.droppedLines += dropped;
      this.logger.error(
        `InfluxDB queue reached its cap: dropped the ${dropped} oldest lines (${this.droppedLines} since start)`,
      );
    }
  }
}
