/**
 * Web API latency: a history store with two years of 15-minute intervals for one meter, the web
 * server started in-process on a loopback port, and real HTTP requests (node's fetch, one at a
 * time) for a year of 15-minute energy and for the latest readings. The baseline is a static file
 * of the panel served by the same server: what the HTTP round trip costs by itself. Target from
 * issue 10: p95 ≤ 50 ms for the year query.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { quantileSorted } from "simple-statistics";
import { seededRandom } from "../src/analytics/anomaly/random.js";
import { EventBus } from "../src/bus/event-bus.js";
import type { MeterEvents } from "../src/bus/events.js";
import { exact } from "../src/model/exact-number.js";
import type { Reading } from "../src/model/snapshot.js";
import { HistoryStore } from "../src/store/history-store.js";
import type { StoredInterval } from "../src/store/types.js";
import { Secret } from "../src/util/secret.js";
import { WebServer } from "../src/web/server.js";

const QUARTER_MS = 15 * 60_000;
const DAY_MS = 86_400_000;
const DAYS = 730;
const REQUESTS = 200;
const WARM_UP = 20;
const METER = "lgz_71234567";
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

function history(now: number): StoredInterval[][] {
  const random = seededRandom(10);
  const first = Math.floor(now / DAY_MS) * DAY_MS - DAYS * DAY_MS;
  return Array.from({ length: DAYS }, (_, d) =>
    Array.from({ length: 96 }, (_, q) => {
      const startMs = first + d * DAY_MS + q * QUARTER_MS;
      const load = 0.05 + 0.12 * Math.max(0, Math.sin(((q / 4 - 6) / 24) * 2 * Math.PI)) + random() * 0.05;
      return { startMs, endMs: startMs + QUARTER_MS, importKwh: load, exportKwh: 0, source: "live" as const };
    }),
  );
}

const number = (obis: string, raw: number, scaler: number, unit: string): Reading => ({
  obis,
  value: { kind: "number", exact: exact(raw, scaler), unit },
});

async function latencies(url: string): Promise<{ p50: number; p95: number; bytes: number }> {
  let bytes = 0;
  for (let i = 0; i < WARM_UP; i++) await (await fetch(url)).arrayBuffer();
  const times: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const t0 = performance.now();
    const response = await fetch(url);
    bytes = (await response.arrayBuffer()).byteLength;
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { p50: quantileSorted(times, 0.5), p95: quantileSorted(times, 0.95), bytes };
}

export async function benchWeb(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), "e450-bench-web-"));
  const panel = join(folder, "panel");
  mkdirSync(join(panel, "assets"), { recursive: true });
  writeFileSync(join(panel, "index.html"), "<!doctype html><html><head></head><body></body></html>");
  // About the size of a small chart library's bundle.
  writeFileSync(join(panel, "assets", "app.js"), `export const data = "${"x".repeat(48 * 1024)}";\n`);
  const store = HistoryStore.open(join(folder, "history.sqlite"), quiet);
  const bus = new EventBus<MeterEvents>(() => {});
  const server = new WebServer(
    {
      host: "127.0.0.1",
      port: 0,
      access: { kind: "loopback" },
      timeZone: "Europe/Zurich",
      meterTimeZone: "Europe/Zurich",
      tariff: null,
      tariffAlternatives: {},
      version: "bench",
      panelDir: panel,
    },
    { store, storeFile: join(folder, "history.sqlite"), logger: quiet, meterKeys: new Secret(new Map()) },
  );
  try {
    for (const day of history(Date.now())) store.writeIntervals(METER, day);
    await server.start(bus);
    bus.emit("snapshot", {
      meter: "meter",
      identity: {
        key: METER,
        serialNumber: "71234567",
        systemTitle: "4C475A670312D687",
        logicalDeviceName: null,
        firmwareVersion: null,
      },
      snapshot: {
        source: "dlms-push",
        meterId: "71234567",
        meterTime: "2026-11-28T14:05:10",
        readings: [
          number("1-0:32.7.0.255", 2314, -1, "V"),
          number("1-0:52.7.0.255", 2306, -1, "V"),
          number("1-0:72.7.0.255", 2321, -1, "V"),
          number("1-0:31.7.0.255", 152, -2, "A"),
          number("1-0:51.7.0.255", 87, -2, "A"),
          number("1-0:71.7.0.255", 203, -2, "A"),
          number("1-0:1.7.0.255", 1375, 0, "W"),
          number("1-0:2.7.0.255", 0, 0, "W"),
          number("1-1:1.8.0.255", 12345678, 0, "Wh"),
          number("1-1:2.8.0.255", 2345, 0, "Wh"),
        ],
      },
      derived: [number("1-0:16.7.0.255", 1375, 0, "W")],
      receivedAt: Date.now(),
    });
    const base = `http://127.0.0.1:${server.port}`;
    const file = await latencies(`${base}/assets/app.js`);
    const year = await latencies(`${base}/api/data?period=1y&resolution=15min`);
    const yearColumns = await latencies(`${base}/api/data?period=1y&resolution=15min&format=columns`);
    const latest = await latencies(`${base}/api/readings/latest`);
    const ms = (value: number) => `${value.toFixed(2)} ms`;
    const row = (name: string, r: typeof file) =>
      `  ${name}: p50 ${ms(r.p50)}, p95 ${ms(r.p95)} (${(r.bytes / 1024).toFixed(0)} kB) = ${(r.p50 / file.p50).toFixed(1)}× / ${(r.p95 / file.p95).toFixed(1)}× the baseline`;
    const lines = [
      "web",
      `  data: one meter, ${DAYS} days × 96 quarter-hours in the store; ${REQUESTS} requests each over loopback HTTP after ${WARM_UP} to warm up`,
      `  baseline (static file of the panel, same server): p50 ${ms(file.p50)}, p95 ${ms(file.p95)} (${(file.bytes / 1024).toFixed(0)} kB)`,
      row("GET /api/data?period=1y&resolution=15min", year),
      row("GET /api/data?period=1y&resolution=15min&format=columns (what the panel asks)", yearColumns),
      row("GET /api/readings/latest", latest),
      `  target p95 ≤ 50 ms for the year query: ${yearColumns.p95 <= 50 ? "met" : "MISSED"} with format=columns, ${year.p95 <= 50 ? "met" : "missed"} as points (load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores while measuring)`,
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
  } finally {
    await server.stop();
    store.close();
    rmSync(folder, { recursive: true, force: true });
  }
}
