/**
 * All hourly detectors behind one incremental call, as the live add-on and the backtest run them.
 */
import type { ZonedCalendar } from "../../time/zoned.js";
import { BaseLoadDetector } from "./base-load.js";
import { DataStallDetector } from "./data-stall.js";
import { ExportLossDetector } from "./export-loss.js";
import { IncidentFilter } from "./incidents.js";
import { DEFAULT_HOUR_OF_WEEK, HourOfWeekDetector, type HourOfWeekOptions } from "./hour-of-week.js";
import { NightConsumptionDetector } from "./night.js";
import { ScheduleShiftDetector } from "./schedule-shift.js";
import { SpikeDetector } from "./spike.js";
import { TotalBackwardsDetector } from "./total-backwards.js";
import { WeeklyScheduleDetector } from "./weekly-schedule.js";
import { ZeroImportDetector } from "./zero-import.js";
import { type AnomalyEvent, type HourDetector, type HourObservation, STATISTICAL_KINDS } from "./types.js";

/**
 * Days of data before any statistical detector may speak: the spike and night detectors learn for
 * four weeks, and the hour-of-week bar needs two weeks of slots. Until then a house is "still
 * learning" and the engine holds back every statistical alarm (one with ten nights of reference,
 * such as the base load's, is still a guess on a house it has known for a fortnight); facts such
 * as a data stall are reported from the first hour.
 */
export const ANOMALY_LEARNING_DAYS = 28;

export interface AnomalyEngineOptions {
  readonly hourOfWeek?: Partial<HourOfWeekOptions>;
}

export class AnomalyEngine {
  private readonly detectors: readonly HourDetector[];
  private readonly incidents = new IncidentFilter();
  private hoursWithData = 0;

  constructor(calendar: ZonedCalendar, options: AnomalyEngineOptions = {}) {
    const localHour = (ms: number) => calendar.hourOfDay(ms);
    const dayStart = (ms: number) => calendar.startOfDay(ms);
    this.detectors = [
      new HourOfWeekDetector((ms) => calendar.hourOfWeek(ms), {
        ...DEFAULT_HOUR_OF_WEEK,
        ...options.hourOfWeek,
      }),
      new SpikeDetector(localHour),
      new NightConsumptionDetector(localHour, dayStart),
      new BaseLoadDetector(localHour, dayStart, (ms) => calendar.dateKey(ms)),
      new ScheduleShiftDetector(localHour, dayStart),
      new WeeklyScheduleDetector(localHour, dayStart, (ms) => calendar.isoWeekday(ms)),
      new DataStallDetector(),
      new ZeroImportDetector(localHour),
      new TotalBackwardsDetector(),
      new ExportLossDetector(dayStart),
    ];
  }

  /** Whole days of hours with data seen: the learning progress. */
  get daysWithData(): number {
    return Math.floor(this.hoursWithData / 24);
  }

  observe(hour: HourObservation): AnomalyEvent[] {
    if (!Number.isNaN(hour.importKwh)) this.hoursWithData++;
    const learning = this.hoursWithData < ANOMALY_LEARNING_DAYS * 24;
    const events: AnomalyEvent[] = [];
    for (const detector of this.detectors) events.push(...detector.observe(hour));
    return events.filter((e) => !(learning && STATISTICAL_KINDS.has(e.kind)) && this.incidents.admit(e));
  }
}
