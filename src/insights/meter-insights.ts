/**
 * One meter's live analytics: its pushes become intervals in the store (first, so a crash loses
 * nothing), and each closed interval then feeds the cost ledger, and each closed hour the forecast
 * model and the anomaly detectors. At start it picks up where the store left off: the register
 * state to continue the intervals from, this month's intervals for the costs, recent hours to warm
 * the models, the incidents already reported.
 */
import type { Tariff } from "../analytics/cost/types.js";
import type { AnalyticsOptions } from "./settings.js";
import type { Logger } from "../logging/logger.js";
import type {
  AnomalyIncident,
  AnomalyState,
  CostState,
  ForecastState,
  RecordedInterval,
} from "../model/insights.js";
import type { Reading, Snapshot } from "../model/snapshot.js";
import type { MinuteSample, RegisterState, StoredAnomaly, StoredInterval } from "../store/types.js";
import { DAY_MS, type ZonedCalendar } from "../time/zoned.js";
import { AnomalyTracker } from "./anomaly-tracker.js";
import { type CostTotals, CostTracker } from "./cost-tracker.js";
import { DataClock } from "./data-time.js";
import { energyTotalsOf } from "./energy-totals.js";
import { ForecastTracker } from "./forecast-tracker.js";
import type { InsightsHistory } from "./history-port.js";
import { HourAssembler } from "./hour-assembler.js";
import { type BuiltInterval, IntervalBuilder } from "./interval-builder.js";
import { MinuteSampler } from "./minute-sampler.js";

/** How far back the models are warmed at start: the forecast's and the detectors' longest memory. */
const WARM_DAYS = 120;
const COST_TOTALS_KEY = "cost-totals";
/**
 * Silence by the host's clock after which a stall is opened live: three expected hours, the same
 * bound the hourly gap detector applies (analytics/anomaly/data-stall.ts).
 */
const STALL_AFTER_MS = 3 * 3_600_000;
/** A month of intervals held in memory while the store refuses writes. */
const MAX_UNWRITTEN = 31 * 96;

export interface MeterInsightsSettings {
  readonly meter: string;
  readonly tariff: Tariff | null;
  readonly analytics: AnalyticsOptions;
  /** The zone of local days and hours (the tariff's, or the host's). */
  readonly calendar: ZonedCalendar;
  /** The zone the meter's clock is in. */
  readonly meterCalendar: ZonedCalendar;
}

export interface InsightsOutput {
  interval(interval: RecordedInterval): void;
  cost(state: CostState): void;
  forecast(state: ForecastState): void;
  anomalies(state: AnomalyState, fired: readonly AnomalyIncident[]): void;
}

export class MeterInsights {
  private readonly clock: DataClock;
  private readonly builder: IntervalBuilder;
  private readonly hours: HourAssembler;
  private readonly sampler = new MinuteSampler();
  /** Closed minutes not yet written: they go with the next interval, in its transaction's wake. */
  private samples: MinuteSample[] = [];
  private unwritten: StoredInterval[] = [];
  private readonly cost: CostTracker | null;
  private readonly forecast: ForecastTracker | null;
  private readonly anomaly: AnomalyTracker | null;
  private lastDataMs: number | null = null;
  /** Host time of the last push that moved the data clock forward. */
  private lastAdvanceAt: number | null = null;

  constructor(
    private readonly settings: MeterInsightsSettings,
    private readonly history: InsightsHistory,
    private readonly output: InsightsOutput,
    private readonly logger: Logger,
  ) {
    const { meter, tariff, analytics, calendar } = settings;
    this.clock = new DataClock(settings.meterCalendar);
    const resume = history.registerState(meter);
    this.builder = new IntervalBuilder(resume);
    this.hours = new HourAssembler(calendar);
    const totals = history.getValue<CostTotals>(meter, COST_TOTALS_KEY) ?? {
      cost: 0,
      exportCredit: 0,
      // Only intervals closed from now on count: the total tracks costs, it does not invent a past.
      throughMs: resume?.timeMs ?? 0,
    };
    this.cost = tariff ? new CostTracker(tariff, totals) : null;
    this.forecast = analytics.forecast ? new ForecastTracker(calendar) : null;
    this.anomaly = analytics.anomalies
      ? new AnomalyTracker(
          calendar,
          analytics.anomalySensitivity,
          history.openAnomalies(meter).filter(isOpen),
        )
      : null;
  }

