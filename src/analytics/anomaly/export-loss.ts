/**
 * Export (feed-in) dropping to zero when it is usually positive at this time of year: an inverter
 * that tripped on grid over-voltage, an earth-leakage breaker that went off, a failed firmware
 * update; the house then quietly imports what it used to produce, for weeks if nobody looks. Reported
 * after `minZeroDays` whole days of zero export while the trailing 30 days exported on most days;
 * the event's end is extended in the report when export returns.
 */
import { type AnomalyEvent, fmt, type HourDetector, type HourObservation } from "./types.js";
import { DayTracker } from "./day-tracker.js";

export interface ExportLossOptions {
  readonly minZeroDays: number;
  readonly trailingDays: number;
  /** Share of trailing days with export for export to count as "usual". */
  readonly usualShare: number;
  readonly minUsualKwhPerDay: number;
}

export const DEFAULT_EXPORT_LOSS: ExportLossOptions = {
  minZeroDays: 3,
  trailingDays: 30,
  // In the dark winter weeks a small roof exports nothing on overcast days and about 1 kWh on the
  // others (a northern-European December yields some 0.5 kWh per kWp a day, much of it used in the
  // house), so export is "usual" only when most days export a few kWh; no alarm in the winter.
  usualShare: 0.8,
  minUsualKwhPerDay: 2,
};

export class ExportLossDetector implements HourDetector {
  private readonly days: number[] = []; // daily export before the current zero run
  private readonly calendarDays = new DayTracker((ms) => this.dayStart(ms));
  private dayExport = 0;
  private dayHours = 0;
  private zeroRun: { startMs: number; days: number; reported: boolean; usual: number } | null = null;

  constructor(
    private readonly dayStart: (ms: number) => number,
    private readonly options: ExportLossOptions = DEFAULT_EXPORT_LOSS,
  ) {}

  observe(hour: HourObservation): AnomalyEvent[] {
    if (hour.exportKwh === undefined) return [];
    const events: AnomalyEvent[] = [];
    const turn = this.calendarDays.advance(hour.startMs);
    if (turn) {
      // A day with fewer than 20 hours of data says too little about its export.
      const event = turn.ended === null || this.dayHours < 20 ? null : this.closeDay(turn.ended, turn.day);
      if (event) events.push(event);
      this.dayExport = 0;
      this.dayHours = 0;
    }
    if (!Number.isNaN(hour.exportKwh)) {
      this.dayExport += hour.exportKwh;
      this.dayHours++;
    }
    return events;
  }

  private closeDay(dayStartMs: number, nextDayMs: number): AnomalyEvent | null {
    if (this.dayExport > 0) {
      this.zeroRun = null;
      this.days.push(this.dayExport);
      if (this.days.length > this.options.trailingDays) this.days.shift();
      return null;
    }
    if (this.zeroRun === null) {
      const exporting = this.days.filter((kwh) => kwh > 0);
      const usual = exporting.length > 0 ? exporting.reduce((a, b) => a + b, 0) / this.days.length : 0;
      const isUsual =
        this.days.length >= 14 &&
        exporting.length >= this.options.usualShare * this.days.length &&
        usual >= this.options.minUsualKwhPerDay;
      if (!isUsual) {
        this.days.push(0);
        if (this.days.length > this.options.trailingDays) this.days.shift();
        return null;
      }
      this.zeroRun = { startMs: dayStartMs, days: 0, reported: false, usual };
    }
    const run = this.zeroRun;
    run.days++;
    if (run.reported || run.days < this.options.minZeroDays) return null;
    run.reported = true;
    return {
      kind: "export-loss",
      startMs: run.startMs,
      endMs: nextDayMs,
      expected: run.usual,
      observed: 0,
      unit: "kWh",
      score: run.days,
      message: `Export has been zero for ${run.days} days while the last ${this.days.length} days exported ${fmt(run.usual)} kWh a day on average: the PV, the inverter or the export register has stopped.`,
    };
  }
}
