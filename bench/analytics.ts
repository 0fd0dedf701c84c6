/**
 * Analytics benchmark: a full backtest over two years of 15-minute data and one incremental update
 * into live models holding two years of history, with time and memory, reported against a baseline
 * run in the same process (the previous-week copy forecast over the same data).
 *
 * The data is synthetic but shaped like household consumption (daily and weekly cycles, noise, a
 * weekly heavy load), built from a seeded generator so every run times the same work.
 */
import { performance } from "node:perf_hooks";
import { median } from "simple-statistics";
import { seededRandom } from "../src/analytics/anomaly/random.js";
import { AnomalyEngine } from "../src/analytics/anomaly/engine.js";
import { HourlyHistory } from "../src/analytics/forecast/history.js";
import { ForecastModel } from "../src/analytics/forecast/model.js";
import { projectMonth } from "../src/analytics/forecast/period-projection.js";
import { baselineForecast } from "../src/analytics/backtest/baselines.js";
import { runBacktest } from "../src/analytics/backtest/run.js";
import type { TimedValue } from "../src/analytics/series/types.js";
import { HOUR_MS, ZonedCalendar } from "../src/time/zoned.js";

const QUARTER_MS = 15 * 60_000;

function twoYearsOfQuarterHours(): TimedValue[] {
  const random = seededRandom(450);
  const calendar = new ZonedCalendar("Europe/Amsterdam");
  const start = Date.UTC(2022, 11, 31, 23);
  const readings: TimedValue[] = [];
  let register = 0;
  for (let ms = start; ms < start + 730 * 24 * HOUR_MS; ms += QUARTER_MS) {
    const p = calendar.parts(ms);
    const daily = 0.25 + 0.35 * Math.max(0, Math.sin(((p.hour - 6) / 24) * 2 * Math.PI));
    const heavy = p.isoWeekday === 1 && p.hour >= 9 && p.hour < 13 ? 4 : 0;
    register += (daily + heavy + random() * 0.3) / 4;
    readings.push({ timeMs: ms, value: Math.round(register * 100) / 100 });
  }
  return readings;
}

function measure<T>(run: () => T): { result: T; ms: number; heapMb: number } {
  globalThis.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const result = run();
  const ms = performance.now() - t0;
  const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
  return { result, ms, heapMb };
}

export async function benchAnalytics(): Promise<void> {
  const calendar = new ZonedCalendar("Europe/Amsterdam");
  const readings = twoYearsOfQuarterHours();
  const hours = Math.floor((readings.length * QUARTER_MS) / HOUR_MS);

  // Baseline: the previous-week copy forecast over the same hours, fed the same way.
  const baseline = measure(() => {
    const history = new HourlyHistory(calendar, 60 * 24);
    let checksum = 0;
    const start = calendar.startOfHour(readings[0]!.timeMs);
    for (let i = 0; i < hours; i++) {
      const ms = start + i * HOUR_MS;
      if (calendar.toWall(ms) % 86_400_000 === 0) {
        for (let k = 0; k < 24; k++)
          checksum += baselineForecast("previous-week", history, ms + k * HOUR_MS) || 0;
      }
      history.push(ms, 1);
    }
    return checksum;
  });

  const full = measure(() =>
    runBacktest({
      importReadings: readings,
      exportReadings: null,
      kind: "cumulative-kwh",
      calendar,
      injectSeed: 1,
    }),
  );

  // Live models warmed with two years of history, then one more hour in (and the sensors recomputed).
  const model = new ForecastModel(calendar);
  const engine = new AnomalyEngine(calendar);
  const start = calendar.startOfHour(readings[0]!.timeMs);
  for (let i = 0; i < hours; i++) {
    const hour = { startMs: start + i * HOUR_MS, importKwh: 0.5 + (i % 24) / 48 };
    model.observe(hour.startMs, hour.importKwh);
    engine.observe(hour);
  }
  let next = start + hours * HOUR_MS;
  const updates: number[] = [];
  const withSensors: number[] = [];
  for (let k = 0; k < 48; k++, next += HOUR_MS) {
    const t0 = performance.now();
    model.observe(next, 0.6);
    engine.observe({ startMs: next, importKwh: 0.6 });
    const t1 = performance.now();
    model.forecastHours(next + HOUR_MS, 24);
    projectMonth(model, next + HOUR_MS);
    updates.push(t1 - t0);
    withSensors.push(performance.now() - t0);
  }
  const updateMedian = median(updates);
  const worst = Math.max(...updates);
  const sensorsMedian = median(withSensors);

  const f = full.result.forecast.methods[0]!;
  const lines = [
    "analytics",
    `  data: ${readings.length} quarter-hour readings (${hours} h, two years), synthetic, seed 450`,
    `  baseline (previous-week forecast loop): ${baseline.ms.toFixed(0)} ms`,
    `  full backtest (forecast + detectors + injected replay): ${full.ms.toFixed(0)} ms = ${(full.ms / baseline.ms).toFixed(1)}× baseline, heap Δ ${full.heapMb.toFixed(1)} MB (target < 10 000 ms)`,
    `    ${full.result.forecast.scoredDays} scored days, rel. MAE ${f.relativeMae.toFixed(3)}`,
    `  incremental update (one hour into the forecast model and all detectors), 48 runs: median ${updateMedian.toFixed(3)} ms, worst ${worst.toFixed(2)} ms = ${(updateMedian / (baseline.ms / hours)).toFixed(0)}× the baseline's per-hour cost (target < 5 ms)`,
    `  the same plus recomputing the sensors (next-24 h forecast, month projection): median ${sensorsMedian.toFixed(2)} ms`,
    `  process RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}
