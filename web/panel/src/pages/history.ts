/**
 * History: power from the 1-minute samples and energy per 15 min / hour / day / month, import above
 * and export below the axis, with the forecast's 80 % band where it covers the chart.
 */
import uPlot from "uplot";
import { getJson } from "../api.js";
import type { DataResponse, EnergyColumnsResponse, ForecastResponse, EnergyPoint } from "../api-types.js";
import { type ChartHandle, mountChart, timeAxes, timeSeries } from "../charts/chart.js";
import { withAlpha } from "../charts/color.js";
import {
  type Column,
  type EnergyResolution,
  energyColumns,
  monthlyEnergy,
  pointsFromColumns,
  powerColumns,
  total,
} from "../charts/series.js";
import { h, replaceChildren } from "../dom.js";
import { formatEnergy, formatPower } from "../format.js";
import type { MessageKey } from "../messages/en.js";
import type { Page, PageContext } from "../page.js";
import { card, errorBox, loading, notice, select } from "../ui.js";
import { cssColor } from "../theme.js";

const PERIODS = ["24h", "7d", "30d", "1y"] as const;
type HistoryPeriod = (typeof PERIODS)[number];

/** The contract's default resolution per period, except 30 days by day (a month of hours is noisy). */
const DEFAULT_RESOLUTION: Readonly<Record<HistoryPeriod, EnergyResolution>> = {
  "24h": "15min",
  "7d": "1h",
  "30d": "1d",
  "1y": "1d",
};

/** Power samples (1 min) only for short periods: a month of them is megabytes of JSON. */
const POWER_PERIODS: readonly HistoryPeriod[] = ["24h", "7d"];

const PERIOD_TEXT: Readonly<Record<HistoryPeriod, MessageKey>> = {
  "24h": "period.24h",
  "7d": "period.7d",
  "30d": "period.30d",
  "1y": "period.1y",
};

const RESOLUTION_TEXT: Readonly<Record<EnergyResolution, MessageKey>> = {
  "15min": "resolution.15min",
  "1h": "resolution.1h",
  "1d": "resolution.1d",
  month: "resolution.month",
};

const stepped = uPlot.paths.stepped?.({ align: 1 });
const linear = uPlot.paths.linear?.();

/**
 * Intervals as steps while each is at least a pixel wide. With more intervals than pixels (a year of
 * quarter hours) uPlot's linear path, which draws each pixel column's minimum and maximum: the same
 * picture, every peak kept, a fraction of the drawing work.
 */
const steps: uPlot.Series.PathBuilder = (chart, seriesIndex, first, last) => {
  const builder = last - first > chart.bbox.width ? linear : stepped;
  return builder === undefined ? null : builder(chart, seriesIndex, first, last);
};

function energyChart(
  container: HTMLElement,
  context: PageContext,
  data: { readonly energy: readonly EnergyPoint[] },
  resolution: EnergyResolution,
  forecast: ForecastResponse | null,
): ChartHandle | null {
  const { t, language } = context;
  const days = data.energy ?? [];
  const points = resolution === "month" ? monthlyEnergy(days) : days;
  if (points.length === 0) {
    container.append(notice("info", t("history.noEnergy")));
    return null;
  }
  const columns = energyColumns(points, resolution, forecast?.tomorrow ?? []);
  const importColor = cssColor("--energy-import-color");
  const exportColor = cssColor("--energy-export-color");
  const forecastColor = cssColor("--forecast-color");
  const paths =
    resolution === "1d" || resolution === "month" ? uPlot.paths.bars?.({ size: [0.8, 60], align: 1 }) : steps;
  const kwh = (value: number | null) => (value === null ? "–" : formatEnergy(language, Math.abs(value)));
  const series: uPlot.Series[] = [
    timeSeries(language),
    {
      label: t("history.import"),
      stroke: importColor,
      fill: withAlpha(importColor, 0.45),
      paths,
      value: (_u, v) => kwh(v),
    },
  ];
  const data2: uPlot.AlignedData = [columns.x, columns.importKwh];
  if (columns.estimatedKwh !== null) {
    series.push({
      label: t("history.estimated"),
      stroke: importColor,
      dash: [4, 4],
      fill: withAlpha(importColor, 0.15),
      paths,
      value: (_u, v) => kwh(v),
    });
    data2.push(columns.estimatedKwh);
  }
  if (columns.exportKwh !== null) {
    series.push({
      label: t("history.export"),
      stroke: exportColor,
      fill: withAlpha(exportColor, 0.45),
      paths,
      value: (_u, v) => kwh(v),
    });
    data2.push(columns.exportKwh);
  }
  const bands: uPlot.Band[] = [];
  if (columns.forecast !== null) {
    series.push(
      { label: t("history.forecast"), stroke: forecastColor, dash: [6, 4], value: (_u, v) => kwh(v) },
      { label: t("forecast.p90"), stroke: "transparent", value: (_u, v) => kwh(v) },
      { label: t("forecast.p10"), stroke: "transparent", value: (_u, v) => kwh(v) },
    );
    data2.push(columns.forecast.value, columns.forecast.p90, columns.forecast.p10);
    bands.push({ series: [series.length - 2, series.length - 1], fill: withAlpha(forecastColor, 0.2) });
  }
  const summary = t("history.energySummary", {
    imported: formatEnergy(language, total(columns.importKwh)),
    exported: formatEnergy(language, columns.exportKwh === null ? null : -total(columns.exportKwh)),
  });
  return mountChart(
    container,
    t,
    summary,
    { series, bands, axes: timeAxes(language, (v) => kwh(v)), cursor: { sync: { key: "e450-history" } } },
    data2,
  );
}

