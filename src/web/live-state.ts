/**
 * What the web server knows from the bus: per physical meter (identity key) its identity, latest
 * guarded snapshot, availability and analytics states; per configured meter (the connection) its
 * link state, counters and latest decode; the last frames; and the InfluxDB forwarder's latest
 * status (null while it has not reported: not configured). It also fans events out to the
 * live-stream clients. Listeners here only copy references: nothing slow sits on the bus.
 */
import type { MeterBus, MeterDiagnostics, MeterEvents } from "../bus/events.js";
import type { AnomalyState, CostState, ForecastState } from "../model/insights.js";
import type { LinkState } from "../model/link-state.js";
import type { MeterIdentity } from "../model/meter-identity.js";
import { FrameRing } from "./frame-ring.js";

/** The contract's ring size (/tmp/web-api.md: "the last 500 frames"). */
export const FRAME_CAPACITY = 500;

export interface PhysicalMeter {
  identity: MeterIdentity;
  /** The configured meter (connection) it was last heard on. */
  configured: string;
  latest: MeterEvents["snapshot"] | null;
  online: boolean;
  cost: CostState | null;
  forecast: ForecastState | null;
  anomalies: AnomalyState | null;
}

export interface Connection {
  link: LinkState;
  /** What the transport said when the link last changed (safe to show). */
  linkReason: string | null;
  /** Since when the line has been watched as it is: the service's start or the link's last coming up. */
  since: number;
  diagnostics: MeterDiagnostics | null;
  decoded: MeterEvents["decoded"] | null;
  /** The latest issues, oldest first, for the setup assistant. */
  readonly issues: MeterEvents["issue"][];
  /** Bytes the line carried between successive counters, oldest first, for the setup assistant. */
  readonly traffic: { at: number; bytes: number }[];
}

/** Issues kept per connection: a minute of a line that fails every push, with room to spare. */
const ISSUE_CAPACITY = 50;
/** Byte counts kept: the runtime reports every 10 s, so three minutes. */
const TRAFFIC_CAPACITY = 18;

/** What the stream forwards; `meter` is the identity key when the event names a physical meter. */
export type LiveEvent =
  | { readonly kind: "snapshot"; readonly event: MeterEvents["snapshot"] }
  | { readonly kind: "issue"; readonly meter: string; readonly event: MeterEvents["issue"] }
  | { readonly kind: "link"; readonly meter: string; readonly state: LinkState }
  | { readonly kind: "cost"; readonly meter: string; readonly state: CostState }
  | { readonly kind: "forecast"; readonly meter: string; readonly state: ForecastState }
  | { readonly kind: "anomalies"; readonly meter: string; readonly state: AnomalyState }
  | { readonly kind: "diagnostics"; readonly configured: string };

export class LiveState {
  readonly meters = new Map<string, PhysicalMeter>();
  readonly connections = new Map<string, Connection>();
  readonly frames = new FrameRing(FRAME_CAPACITY);
  forwarder: MeterEvents["forwarder"] | null = null;
  private readonly listeners = new Set<(event: LiveEvent) => void>();
  private readonly unsubscribes: (() => void)[] = [];

