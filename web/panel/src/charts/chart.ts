/**
 * uPlot on a page: sized to its container, coloured from the theme's CSS variables, time axis in the
 * panel's language, zoom by dragging (uPlot's own) and by buttons (keyboard users), double click resets.
 */
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { h } from "../dom.js";
import type { Translate } from "../i18n.js";
import { cssColor } from "../theme.js";

const DAY_MS = 86_400_000;

export interface ChartHandle {
  destroy(): void;
}

/** Axis labels by the tick spacing uPlot found: times within a day, days, or months. */
function timeLabels(locale: string): uPlot.Axis.Values {
  const time = new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit" });
  const day = new Intl.DateTimeFormat(locale, { day: "numeric", month: "short" });
  const month = new Intl.DateTimeFormat(locale, { month: "short", year: "numeric" });
  return (_chart, splits, _axis, _space, increment) =>
    splits.map((t) => (increment < DAY_MS ? time : increment < 28 * DAY_MS ? day : month).format(t));
}

function chartHeight(): number {
  return matchMedia("(max-width: 600px)").matches ? 220 : 300;
}

/** The axes every time chart shares: local time below, `unit` on the left. */
export function timeAxes(locale: string, formatValue: (value: number) => string): uPlot.Axis[] {
  const stroke = cssColor("--secondary-text-color");
  const grid = { stroke: cssColor("--divider-color"), width: 1 };
  return [
    // Wide enough for "12:45 PM" or "12 Dec" between ticks.
    { stroke, grid, ticks: grid, space: 90, values: timeLabels(locale) },
    { stroke, grid, ticks: grid, size: 70, values: (_chart, splits) => splits.map(formatValue) },
  ];
}

export function timeSeries(locale: string): uPlot.Series {
  const format = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" });
  return { value: (_chart, t) => (t === null ? "–" : format.format(t)) };
}

/**
 * Draws the chart into `container` with a text alternative (`summary`) for screen readers and zoom
 * buttons. Returns the handle that stops resizing and frees the canvas.
 */
export function mountChart(
  container: HTMLElement,
  t: Translate,
  summary: string,
  options: Omit<uPlot.Options, "width" | "height">,
  data: uPlot.AlignedData,
): ChartHandle {
  const plot = h("div", { class: "chart", role: "img", "aria-label": summary });
  const zoomIn = h("button", { type: "button", class: "small" }, t("chart.zoomIn"));
  const zoomOut = h("button", { type: "button", class: "small" }, t("chart.zoomOut"));
  const reset = h("button", { type: "button", class: "small" }, t("chart.resetZoom"));
  container.append(
    h(
      "div",
      { class: "chart-tools" },
      h("span", { class: "muted" }, t("chart.hint")),
      zoomIn,
      zoomOut,
      reset,
    ),
    plot,
  );
  const xs = data[0];
  const first = xs[0] ?? 0;
  const last = xs[xs.length - 1] ?? 1;
  const chart = new uPlot(
    {
      ...options,
      // The API's times are epoch ms; uPlot's default (1e-3) reads seconds and picks its ticks from a
      // table in seconds, which on ms data put them 8 h 46 min apart.
      ms: 1,
      width: Math.max(280, container.clientWidth),
      height: chartHeight(),
      cursor: { drag: { x: true, y: false }, ...options.cursor },
    },
    data,
    plot,
  );
  const zoom = (factor: number) => {
    const { min = first, max = last } = chart.scales["x"] ?? {};
    const centre = (min + max) / 2;
    const half = Math.max(((max - min) * factor) / 2, 60_000);
    chart.setScale("x", { min: Math.max(first, centre - half), max: Math.min(last, centre + half) });
  };
  zoomIn.addEventListener("click", () => zoom(0.5));
  zoomOut.addEventListener("click", () => zoom(2));
  reset.addEventListener("click", () => chart.setScale("x", { min: first, max: last }));
  const resize = new ResizeObserver(() => {
    chart.setSize({ width: Math.max(280, container.clientWidth), height: chartHeight() });
  });
  resize.observe(container);
  return {
    destroy() {
      resize.disconnect();
      chart.destroy();
    },
  };
}
