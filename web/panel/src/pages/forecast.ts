/** Forecast: today, the next hour and the month with their 80 % bands; tomorrow hour by hour. */
import { getJson } from "../api.js";
import type { Band, ForecastResponse } from "../api-types.js";
import { type ChartHandle, mountChart, timeAxes, timeSeries } from "../charts/chart.js";
import { withAlpha } from "../charts/color.js";
import { column } from "../charts/series.js";
import { h, replaceChildren } from "../dom.js";
import { formatEnergy, formatMoney, formatNumber, formatPercent } from "../format.js";
import type { Page } from "../page.js";
import { cssColor } from "../theme.js";
import { card, errorBox, facts, loading, notice } from "../ui.js";

export const forecastPage: Page = (root, { t, language, meter, stream }) => {
  const body = h("div", { "data-testid": "forecast" });
  let chart: ChartHandle | null = null;
  replaceChildren(root, h("h1", {}, t("nav.forecast")), body);

  const band = (value: Band, format: (n: number) => string, testId: string) =>
    h(
      "div",
      {},
      h("span", { class: "value", "data-testid": testId }, format(value.value)),
      h(
        "span",
        { class: "muted band-text" },
        value.p10 === null || value.p90 === null
          ? t("forecast.noBand")
          : t("forecast.band", { low: format(value.p10), high: format(value.p90) }),
      ),
    );

  const show = (forecast: ForecastResponse) => {
    chart?.destroy();
    chart = null;
    const kwh = (n: number) => formatEnergy(language, n);
    const month = forecast.month ?? forecast.monthEnergy;
    const chartBox = h("div", { "data-testid": "forecast-chart" });
    replaceChildren(
      body,
      h(
        "div",
        { class: "grid tiles" },
        card(t("forecast.today"), { class: "card tile" }, band(forecast.today, kwh, "forecast-today")),
        card(
          t("forecast.nextHour"),
          { class: "card tile" },
          band(forecast.nextHour, kwh, "forecast-next-hour"),
        ),
        month === undefined
          ? null
          : card(t("forecast.month"), { class: "card tile" }, band(month, kwh, "forecast-month")),
        forecast.monthCost === null
          ? null
          : card(
              t("forecast.monthCost"),
              { class: "card tile" },
              band(
                forecast.monthCost,
                monthCost(language, currencyOf(stream.last("cost"))),
                "forecast-month-cost",
              ),
            ),
      ),
      card(t("forecast.next24h"), {}, chartBox),
      card(
        null,
        {},
        facts([
          [t("forecast.error"), formatPercent(language, forecast.recentDailyErrorPercent)],
          [t("forecast.historyDays"), String(forecast.historyDays)],
        ]),
      ),
    );
    if (forecast.tomorrow.length === 0) {
      chartBox.append(notice("info", t("forecast.noHours")));
      return;
    }
    const color = cssColor("--forecast-color");
    const hours = forecast.tomorrow;
    chart = mountChart(
      chartBox,
      t,
      t("forecast.chartSummary", { total: kwh(hours.reduce((sum, hour) => sum + hour.kwh, 0)) }),
      {
        series: [
          timeSeries(language),
          {
            label: t("forecast.expected"),
            stroke: color,
            width: 2,
            value: (_u, v) => (v === null ? "–" : kwh(v)),
          },
          { label: t("forecast.p90"), stroke: "transparent", value: (_u, v) => (v === null ? "–" : kwh(v)) },
          { label: t("forecast.p10"), stroke: "transparent", value: (_u, v) => (v === null ? "–" : kwh(v)) },
        ],
        bands: [{ series: [2, 3], fill: withAlpha(color, 0.25) }],
        axes: timeAxes(language, kwh),
      },
      [
        Float64Array.from(hours, (hour) => hour.t),
        Float64Array.from(hours, (hour) => hour.kwh),
        column(hours.map((hour) => hour.p90)),
        column(hours.map((hour) => hour.p10)),
      ],
    );
  };

  const load = async () => {
    const result = await getJson<ForecastResponse>("forecast", { meter });
    if (result.ok) show(result.data);
    else {
      chart?.destroy();
      chart = null;
      replaceChildren(body, errorBox(t, result.error));
    }
  };

  replaceChildren(body, loading(t));
  void load();
  const unsubscribe = stream.on("forecast", () => void load());
  return () => {
    unsubscribe();
    chart?.destroy();
  };
};

/** The tariff's currency from the live `cost` event; null until one has arrived. */
function currencyOf(event: unknown): string | null {
  const state = (event as { state?: unknown } | undefined)?.state ?? event;
  const currency = (state as { currency?: unknown } | undefined)?.currency;
  return typeof currency === "string" ? currency : null;
}

function monthCost(language: string, currency: string | null): (amount: number) => string {
  return (amount) =>
    currency === null ? formatNumber(language, amount, 2) : formatMoney(language, amount, currency);
}