/** Colour and name of a sampled quantity ("power_import", "power_net_l1" …) by what it measures. */
const QUANTITIES: readonly (readonly [RegExp, string, MessageKey])[] = [
  [/export/, "--energy-export-color", "history.export"],
  [/import/, "--energy-import-color", "history.import"],
  [/net/, "--primary-color", "live.powerNet"],
];

function powerChart(container: HTMLElement, context: PageContext, data: DataResponse): ChartHandle | null {
  const { t, language } = context;
  const columns = powerColumns(data.power ?? []);
  if (columns.x.length === 0) {
    container.append(notice("info", t("history.noPower")));
    return null;
  }
  const watts = (value: number | null) => formatPower(language, value);
  const series: uPlot.Series[] = [timeSeries(language)];
  const values: Column[] = [];
  const bands: uPlot.Band[] = [];
  for (const { quantity, mean, min, max } of columns.quantities) {
    const known = QUANTITIES.find(([pattern]) => pattern.test(quantity));
    const color = cssColor(known?.[1] ?? "--accent-color");
    // Per-phase quantities keep their phase: "From the grid L1".
    const phase = /_l([123])$/.exec(quantity)?.[1];
    const name = known === undefined ? quantity : `${t(known[2])}${phase === undefined ? "" : ` L${phase}`}`;
    series.push(
      { label: name, stroke: color, width: 1.5, value: (_u, v) => watts(v) },
      { label: `${name} ${t("history.max")}`, stroke: "transparent", value: (_u, v) => watts(v) },
      { label: `${name} ${t("history.min")}`, stroke: "transparent", value: (_u, v) => watts(v) },
    );
    values.push(mean, max, min);
    bands.push({ series: [series.length - 2, series.length - 1], fill: withAlpha(color, 0.18) });
  }
  return mountChart(
    container,
    t,
    t("history.powerSummary", { count: columns.x.length }),
    { series, bands, axes: timeAxes(language, watts), cursor: { sync: { key: "e450-history" } } },
    [columns.x, ...values],
  );
}

export const historyPage: Page = (root, context) => {
  const { t, meter } = context;
  let period: HistoryPeriod = "24h";
  let resolution: EnergyResolution = DEFAULT_RESOLUTION[period];
  let charts: ChartHandle[] = [];
  let generation = 0;
  const controls = h("div", { class: "controls" });
  const powerBox = h("div", { "data-testid": "history-power" });
  const energyBox = h("div", { "data-testid": "history-energy" });
  replaceChildren(
    root,
    h("h1", {}, t("nav.history")),
    controls,
    card(t("history.energy"), {}, energyBox),
    card(t("history.power"), {}, powerBox),
  );

  const clear = () => {
    for (const chart of charts) chart.destroy();
    charts = [];
  };

  const load = async () => {
    const current = ++generation;
    clear();
    replaceChildren(energyBox, loading(t));
    replaceChildren(powerBox, loading(t));
    const wantsForecast = resolution === "15min" || resolution === "1h";
    const wantsPower = POWER_PERIODS.includes(period);
    const [energy, power, forecast] = await Promise.all([
      getJson<EnergyColumnsResponse>("data", {
        period,
        resolution: resolution === "month" ? "1d" : resolution,
        format: "columns",
        meter,
      }),
      wantsPower ? getJson<DataResponse>("data", { period, resolution: "1min", meter }) : null,
      wantsForecast ? getJson<ForecastResponse>("forecast", { meter }) : null,
    ]);
    if (current !== generation) return;
    replaceChildren(energyBox);
    replaceChildren(powerBox);
    if (energy.ok) {
      const chart = energyChart(
        energyBox,
        context,
        { energy: pointsFromColumns(energy.data.energy) },
        resolution,
        forecast?.ok ? forecast.data : null,
      );
      if (chart !== null) charts.push(chart);
    } else energyBox.append(errorBox(t, energy.error));
    if (power === null) powerBox.append(notice("info", t("history.powerShortPeriods")));
    else if (power.ok) {
      const chart = powerChart(powerBox, context, power.data);
      if (chart !== null) charts.push(chart);
    } else powerBox.append(errorBox(t, power.error));
  };

  replaceChildren(
    controls,
    select(
      t("history.period"),
      PERIODS.map((value) => [value, t(PERIOD_TEXT[value])] as const),
      period,
      (value) => {
        period = value;
        resolution = DEFAULT_RESOLUTION[value];
        resolutionSelect.querySelector("select")!.value = resolution;
        void load();
      },
      "history-period",
    ),
  );
  const resolutionSelect = select(
    t("history.resolution"),
    (Object.keys(RESOLUTION_TEXT) as EnergyResolution[]).map(
      (value) => [value, t(RESOLUTION_TEXT[value])] as const,
    ),
    resolution,
    (value) => {
      resolution = value;
      void load();
    },
    "history-resolution",
  );
  controls.append(resolutionSelect);
  void load();
  return () => {
    generation++;
    clear();
  };
};
