/**
 * All hourly detectors behind one incremental call, as the live add-on and the backtest run them.
 */
import type { ZonedCalendar } from "../../time/zoned.js";
import { type BaseLoadOptions, BaseLoadDetector, DEFAULT_BASE_LOAD } from "./base-load.js";
import { DataStallDetector } from "./data-stall.js";
import { ExportLossDetector } from "./export-loss.js";
import { IncidentFilter } from "./incidents.js";
import { DEFAULT_HOUR_OF_WEEK, HourOfWeekDetector, type HourOfWeekOptions } from "./hour-of-week.js";
import { NightConsumptionDetector } from "./night.js";
import { ScheduleShiftDetector } from "./schedule-shift.js";
import { DEFAULT_SPIKE, SpikeDetector, type SpikeOptions } from "./spike.js";
import { TotalBackwardsDetector } from "./total-backwards.js";
import { WeeklyScheduleDetector } from "./weekly-schedule.js";
import { ZeroImportDetector } from "./zero-import.js";
import type { AnomalyEvent, HourDetector, HourObservation } from "./types.js";

/**
 * Days of data before every statistical detector may speak: the spike and night detectors learn
 * for four weeks, and the hour-of-week bar needs two weeks of slots. Until then a house is "still
 * learning": the detectors stay silent rather than guess (facts such as a data stall are reported).
 */
export const ANOMALY_LEARNING_DAYS = 28;

export interface AnomalyEngineOptions {
  readonly hourOfWeek?: Partial<HourOfWeekOptions>;
  readonly spike?: Partial<SpikeOptions>;
  readonly baseLoad?: Partial<BaseLoadOptions>;
}

export class AnomalyEngine {
  private readonly detectors: readonly HourDetector[];
  private readonly incidents = new IncidentFilter();

  constructor(calendar: ZonedCalendar, options: AnomalyEngineOptions = {}) {
    const localHour = (ms: number) => calendar.hourOfDay(ms);
    const dayStart = (ms: number) => calendar.startOfDay(ms);
    this.detectors = [
      new HourOfWeekDetector((ms) => calendar.hourOfWeek(ms), {
        ...DEFAULT_HOUR_OF_WEEK,
        ...options.hourOfWeek,
      }),
      new SpikeDetector(localHour, { ...DEFAULT_SPIKE, ...options.spike }),
      new NightConsumptionDetector(localHour, dayStart),
      new BaseLoadDetector(localHour, dayStart, { ...DEFAULT_BASE_LOAD, ...options.baseLoad }),
      new ScheduleShiftDetector(localHour, dayStart),
      new WeeklyScheduleDetector(localHour, dayStart, (ms) => calendar.isoWeekday(ms)),
      new DataStallDetector(),
      new ZeroImportDetector(localHour),
      new TotalBackwardsDetector(),
      new ExportLossDetector(dayStart),
    ];
  }

  observe(hour: HourObservation): AnomalyEvent[] {
    const events: AnomalyEvent[] = [];
    for (const detector of this.detectors) events.push(...detector.observe(hour));
    return events.filter((e) => this.incidents.admit(e));
  }
}
