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
import type { AnomalyEvent, HourDetector, HourObservation } from "./types.js";

export interface AnomalyEngineOptions {
  readonly hourOfWeek?: Partial<HourOfWeekOptions>;
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
      new SpikeDetector(localHour),
      new NightConsumptionDetector(localHour, dayStart),
      new BaseLoadDetector(localHour, dayStart),
      new ScheduleShiftDetector(localHour, dayStart),
      new WeeklyScheduleDetector(localHour, dayStart, (ms) => calendar.isoWeekday(ms)),
      new DataStallDetector(localHour),
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
