/**
 * The live analytics as a plugin: guarded snapshots in, per meter; intervals, costs, forecasts and
 * anomalies back on the bus. It never sits in the ingest path: the snapshot listener only queues,
 * and the queue is worked through on the next turn of the event loop, so neither a slow forecast
 * nor a busy disk delays a register reaching MQTT.
 *
 * Calendar work runs on node-cron in the analytics' zone (DST days included): every quarter hour
 * the cost state is published again, so "today" starts again at midnight and a time-of-use price
 * changes on time even while the meter is silent.
 */
import cron, { type ScheduledTask } from "node-cron";
import type { Tariff } from "../analytics/cost/types.js";
import type { MeterBus, MeterEvents } from "../bus/events.js";
import type { Plugin } from "../bus/plugin.js";
import type { AnalyticsOptions } from "./settings.js";
import type { Logger } from "../logging/logger.js";
import type { MeterIdentity } from "../model/meter-identity.js";
import { ZonedCalendar } from "../time/zoned.js";
import type { InsightsHistory } from "./history-port.js";
import { MeterInsights } from "./meter-insights.js";

export interface InsightsSettings {
  readonly tariff: Tariff | null;
  readonly analytics: AnalyticsOptions;
  /** Local days and hours: the tariff's zone, or the host's. */
  readonly timeZone: string;
  /** The zone meter clocks are read in (the host's). */
  readonly meterTimeZone: string;
}

const STALL_CHECK_MS = 60_000;

interface Queued {
  readonly event: MeterEvents["snapshot"];
}

interface Tracked {
  readonly insights: MeterInsights;
  identity: MeterIdentity;
  readonly meter: string;
}

export class InsightsPlugin implements Plugin {
  readonly name = "analytics";
  private readonly meters = new Map<string, Tracked>();
  private readonly queue: Queued[] = [];
  private drainScheduled: ReturnType<typeof setImmediate> | undefined;
  private unsubscribe: (() => void) | undefined;
  private tasks: ScheduledTask[] = [];
  private stallWatch: ReturnType<typeof setInterval> | undefined;
  private bus: MeterBus | undefined;
  private readonly calendar: ZonedCalendar;
  private readonly meterCalendar: ZonedCalendar;

  constructor(
    private readonly settings: InsightsSettings,
    private readonly history: InsightsHistory,
    private readonly logger: Logger,
  ) {
    this.calendar = new ZonedCalendar(settings.timeZone);
    this.meterCalendar = new ZonedCalendar(settings.meterTimeZone);
  }

  start(bus: MeterBus): void {
    this.bus = bus;
    this.unsubscribe = bus.on("snapshot", (event) => this.enqueue(event));
    this.stallWatch = setInterval(() => this.checkStalls(), STALL_CHECK_MS);
    this.stallWatch.unref();
    this.tasks.push(
      cron.schedule("17 3 * * *", () => this.pruneSamples(), {
        timezone: this.settings.timeZone,
        name: "e450-retention",
      }),
    );
    if (this.settings.tariff) {
      this.tasks.push(
        cron.schedule("*/15 * * * *", () => this.republishCosts(), {
          timezone: this.settings.timeZone,
          name: "e450-cost-rollover",
        }),
      );
    }
  }

  stop(): void {
    this.unsubscribe?.();
    clearInterval(this.stallWatch);
    for (const task of this.tasks.splice(0)) void task.destroy();
    clearImmediate(this.drainScheduled);
    this.drain();
    for (const { insights } of this.meters.values()) insights.stop();
    this.bus = undefined;
  }

  /** A new dynamic price arrived: the price entity should show it now, not at the next interval. */
  republishCosts(): void {
    const now = Date.now();
    for (const { insights } of this.meters.values()) insights.republishCost(now);
  }

  private checkStalls(): void {
    const now = Date.now();
    for (const { insights } of this.meters.values()) insights.checkStall(now);
  }

  private pruneSamples(): void {
    const keepMs = this.settings.analytics.sampleRetentionDays * 86_400_000;
    try {
      const removed = this.history.pruneSamples(Date.now() - keepMs);
      this.logger.debug(
        `history: ${removed} minute samples older than ${this.settings.analytics.sampleRetentionDays} days removed`,
      );
    } catch (error) {
      this.logger.warn((error as Error).message);
    }
  }

  private enqueue(event: MeterEvents["snapshot"]): void {
    this.queue.push({ event });
    this.drainScheduled ??= setImmediate(() => {
      this.drainScheduled = undefined;
      this.drain();
    });
  }

  private drain(): void {
    for (const { event } of this.queue.splice(0)) {
      try {
        this.meterFor(event).insights.take(event.snapshot, event.derived, event.receivedAt);
      } catch (error) {
        this.logger.error(`analytics for meter ${event.identity.key}: ${(error as Error).message}`);
      }
    }
  }

  private meterFor(event: MeterEvents["snapshot"]): Tracked {
    const key = event.identity.key;
    const known = this.meters.get(key);
    if (known) {
      known.identity = event.identity;
      return known;
    }
    const tracked: Tracked = {
      meter: event.meter,
      identity: event.identity,
      insights: new MeterInsights(
        {
          meter: key,
          tariff: this.settings.tariff,
          analytics: this.settings.analytics,
          calendar: this.calendar,
          meterCalendar: this.meterCalendar,
        },
        this.history,
        {
          interval: (interval) =>
            this.emit("interval", { meter: tracked.meter, identity: tracked.identity, interval }),
          cost: (state) => this.emit("cost", { meter: tracked.meter, identity: tracked.identity, state }),
          forecast: (state) =>
            this.emit("forecast", { meter: tracked.meter, identity: tracked.identity, state }),
          anomalies: (state, fired) =>
            this.emit("anomalies", { meter: tracked.meter, identity: tracked.identity, state, fired }),
        },
        this.logger,
      ),
    };
    this.meters.set(key, tracked);
    const started = performance.now();
    tracked.insights.warmUp(event.receivedAt);
    this.logger.info(
      `analytics for meter ${key} ready (history replayed in ${Math.round(performance.now() - started)} ms)`,
    );
    return tracked;
  }

  private emit<K extends "interval" | "cost" | "forecast" | "anomalies">(
    name: K,
    payload: MeterEvents[K],
  ): void {
    this.bus?.emit(name, payload);
  }
}
