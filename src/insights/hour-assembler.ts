/**
 * Closed 15-minute intervals → whole local hours, as the forecast model and the anomaly detectors
 * take them: in order, none skipped. An hour counts as measured only when all its quarters were
 * measured; one with an estimated or missing quarter is NaN, because smeared outage energy would be
 * scored as if the house had used it evenly (and a stall must look like missing data to the
 * detectors, which is what it is).
 */
import type { HourObservation } from "../analytics/anomaly/types.js";
import { HOUR_MS, type ZonedCalendar } from "../time/zoned.js";

export interface AssemblerInterval {
  readonly startMs: number;
  readonly endMs: number;
  readonly importKwh: number;
  readonly exportKwh: number | null;
  readonly estimated: boolean;
}

interface OpenHour {
  readonly startMs: number;
  importKwh: number;
  exportKwh: number;
  coveredMs: number;
  measured: boolean;
  hasExport: boolean;
}

export class HourAssembler {
  private open: OpenHour | null = null;

  constructor(private readonly calendar: ZonedCalendar) {}

  /** The hours completed by this interval (several when it follows a gap). */
  add(interval: AssemblerInterval): HourObservation[] {
    const hourStart = this.calendar.startOfHour(interval.startMs);
    const done: HourObservation[] = [];
    if (this.open && this.open.startMs !== hourStart) {
      done.push(this.finish(this.open));
      // Hours with no interval at all between the open one and this one.
      for (let ms = this.open.startMs + HOUR_MS; ms < hourStart; ms += HOUR_MS) {
        done.push({ startMs: ms, importKwh: Number.NaN });
      }
      this.open = null;
    }
    this.open ??= {
      startMs: hourStart,
      importKwh: 0,
      exportKwh: 0,
      coveredMs: 0,
      measured: true,
      hasExport: interval.exportKwh !== null,
    };
    const hour = this.open;
    hour.importKwh += interval.importKwh;
    hour.exportKwh += interval.exportKwh ?? 0;
    hour.coveredMs += interval.endMs - interval.startMs;
    if (interval.estimated) hour.measured = false;
    if (interval.endMs >= hourStart + HOUR_MS) {
      done.push(this.finish(hour));
      this.open = null;
    }
    return done;
  }

  private finish(hour: OpenHour): HourObservation {
    const complete = hour.measured && hour.coveredMs >= HOUR_MS;
    return {
      startMs: hour.startMs,
      importKwh: complete ? hour.importKwh : Number.NaN,
      ...(hour.hasExport ? { exportKwh: complete ? hour.exportKwh : Number.NaN } : {}),
    };
  }
}
