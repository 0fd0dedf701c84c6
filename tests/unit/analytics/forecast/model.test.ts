import { describe, expect, it } from "vitest";
import { seededRandom } from "../../../../src/analytics/anomaly/random.js";
import { runForecastBacktest } from "../../../../src/analytics/backtest/forecast-backtest.js";
import { ForecastModel } from "../../../../src/analytics/forecast/model.js";
import { projectMonth, projectToday } from "../../../../src/analytics/forecast/period-projection.js";
import { sortedQuantile, weightedQuantile } from "../../../../src/analytics/forecast/weighted-quantile.js";
import type { HourlySeries } from "../../../../src/analytics/series/types.js";
import { HOUR_MS, ZonedCalendar } from "../../../../src/time/zoned.js";

const utc = new ZonedCalendar("UTC");
const amsterdam = new ZonedCalendar("Europe/Amsterdam");
const START = Date.parse("2024-01-01T00:00:00Z");
const pattern = (i: number) => 0.3 + (i % 24 >= 18 && i % 24 < 22 ? 1 : 0) + (i % 24 === 7 ? 0.5 : 0);

function series(days: number, value: (i: number) => number, startMs = START): HourlySeries {
  return { startMs, kwh: Float64Array.from({ length: days * 24 }, (_, i) => value(i)) };
}

function feed(model: ForecastModel, s: HourlySeries, hours = s.kwh.length): number {
  for (let i = 0; i < hours; i++) model.observe(s.startMs + i * HOUR_MS, s.kwh[i]!);
  return s.startMs + hours * HOUR_MS;
}

describe("weighted quantiles", () => {
  it("takes the first value whose cumulative weight reaches q", () => {
    const samples = [
      { value: 3, weight: 1 },
      { value: 1, weight: 1 },
      { value: 2, weight: 3 },
    ];
    expect(weightedQuantile(samples, 0.5)).toBe(2);
    expect(weightedQuantile(samples, 0.1)).toBe(1);
    expect(weightedQuantile([], 0.5)).toBeNaN();
    expect(sortedQuantile([0, 10], 0.25)).toBe(2.5);
  });
});

describe("ForecastModel", () => {
  it("reproduces a perfectly regular daily pattern", () => {
    const model = new ForecastModel(utc);
    const now = feed(model, series(21, pattern));
    const forecast = model.forecastHours(now, 24);
    forecast.forEach((f, k) => {
      expect(f.point).toBeCloseTo(pattern(k), 12);
    });
  });

  it("cold-starts from a single day", () => {
    const model = new ForecastModel(utc);
    const now = feed(model, series(1, pattern));
    const points = model.forecastHours(now, 24).map((f) => f.point);
    expect(points.every(Number.isFinite)).toBe(true);
    expect(points[19]).toBeCloseTo(pattern(19), 12);
    expect(model.forecastHours(now, 1)[0]!.interval).toBeNull(); // no errors scored yet
  });

  it("follows a doubled consumption within ten days", () => {
    const model = new ForecastModel(utc);
    const now = feed(
      model,
      series(70, (i) => pattern(i) * (i >= 60 * 24 ? 2 : 1)),
    );
    const forecast = model.forecastHours(now, 24);
    const expected = Array.from({ length: 24 }, (_, k) => 2 * pattern(k)).reduce((a, b) => a + b, 0);
    const total = forecast.reduce((s, f) => s + f.point, 0);
    expect(Math.abs(total - expected) / expected).toBeLessThan(0.05);
  });

  it("projects a constant month exactly, counting the 23-hour day", () => {
    const model = new ForecastModel(amsterdam);
    const march1 = amsterdam.toUtc(Date.parse("2024-03-01T00:00:00Z"));
    const start = amsterdam.addDays(march1, -40);
    const s: HourlySeries = {
      startMs: start,
      kwh: new Float64Array((march1 - start) / HOUR_MS + 10 * 24).fill(1),
    };
    const now = feed(model, s);
    const projection = projectMonth(model, now);
    // March 2024 in Amsterdam has 31 × 24 − 1 = 743 hours
    expect(projection.actualToDateKwh).toBe(240);
    expect(projection.expectedKwh).toBeCloseTo(743, 9);
    const today = projectToday(model, now + 5 * HOUR_MS - 5 * HOUR_MS);
    expect(today.expectedKwh).toBeCloseTo(24, 9);
  });
});

describe("rolling-origin backtest", () => {
  const noisy = (seed: number) => {
    const random = seededRandom(seed);
    // log-normal noise around the pattern: right-skewed, like household load
    return series(200, (i) => pattern(i) * Math.exp(0.4 * (random() + random() + random() - 1.5)));
  };

  it("never looks ahead: changing the future leaves earlier forecasts identical", () => {
    const a = noisy(1);
    const b: HourlySeries = { startMs: a.startMs, kwh: a.kwh.slice() };
    const cut = 120 * 24;
    for (let i = cut; i < b.kwh.length; i++) b.kwh[i] = 5;
    const rows = (s: HourlySeries) => {
      const out: string[] = [];
      runForecastBacktest(s, utc, {
        onRow: (r) => {
          if (r.originMs < START + cut * HOUR_MS) out.push(JSON.stringify({ ...r, actualKwh: 0 }));
        },
      });
      return out;
    };
    const before = rows(a);
    expect(before.length).toBe((120 - 35) * 24);
    expect(rows(b)).toEqual(before);
  });

  it("calibrates 80 % intervals to 77–83 % coverage and beats the baselines", () => {
    const result = runForecastBacktest(noisy(2), utc);
    expect(result.coverage80).toBeGreaterThanOrEqual(0.77);
    expect(result.coverage80).toBeLessThanOrEqual(0.83);
    const [model, ...baselines] = result.methods;
    expect(model!.name).toBe("e450-blend");
    for (const b of baselines) expect(model!.mae).toBeLessThan(b.mae);
  });
});
