/**
 * Rolling-origin backtest (Tashman, "Out-of-sample tests of forecasting accuracy", IJF 2000): an
 * origin at every local midnight after the
 * warm-up, a 24 h horizon, days with any missing target hour skipped. The model under test and the
 * baselines are fed hour by hour and asked at each origin before they see the day, so nothing can
 * look ahead.
 */
import { HourlyHistory } from "../forecast/history.js";
import { ForecastModel } from "../forecast/model.js";
import { projectMonth } from "../forecast/period-projection.js";
import type { HourlySeries } from "../series/types.js";
import { HOUR_MS, type ZonedCalendar } from "../../time/zoned.js";
import { BASELINES, type BaselineName, baselineForecast } from "./baselines.js";
import { IntervalScore, PeriodErrors, PointErrors } from "./metrics.js";

const MODEL_NAME = "e450-blend";
const MONTH_CHECKPOINTS = [1, 10, 20] as const;

export interface ForecastRow {
  readonly originMs: number;
  readonly targetMs: number;
  readonly actualKwh: number;
  readonly forecastKwh: number;
  readonly p10Kwh: number;
  readonly p90Kwh: number;
}

interface MethodScore {
  readonly name: string;
  readonly mae: number;
  readonly nmae: number;
  readonly nrmse: number;
  /** MAE divided by the previous-week baseline's MAE on the same hours. */
  readonly relativeMae: number;
  readonly dailyTotalMape: number;
}

export interface ForecastBacktestResult {
  readonly scoredDays: number;
  readonly scoredHours: number;
  /** The model first, then the baselines. */
  readonly methods: readonly MethodScore[];
  readonly coverage80: number;
  readonly meanIntervalWidthKwh: number;
  /** Month-end projection MAPE after 1, 10 and 20 complete days of the month. */
  readonly monthEnd: readonly { readonly day: number; readonly mape: number; readonly months: number }[];
}

export interface ForecastBacktestOptions {
  readonly warmupDays?: number;
  readonly onRow?: (row: ForecastRow) => void;
}

export function runForecastBacktest(
  series: HourlySeries,
  calendar: ZonedCalendar,
  options: ForecastBacktestOptions = {},
): ForecastBacktestResult {
  const model = new ForecastModel(calendar);
  const baselineHistory = new HourlyHistory(calendar, 60 * 24);
  const warmupEnd = calendar.addDays(series.startMs, options.warmupDays ?? 35);
  const names = [MODEL_NAME, ...BASELINES];
  const point = new Map(names.map((n) => [n, new PointErrors()]));
  const daily = new Map(names.map((n) => [n, new PeriodErrors()]));
  const interval = new IntervalScore();
  const monthEnd = new Map(MONTH_CHECKPOINTS.map((d) => [d, new PeriodErrors()]));
  const at = (ms: number) => series.kwh[Math.round((ms - series.startMs) / HOUR_MS)] ?? Number.NaN;
  let scoredDays = 0;

  for (let i = 0; i < series.kwh.length; i++) {
    const originMs = series.startMs + i * HOUR_MS;
    if (originMs >= warmupEnd && calendar.startOfDay(originMs) === originMs) {
      const actual = Array.from({ length: 24 }, (_, k) => at(originMs + k * HOUR_MS));
      if (actual.every((v) => !Number.isNaN(v))) {
        scoredDays++;
        const forecasts = model.forecastHours(originMs, 24);
        const actualTotal = actual.reduce((a, b) => a + b, 0);
        const dayHours = (calendar.addDays(originMs, 1) - originMs) / HOUR_MS;
        // The day-total forecast covers the local day; scale it to the 24 h window on DST days.
        const total = model.forecastDayTotal(calendar.isoWeekday(originMs)) * (24 / dayHours);
        daily.get(MODEL_NAME)!.add(total, actualTotal);
        forecasts.forEach((f, k) => {
          const y = actual[k]!;
          const p = Number.isNaN(f.point) ? 0 : f.point;
          point.get(MODEL_NAME)!.add(p, y);
          if (f.interval) interval.add(f.interval.low, f.interval.high, y);
          options.onRow?.({
            originMs,
            targetMs: f.targetMs,
            actualKwh: y,
            forecastKwh: p,
            p10Kwh: f.interval?.low ?? Number.NaN,
            p90Kwh: f.interval?.high ?? Number.NaN,
          });
        });
        for (const name of BASELINES) scoreBaseline(name, baselineHistory, originMs, actual, point, daily);
      }
      scoreMonthEnd(model, calendar, originMs, series, at, monthEnd);
    }
    const kwh = series.kwh[i]!;
    model.observe(originMs, kwh);
    baselineHistory.push(originMs, kwh);
  }

  const previousWeekMae = point.get("previous-week")!.mae;
  return {
    scoredDays,
    scoredHours: point.get(MODEL_NAME)!.count,
    methods: names.map((name) => {
      const e = point.get(name)!;
      return {
        name,
        mae: e.mae,
        nmae: e.nmae,
        nrmse: e.nrmse,
        relativeMae: e.mae / previousWeekMae,
        dailyTotalMape: daily.get(name)!.mape,
      };
    }),
    coverage80: interval.coverage,
    meanIntervalWidthKwh: interval.meanWidth,
    monthEnd: MONTH_CHECKPOINTS.map((day) => ({
      day,
      mape: monthEnd.get(day)!.mape,
      months: monthEnd.get(day)!.count,
    })),
  };
}

function scoreBaseline(
  name: BaselineName,
  history: HourlyHistory,
  originMs: number,
  actual: readonly number[],
  point: Map<string, PointErrors>,
  daily: Map<string, PeriodErrors>,
): void {
  let total = 0;
  actual.forEach((y, k) => {
    const f = baselineForecast(name, history, originMs + k * HOUR_MS);
    const p = Number.isNaN(f) ? 0 : f;
    point.get(name)!.add(p, y);
    total += p;
  });
  daily.get(name)!.add(
    total,
    actual.reduce((a, b) => a + b, 0),
  );
}

/** After `day` complete days of a month whose every hour is present, score the month-end projection. */
function scoreMonthEnd(
  model: ForecastModel,
  calendar: ZonedCalendar,
  originMs: number,
  series: HourlySeries,
  at: (ms: number) => number,
  errors: Map<number, PeriodErrors>,
): void {
  const dayOfMonth = calendar.parts(originMs).day;
  const checkpoint = errors.get(dayOfMonth - 1);
  if (checkpoint === undefined) return;
  const start = calendar.startOfMonth(originMs);
  const end = calendar.startOfNextMonth(originMs);
  if (start < series.startMs || end > series.startMs + series.kwh.length * HOUR_MS) return;
  let actual = 0;
  for (let ms = start; ms < end; ms += HOUR_MS) {
    const v = at(ms);
    if (Number.isNaN(v)) return;
    actual += v;
  }
  checkpoint.add(projectMonth(model, originMs).expectedKwh, actual);
}