  /** Replays the stored past into the models and announces the states; the caller times it. */
  warmUp(nowMs: number): void {
    const { meter, calendar } = this.settings;
    // From the newest stored data, not the host's clock: a replay or fast simulator runs on its own.
    const newestMs = this.history.intervalSpan(meter)?.lastMs ?? nowMs;
    const fromMs = calendar.startOfDay(newestMs - WARM_DAYS * DAY_MS);
    const stored = this.history.intervals(meter, fromMs, Number.MAX_SAFE_INTEGER);
    const monthStart = calendar.startOfMonth(stored.at(-1)?.startMs ?? nowMs);
    const before = this.history.anomalies(meter, fromMs, Number.MAX_SAFE_INTEGER);
    const known = new Set(before.map((a) => a.id));
    for (const interval of stored) {
      if (this.cost && interval.startMs >= monthStart) this.cost.replay(interval);
      for (const hour of this.hours.add({ ...interval, estimated: interval.source === "estimated" })) {
        this.forecast?.observe(hour);
        const update = this.anomaly?.observe(hour, (id) => known.has(id));
        // Found in the stored past (an import, or hours that closed while the analytics were off):
        // remembered, not announced as news.
        for (const incident of update?.opened ?? []) this.saveIncident(incident, true);
        for (const incident of update?.closed ?? []) this.saveIncident(incident, false);
      }
    }
    // Incidents saved by the replay above already set the tracker's latest as they opened.
    this.anomaly?.remember(lastOf(before));
    this.lastDataMs = stored.at(-1)?.endMs ?? null;
    this.publish(nowMs, []);
  }

  /** One guarded snapshot: intervals stored now, the analytics of closed ones after. */
  take(snapshot: Snapshot, derived: readonly Reading[], receivedAt: number): void {
    const totals = energyTotalsOf(snapshot.readings);
    if (totals === null) return;
    const time = this.clock.timeOf(snapshot.meterTime, receivedAt, this.builder.lastMs);
    if (time.kind === "skip") return;
    if (this.builder.lastMs === null || time.ms > this.builder.lastMs) this.dataAdvanced(receivedAt);
    this.samples.push(...this.sampler.add(time.ms, [...snapshot.readings, ...derived]));
    const result = this.builder.add(time.ms, totals);
    for (const note of result.notes) {
      if (note.kind === "went-down") {
        this.logger.warn(
          `meter ${this.settings.meter}: register ${note.register} went down by ${note.dropKwh} kWh; not counted`,
        );
      } else {
        this.logger.warn(
          `meter ${this.settings.meter}: no data from ${new Date(note.fromMs).toISOString()} to ${new Date(note.toMs).toISOString()}; that energy is in the totals but in no interval`,
        );
      }
    }
    if (result.closed.length === 0) return;
    this.store(result.closed.map(toStored), result.resumeFrom);
    this.lastDataMs = time.ms;
    this.persist(() => {
      this.history.saveLatestSnapshot(this.settings.meter, JSON.stringify(snapshot, bigintAsText), time.ms);
      this.writeSamples();
    });
    this.analyse(result.closed);
  }

  /**
   * Intervals first, with the register state they end at, in one transaction. A failed write (a
   * full disk) keeps them for the next try, up to a month of them, so a passing fault loses nothing.
   */
  private store(closed: readonly StoredInterval[], resumeFrom: RegisterState | null): void {
    this.unwritten.push(...closed);
    if (this.unwritten.length > MAX_UNWRITTEN) {
      const dropped = this.unwritten.splice(0, this.unwritten.length - MAX_UNWRITTEN);
      this.logger.error(
        `meter ${this.settings.meter}: ${dropped.length} intervals could not be stored and were dropped (the oldest, from ${new Date(dropped[0]!.startMs).toISOString()})`,
      );
    }
    try {
      this.history.writeIntervals(this.settings.meter, this.unwritten, resumeFrom ?? undefined);
      if (this.unwritten.length > closed.length) {
        this.logger.info(
          `meter ${this.settings.meter}: ${this.unwritten.length} intervals stored after a failed write`,
        );
      }
      this.unwritten = [];
    } catch (error) {
      this.logger.warn(`${(error as Error).message}; kept in memory for the next try`);
    }
  }