  attach(bus: MeterBus): void {
    this.unsubscribes.push(
      bus.on("snapshot", (event) => {
        const meter = this.physical(event.identity, event.meter);
        meter.latest = event;
        meter.online = true;
        this.emit({ kind: "snapshot", event });
      }),
      bus.on("decoded", (event) => {
        this.connection(event.meter).decoded = event;
        const frame = this.frames.followedBy(event.meter, event.receivedAt);
        if (frame) frame.readings = event.snapshot.readings.length;
      }),
      bus.on("frame", (event) =>
        this.frames.add({
          at: event.at,
          meter: event.meter,
          protocol: event.protocol,
          hex: Buffer.from(event.raw).toString("hex"),
          issue: null,
          readings: 0,
        }),
      ),
      bus.on("issue", (event) => {
        const frame = this.frames.followedBy(event.meter, event.at);
        if (frame && frame.issue === null && frame.readings === 0) frame.issue = event.issue;
        const { issues } = this.connection(event.meter);
        issues.push(event);
        if (issues.length > ISSUE_CAPACITY) issues.shift();
        this.emit({ kind: "issue", meter: this.keyOf(event.meter), event });
      }),
      bus.on("link", (event) => {
        const connection = this.connection(event.meter);
        if (event.state === "up" && connection.link !== "up") connection.since = Date.now();
        connection.link = event.state;
        connection.linkReason = event.reason ?? null;
        this.emit({ kind: "link", meter: this.keyOf(event.meter), state: event.state });
      }),
      bus.on("availability", (event) => {
        this.physical(event.identity, event.meter).online = event.online;
      }),
      bus.on("diagnostics", (event) => {
        const connection = this.connection(event.meter);
        const before = connection.diagnostics?.bytesReceived;
        if (before !== undefined) {
          connection.traffic.push({
            at: event.at,
            bytes: Math.max(0, event.diagnostics.bytesReceived - before),
          });
          if (connection.traffic.length > TRAFFIC_CAPACITY) connection.traffic.shift();
        }
        connection.diagnostics = event.diagnostics;
        this.emit({ kind: "diagnostics", configured: event.meter });
      }),
      bus.on("cost", (event) => {
        this.physical(event.identity, event.meter).cost = event.state;
        this.emit({ kind: "cost", meter: event.identity.key, state: event.state });
      }),
      bus.on("forecast", (event) => {
        this.physical(event.identity, event.meter).forecast = event.state;
        this.emit({ kind: "forecast", meter: event.identity.key, state: event.state });
      }),
      bus.on("anomalies", (event) => {
        this.physical(event.identity, event.meter).anomalies = event.state;
        this.emit({ kind: "anomalies", meter: event.identity.key, state: event.state });
      }),
      bus.on("forwarder", (event) => {
        this.forwarder = event;
      }),
    );
  }

  detach(): void {
    for (const unsubscribe of this.unsubscribes.splice(0)) unsubscribe();
    this.listeners.clear();
  }

  subscribe(listener: (event: LiveEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The link of the connection a physical meter was heard on; "connecting" before any report. */
  linkOf(configured: string): LinkState {
    return this.connections.get(configured)?.link ?? "connecting";
  }

  /** The configured meter a key names: the connection a physical meter was heard on, or itself. */
  configuredOf(key: string): string | undefined {
    const heard = this.meters.get(key)?.configured;
    if (heard !== undefined) return heard;
    return this.connections.has(key) ? key : this.soleConnection();
  }

  /** The configured meter, when there is exactly one. */
  soleConnection(): string | undefined {
    return this.connections.size === 1 ? [...this.connections.keys()][0] : undefined;
  }

  /**
   * The identity key behind a configured meter's event (link, issue): the one physical meter heard
   * on it, else the configured id itself (nothing heard yet, or several meters on one line).
   */
  keyOf(configured: string): string {
    const keys = [...this.meters.values()].filter((m) => m.configured === configured);
    return keys.length === 1 ? keys[0]!.identity.key : configured;
  }

  private physical(identity: MeterIdentity, configured: string): PhysicalMeter {
    let meter = this.meters.get(identity.key);
    if (!meter) {
      meter = {
        identity,
        configured,
        latest: null,
        online: false,
        cost: null,
        forecast: null,
        anomalies: null,
      };
      this.meters.set(identity.key, meter);
    }
    meter.identity = identity;
    meter.configured = configured;
    return meter;
  }

  private connection(configured: string): Connection {
    let connection = this.connections.get(configured);
    if (!connection) {
      connection = {
        link: "connecting",
        linkReason: null,
        since: Date.now(),
        diagnostics: null,
        decoded: null,
        issues: [],
        traffic: [],
      };
      this.connections.set(configured, connection);
    }
    return connection;
  }

  private emit(event: LiveEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
