/**
 * What the panel tests ask of the page and of its pictures: scripts run inside the page (as text:
 * the tests are compiled without the DOM library) and a PNG header check.
 */
import type { Page } from "playwright-core";

/**
 * Installed before the panel's own code: notes when each response body the panel reads as JSON was
 * parsed (performance.now()) and how many energy points it held, so a draw can be timed from the
 * moment its data was in hand.
 */
export const RECORD_JSON = `(() => {
  const parse = Response.prototype.json;
  window.__e450Json = [];
  Response.prototype.json = async function () {
    const value = await parse.call(this);
    // Points, or (format=columns, what the History page asks) integer columns.
    const energy =
      value === null || typeof value.energy !== "object" || value.energy === null
        ? null
        : Array.isArray(value.energy)
          ? value.energy.length
          : Array.isArray(value.energy.minutes)
            ? value.energy.minutes.length
            : null;
    window.__e450Json.push({ url: this.url, at: performance.now(), energy });
    return value;
  };
})()`;

export interface ChartTiming {
  /** When the resolution was changed. */
  readonly selectedAt: number;
  /** When the last JSON body before the chart appeared was parsed. */
  readonly dataAt: number;
  /** The chart's element was in the page. */
  readonly insertedAt: number;
  /** The task after insertion: uPlot's drawing (a microtask of its constructor) is done. */
  readonly drawnAt: number;
  /** After the next animation frame: the picture has been handed to the compositor. */
  readonly paintedAt: number;
  /** Energy points in the data response. */
  readonly points: number;
}

/** Resolves with timings when a new chart appears in the History page's energy box. */
const WATCH_ENERGY_CHART = `(() => {
  const box = document.querySelector('[data-testid="history-energy"]');
  window.__e450Chart = new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      if (box.querySelector(".uplot") === null) return;
      observer.disconnect();
      const insertedAt = performance.now();
      setTimeout(() => {
        const drawnAt = performance.now();
        requestAnimationFrame(() => setTimeout(() => resolve({ insertedAt, drawnAt, paintedAt: performance.now() })));
      });
    });
    observer.observe(box, { childList: true, subtree: true });
  });
  window.__e450SelectedAt = performance.now();
})()`;

const COLLECT_CHART = `window.__e450Chart.then((chart) => {
  const parsed = window.__e450Json.filter((entry) => entry.at >= window.__e450SelectedAt && entry.at <= chart.insertedAt);
  const data = parsed.find((entry) => entry.energy !== null);
  return {
    ...chart,
    selectedAt: window.__e450SelectedAt,
    dataAt: Math.max(...parsed.map((entry) => entry.at)),
    points: data === undefined ? 0 : data.energy,
  };
})`;

/** Times the History page redrawing its energy chart after `change` (which picks new data). */
export async function timeEnergyChart(page: Page, change: () => Promise<unknown>): Promise<ChartTiming> {
  await page.evaluate(WATCH_ENERGY_CHART);
  await change();
  return page.evaluate<ChartTiming>(COLLECT_CHART);
}

/** Where a page could keep a key: its URL, storages and cookies. */
export function pageStorage(page: Page): Promise<string> {
  return page.evaluate<string>(
    `JSON.stringify({ url: location.href, local: { ...localStorage }, session: { ...sessionStorage }, cookie: document.cookie })`,
  );
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from the IHDR chunk, which must come first (W3C PNG 3rd edition §5.2–5.3, §11.2.1). */
export function pngSize(png: Buffer): { width: number; height: number } {
  if (!png.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error("not a PNG: wrong signature");
  if (png.subarray(12, 16).toString("latin1") !== "IHDR") throw new Error("not a PNG: IHDR is not first");
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}