  /** Called every minute by the host's clock: opens a stall when the meter has gone silent. */
  checkStall(wallMs: number): void {
    if (!this.anomaly || this.lastAdvanceAt === null || wallMs - this.lastAdvanceAt < STALL_AFTER_MS) return;
    const incident = this.anomaly.openStall(this.lastAdvanceAt, wallMs);
    if (!incident) return;
    this.saveIncident(incident, true);
    this.output.anomalies(this.anomaly.state(), [incident]);
  }

  private dataAdvanced(receivedAt: number): void {
    this.lastAdvanceAt = receivedAt;
    const closed = this.anomaly?.closeStall(receivedAt);
    if (!closed || !this.anomaly) return;
    this.saveIncident(closed, false);
    this.output.anomalies(this.anomaly.state(), []);
  }

  /** At stop: the minute in progress is written as it is. */
  stop(): void {
    this.samples.push(...this.sampler.flush());
    this.persist(() => this.writeSamples());
  }

  private writeSamples(): void {
    if (this.samples.length === 0) return;
    this.history.writeSamples(this.settings.meter, this.samples);
    this.samples = [];
  }

  /** "Now" for a state published without new data: the meter's time while it is current. */
  nowFor(wallMs: number): number {
    const data = this.lastDataMs;
    return data !== null && data > wallMs - 20 * 60_000 ? Math.max(data, wallMs) : wallMs;
  }

  /** The cost state at `nowMs` (the cron's midnight, a new dynamic price). */
  republishCost(wallMs: number): void {
    if (this.cost) this.output.cost(this.cost.state(this.nowFor(wallMs)));
  }

  private analyse(closed: readonly BuiltInterval[]): void {
    const fired: AnomalyIncident[] = [];
    for (const interval of closed) {
      this.output.interval({
        startMs: interval.startMs,
        endMs: interval.endMs,
        importKwh: interval.importKwh,
        exportKwh: interval.exportKwh,
        estimated: interval.estimated,
      });
      this.cost?.add(interval);
      for (const hour of this.hours.add(interval)) {
        this.forecast?.observe(hour);
        const update = this.anomaly?.observe(hour, () => false);
        for (const incident of update?.opened ?? []) {
          this.saveIncident(incident, true);
          fired.push(incident);
        }
        for (const incident of update?.closed ?? []) this.saveIncident(incident, false);
      }
    }
    const last = closed.at(-1);
    const cost = this.cost;
    if (cost && last) {
      this.persist(() => {
        this.history.setValue(this.settings.meter, COST_TOTALS_KEY, cost.runningTotals);
        this.history.saveCostSummaries(this.settings.meter, cost.summaries(last.startMs));
      });
    }
    this.publish(last?.endMs ?? this.nowFor(Date.now()), fired);
  }

  private publish(nowMs: number, fired: readonly AnomalyIncident[]): void {
    const cost = this.cost?.state(nowMs) ?? null;
    if (cost) this.output.cost(cost);
    const forecast = this.forecast?.state(cost);
    if (forecast) this.output.forecast(forecast);
    if (this.anomaly) this.output.anomalies(this.anomaly.state(), fired);
  }

  private saveIncident(incident: AnomalyIncident, open: boolean): void {
    const stored: StoredAnomaly = { ...incident, open };
    this.persist(() => this.history.saveAnomaly(this.settings.meter, stored));
  }

  /** A failed write of derived state is logged; the analytics go on (the states are still published). */
  private persist(write: () => void): void {
    try {
      write();
    } catch (error) {
      this.logger.warn((error as Error).message);
    }
  }
}

function isOpen(anomaly: StoredAnomaly): boolean {
  return anomaly.open;
}

function lastOf(anomalies: readonly StoredAnomaly[]): AnomalyIncident | null {
  let last: StoredAnomaly | null = null;
  for (const anomaly of anomalies) if (last === null || anomaly.startMs >= last.startMs) last = anomaly;
  return last;
}

function toStored(interval: BuiltInterval): StoredInterval {
  return {
    startMs: interval.startMs,
    endMs: interval.endMs,
    importKwh: interval.importKwh,
    exportKwh: interval.exportKwh,
    source: interval.estimated ? "estimated" : "live",
    tariffs: interval.tariffs,
  };
}

function bigintAsText(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}
