import { describe, expect, it } from "vitest";
import type { EnergyPoint } from "../../../web/panel/src/api-types.js";
import { withAlpha } from "../../../web/panel/src/charts/color.js";
import {
  column,
  energyColumns,
  monthlyEnergy,
  pointsFromColumns,
  powerColumns,
  total,
} from "../../../web/panel/src/charts/series.js";

const QUARTER = 900_000;
const HOUR = 3_600_000;

function quarters(count: number, start = Date.UTC(2025, 0, 1)): EnergyPoint[] {
  return Array.from({ length: count }, (_, i) => ({
    t: start + i * QUARTER,
    importKwh: 0.1 + (i % 7) / 100,
    exportKwh: i % 96 > 40 && i % 96 < 60 ? 0.2 : 0,
    estimated: false,
  }));
}

describe("chart columns", () => {
  it("are typed arrays when nothing is missing, plain arrays with gaps otherwise", () => {
    expect(column([1, 2, 3])).toBeInstanceOf(Float64Array);
    expect(column([1, null, 3])).toEqual([1, null, 3]);
    expect(total(column([1, null, 3]))).toBe(4);
  });

  it("keep every one of a year's 35,040 quarter hours in flat typed arrays", () => {
    const year = quarters(35_040);
    const columns = energyColumns(year, "15min", []);
    expect(columns.x).toBeInstanceOf(Float64Array);
    expect(columns.x).toHaveLength(35_040);
    expect(columns.importKwh).toBeInstanceOf(Float64Array);
    expect(columns.exportKwh).toBeInstanceOf(Float64Array);
    expect(columns.x[35_039]).toBe(year[35_039]?.t);
    expect(columns.estimatedKwh).toBeNull();
    expect(columns.forecast).toBeNull();
  });

  it("hang export below the axis and mark estimated intervals apart", () => {
    const points: EnergyPoint[] = [
      { t: 0, importKwh: 1, exportKwh: 0.5, estimated: false },
      { t: QUARTER, importKwh: 2, exportKwh: null, estimated: true },
    ];
    const columns = energyColumns(points, "15min", []);
    expect(columns.exportKwh).toEqual([-0.5, null]);
    expect(columns.estimatedKwh).toEqual([null, 2]);
  });

  it("sort points that arrive out of order", () => {
    const columns = energyColumns(
      [
        { t: QUARTER, importKwh: 2, exportKwh: 0, estimated: false },
        { t: 0, importKwh: 1, exportKwh: 0, estimated: false },
      ],
      "15min",
      [],
    );
    expect([...columns.x]).toEqual([0, QUARTER]);
    expect([...columns.importKwh]).toEqual([1, 2]);
  });

  it("leave export out when the meter states none", () => {
    const columns = energyColumns([{ t: 0, importKwh: 1, exportKwh: null, estimated: false }], "1h", []);
    expect(columns.exportKwh).toBeNull();
  });

  it("spread the hourly forecast over quarter hours and extend the time axis to cover it", () => {
    const start = 10 * HOUR;
    const measured = [{ t: start, importKwh: 0.3, exportKwh: 0, estimated: false }];
    const forecast = [{ t: start + HOUR, kwh: 2, p10: 1, p90: 4 }];
    const columns = energyColumns(measured, "15min", forecast);
    expect([...columns.x]).toEqual([
      start,
      start + HOUR,
      start + HOUR + QUARTER,
      start + HOUR + 2 * QUARTER,
      start + HOUR + 3 * QUARTER,
    ]);
    expect(columns.importKwh).toEqual([0.3, null, null, null, null]);
    expect(columns.forecast?.value).toEqual([null, 0.5, 0.5, 0.5, 0.5]);
    expect(columns.forecast?.p10).toEqual([null, 0.25, 0.25, 0.25, 0.25]);
    expect(columns.forecast?.p90).toEqual([null, 1, 1, 1, 1]);
  });

  it("overlay no hourly forecast on days or months", () => {
    const columns = energyColumns(quarters(3), "1d", [{ t: 0, kwh: 1, p10: null, p90: null }]);
    expect(columns.forecast).toBeNull();
    expect(columns.x).toHaveLength(3);
  });

  it("sum days into calendar months of the analytics zone, each starting at its first day", () => {
    // Days starting at midnight in Vienna (UTC+1 in winter): 31 Jan and 1 Feb 2026.
    const jan31 = Date.UTC(2026, 0, 30, 23);
    const feb1 = Date.UTC(2026, 0, 31, 23);
    const feb2 = Date.UTC(2026, 1, 1, 23);
    const months = monthlyEnergy(
      [
        { t: jan31, importKwh: 5, exportKwh: null, estimated: false },
        { t: feb1, importKwh: 7, exportKwh: 1, estimated: false },
        { t: feb2, importKwh: 3, exportKwh: null, estimated: true },
      ],
      "Europe/Vienna",
    );
    expect(months).toEqual([
      { t: jan31, importKwh: 5, exportKwh: null, estimated: false },
      { t: feb1, importKwh: 10, exportKwh: 1, estimated: true },
    ]);
  });

  it("put power quantities on one time axis with their spread, gaps where one is missing", () => {
    const columns = powerColumns([
      { t: 60_000, quantity: "power_import", min: 100, mean: 150, max: 200 },
      { t: 0, quantity: "power_import", min: 90, mean: 120, max: 180 },
      { t: 0, quantity: "power_export", min: 0, mean: 5, max: 10 },
    ]);
    expect([...columns.x]).toEqual([0, 60_000]);
    expect(columns.quantities.map((q) => q.quantity)).toEqual(["power_import", "power_export"]);
    expect([...(columns.quantities[0]?.mean ?? [])]).toEqual([120, 150]);
    expect(columns.quantities[0]?.mean).toBeInstanceOf(Float64Array);
    expect(columns.quantities[1]?.max).toEqual([10, null]);
  });

  it("turn the theme's hex colours into translucent fills", () => {
    expect(withAlpha("#488fc2", 0.3)).toBe("rgba(72,143,194,0.3)");
    expect(withAlpha("rebeccapurple", 0.3)).toBe("rebeccapurple");
  });
});

describe("pointsFromColumns", () => {
  it("turns /api/data's integer columns back into points, mWh into kWh and minutes into times", () => {
    const t0 = Date.UTC(2026, 0, 1);
    expect(
      pointsFromColumns({
        t0,
        minutes: [0, 15],
        importMilliWh: [250_000, 1],
        exportMilliWh: null,
        estimated: [0, 1],
      }),
    ).toEqual([
      { t: t0, importKwh: 0.25, exportKwh: null, estimated: false },
      { t: t0 + 900_000, importKwh: 0.000001, exportKwh: null, estimated: true },
    ]);
  });
});
