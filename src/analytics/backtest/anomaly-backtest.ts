/**
 * The anomaly half of `e450 backtest`: the detectors replayed hour by hour over the clean series
 * (false alarms, natural events) and, with a seed, over a copy with injected faults (precision,
 * recall, event-F1, deterministic recall).
 */
import { AnomalyEngine } from "../anomaly/engine.js";
import { type EvaluatedRun, evaluateRun } from "../anomaly/evaluate.js";
import { type InjectedFault, injectFaults } from "../anomaly/inject.js";
import { type AnomalyEvent, type HourObservation, STATISTICAL_KINDS } from "../anomaly/types.js";
import type { ZonedCalendar } from "../../time/zoned.js";

/** Average Gregorian month, for "per household-month" rates. */
export const MONTH_MS = 30.436875 * 86_400_000;

export interface AnomalyBacktestResult {
  readonly months: number;
  readonly clean: readonly AnomalyEvent[];
  /** Statistical alarms on the clean series per household-month (deterministic ones report facts). */
  readonly falseAlarmsPerMonth: number;
  readonly injected: {
    readonly seed: number;
    readonly faults: readonly InjectedFault[];
    readonly events: readonly AnomalyEvent[];
    readonly evaluation: EvaluatedRun;
  } | null;
}

/** The engine fed hour by hour, as the live add-on feeds it. */
export function replayAnomalies(hours: readonly HourObservation[], calendar: ZonedCalendar): AnomalyEvent[] {
  const engine = new AnomalyEngine(calendar);
  const events: AnomalyEvent[] = [];
  for (const hour of hours) events.push(...engine.observe(hour));
  return events;
}

export function runAnomalyBacktest(
  hours: readonly HourObservation[],
  calendar: ZonedCalendar,
  seed: number | null,
): AnomalyBacktestResult {
  const first = hours[0];
  const last = hours[hours.length - 1];
  const months = first && last ? (last.startMs + 3_600_000 - first.startMs) / MONTH_MS : 0;
  const clean = replayAnomalies(hours, calendar);
  const falseAlarms = clean.filter((e) => STATISTICAL_KINDS.has(e.kind)).length;
  let injected: AnomalyBacktestResult["injected"] = null;
  if (seed !== null) {
    const faulty = injectFaults(hours, seed);
    const events = replayAnomalies(faulty.hours, calendar);
    injected = { seed, faults: faulty.faults, events, evaluation: evaluateRun(events, faulty.faults) };
  }
  return { months, clean, falseAlarmsPerMonth: months > 0 ? falseAlarms / months : 0, injected };
}
