/** One whole backtest (forecast + anomalies) over loaded readings: what `e450 backtest` prints. */
import type { ValueKind, TimedValue } from "../series/types.js";
import type { ZonedCalendar } from "../../time/zoned.js";
import { type AnomalyBacktestResult, runAnomalyBacktest } from "./anomaly-backtest.js";
import { type ForecastBacktestResult, type ForecastRow, runForecastBacktest } from "./forecast-backtest.js";
import { buildHourlyInput } from "./hourly-input.js";

export interface BacktestRequest {
  readonly importReadings: readonly TimedValue[];
  readonly exportReadings: readonly TimedValue[] | null;
  readonly kind: ValueKind;
  readonly calendar: ZonedCalendar;
  readonly injectSeed: number | null;
  readonly onForecastRow?: (row: ForecastRow) => void;
}

export interface BacktestResult {
  readonly series: {
    readonly startMs: number;
    readonly endMs: number;
    readonly hours: number;
    readonly missingHours: number;
    readonly stepMinutes: number;
    readonly counterDecreases: number;
  };
  readonly forecast: ForecastBacktestResult;
  readonly anomalies: AnomalyBacktestResult;
}

export function runBacktest(request: BacktestRequest): BacktestResult {
  const input = buildHourlyInput(
    request.importReadings,
    request.exportReadings,
    request.kind,
    request.calendar,
  );
  const { importSeries } = input;
  const forecast = runForecastBacktest(
    importSeries,
    request.calendar,
    request.onForecastRow ? { onRow: request.onForecastRow } : {},
  );
  const anomalies = runAnomalyBacktest(input.hours, request.calendar, request.injectSeed);
  return {
    series: {
      startMs: importSeries.startMs,
      endMs: importSeries.startMs + importSeries.kwh.length * 3_600_000,
      hours: importSeries.kwh.length,
      missingHours: importSeries.kwh.filter((v) => Number.isNaN(v)).length,
      stepMinutes: input.stepMinutes,
      counterDecreases: input.counterDecreases,
    },
    forecast,
    anomalies,
  };
}
