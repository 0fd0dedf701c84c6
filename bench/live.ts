/**
 * The add-on's live analytics: what each closed interval costs (the cost ledger, the forecast and
 * the anomaly detectors, on top of storing it), and the running service's steady memory with the
 * history store open.
 *
 * Per interval: one meter's pushes every 5 s of meter time for four days, through MeterInsights
 * over a real SQLite store warmed with 120 days of history, against the named baseline "store
 * only" (the same pushes through the interval builder and the store's writes, no analytics), run in
 * the same process. Memory: `e450 run` with the virtual meter, a tariff and a store holding two
 * years of its history, its RSS read from /proc over a minute, against a bare Node process (the
 * floor any Node program pays).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { median } from "simple-statistics";
import { energyTotalsOf } from "../src/insights/energy-totals.js";
import { IntervalBuilder } from "../src/insights/interval-builder.js";
import { MeterInsights } from "../src/insights/meter-insights.js";
import { virtualMeterKey } from "../src/cli/history-meter.js";
import type { Snapshot } from "../src/model/snapshot.js";
import { HistoryStore } from "../src/store/history-store.js";
import { historyFile } from "../src/store/location.js";
import type { StoredInterval } from "../src/store/types.js";
import { ZonedCalendar } from "../src/time/zoned.js";

const ZONE = new ZonedCalendar("Europe/Zurich");
const QUARTER_MS = 15 * 60_000;
const DAY_MS = 86_400_000;
const PUSH_MS = 5_000;
const LIVE_DAYS = 4;
const START = Date.UTC(2026, 0, 5);
const CLI = fileURLToPath(new URL("../src/cli.js", import.meta.url));
const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

function history(days: number, endMs: number): StoredInterval[] {
  const rows: StoredInterval[] = [];
  for (let ms = endMs - days * DAY_MS; ms < endMs; ms += QUARTER_MS) {
    const hour = ZONE.hourOfDay(ms);
    const kwh = 0.06 + (hour >= 7 && hour < 22 ? 0.12 : 0) + ((ms / QUARTER_MS) % 7) * 0.004;
    rows.push({ startMs: ms, endMs: ms + QUARTER_MS, importKwh: kwh, exportKwh: 0, source: "imported" });
  }
  return rows;
}

function push(ms: number, importWh: number, watts: number): Snapshot {
  const reading = (obis: string, raw: number, unit: string) => ({
    obis,
    value: { kind: "number" as const, exact: { raw: BigInt(Math.round(raw)), scaler: 0 }, unit },
  });
  return {
    source: "dlms-push",
    meterId: "12345678",
    meterTime: new Date(ZONE.toWall(ms)).toISOString().slice(0, 19),
    readings: [
      reading("1-0:1.8.0.255", importWh, "Wh"),
      reading("1-0:2.8.0.255", 0, "Wh"),
      reading("1-0:1.7.0.255", watts, "W"),
      reading("1-0:32.7.0.255", 231, "V"),
    ],
  };
}

/** Four days of pushes, made once so both runs time the same work and not the making. */
function pushes(): Snapshot[] {
  const out: Snapshot[] = [];
  let wh = 1_000_000;
  for (let ms = START; ms < START + LIVE_DAYS * DAY_MS; ms += PUSH_MS) {
    const watts = ZONE.hourOfDay(ms) >= 7 && ZONE.hourOfDay(ms) < 22 ? 900 : 300;
    out.push(push(ms, wh, watts));
    wh += (watts * PUSH_MS) / 3_600_000;
  }
  return out;
}

function freshStore(folder: string, name: string): HistoryStore {
  const store = HistoryStore.open(join(folder, `${name}.sqlite`), quiet);
  const rows = history(120, START);
  for (let i = 0; i < rows.length; i += 96) store.writeIntervals("12345678", rows.slice(i, i + 96));
  return store;
}

function benchPerInterval(folder: string): void {
  const stream = pushes();
  const intervals = (LIVE_DAYS * DAY_MS) / QUARTER_MS;

  const baselineStore = freshStore(folder, "baseline");
  const builder = new IntervalBuilder();
  const t0 = performance.now();
  for (const snapshot of stream) {
    const totals = energyTotalsOf(snapshot.readings)!;
    const ms = ZONE.toUtc(Date.parse(`${snapshot.meterTime}Z`));
    const { closed, resumeFrom } = builder.add(ms, totals);
    if (closed.length > 0) {
      baselineStore.writeIntervals(
        "12345678",
        closed.map((c) => ({ ...c, source: "live" as const })),
        resumeFrom ?? undefined,
      );
    }
  }
  const baselineMs = performance.now() - t0;
  baselineStore.close();

  const store = freshStore(folder, "live");
  let published = 0;
  const output = {
    interval() {},
    cost() {
      published++;
    },
    forecast() {},
    anomalies() {},
  };
  const insights = new MeterInsights(
    {
      meter: "12345678",
      tariff: {
        timeZone: "Europe/Zurich",
        currency: "CHF",
        versions: [{ validFrom: "2025-01-01", import: { kind: "fixed", pricePerKwh: 0.3 } }],
      },
      analytics: { forecast: true, anomalies: true, anomalySensitivity: "medium", sampleRetentionDays: 31 },
      calendar: ZONE,
      meterCalendar: ZONE,
    },
    store,
    output,
    quiet,
  );
  const warm = performance.now();
  insights.warmUp(START);
  const warmMs = performance.now() - warm;
  const t1 = performance.now();
  for (const snapshot of stream) insights.take(snapshot, [], Date.parse(`${snapshot.meterTime}Z`));
  const fullMs = performance.now() - t1;
  insights.stop();
  store.close();

  const perInterval = (fullMs - baselineMs) / intervals;
  console.log(
    "live analytics, one meter, pushes every 5 s of meter time for 4 days (384 intervals, 69,120 pushes)",
  );
  console.log(`  warm-up from 120 days of stored history        ${warmMs.toFixed(0)} ms`);
  console.log(`  baseline "store only" (builder + SQLite writes)  ${baselineMs.toFixed(0)} ms`);
  console.log(
    `  with analytics (cost, forecast, anomalies, 1-minute samples)  ${fullMs.toFixed(0)} ms = ${(fullMs / baselineMs).toFixed(1)}× baseline`,
  );
  console.log(
    `  analytics update per closed interval            ${perInterval.toFixed(2)} ms (${published} cost states)`,
  );
}

function rssKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
}

/** RSS samples once a second for `seconds`, after `settleSeconds`. */
async function sampleRss(
  args: string[],
  seconds: number,
  settleSeconds: number,
  cwd: string,
): Promise<number[]> {
  const child = spawn(process.execPath, args, { stdio: "ignore", cwd });
  try {
    await new Promise((resolve) => setTimeout(resolve, settleSeconds * 1000));
    const samples: number[] = [];
    for (let i = 0; i < seconds; i++) {
      samples.push(rssKb(child.pid!) / 1024);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    return samples;
  } finally {
    child.kill("SIGTERM");
  }
}

/** The node flags the add-on starts the service with: the last line of its s6 run script. */
function addonNodeFlags(): string[] {
  const script = new URL("../../rootfs/etc/s6-overlay/s6-rc.d/e450/run", import.meta.url);
  const command = readFileSync(fileURLToPath(script), "utf8").trim().split("\n").at(-1) ?? "";
  const match = /^exec node ((?:--\S+ )*)\/opt\/e450\/dist\/src\/cli\.js run$/.exec(command);
  if (!match) throw new Error(`unexpected command in the add-on's run script: ${command}`);
  return match[1]!.trim().split(" ").filter(Boolean);
}

/** A Mosquitto broker on a free port, as the add-on always has one; null where none is installed. */
async function startBroker(folder: string): Promise<{ url: string; stop(): void } | null> {
  const binary = ["/usr/sbin/mosquitto", "/usr/bin/mosquitto"].find((path) => existsSync(path));
  if (!binary) return null;
  const port = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
  const config = join(folder, "mosquitto.conf");
  writeFileSync(config, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\n`);
  const child = spawn(binary, ["-c", config], { stdio: "ignore" });
  await new Promise((resolve) => setTimeout(resolve, 500));
  return { url: `mqtt://127.0.0.1:${port}`, stop: () => child.kill("SIGTERM") };
}

async function benchRss(folder: string): Promise<void> {
  const dataDir = join(folder, "service");
  const store = HistoryStore.open(historyFile(dataDir), quiet);
  const rows = history(730, Date.now() - (Date.now() % QUARTER_MS));
  for (let i = 0; i < rows.length; i += 96) store.writeIntervals(virtualMeterKey(), rows.slice(i, i + 96));
  store.close();
  // JSON, as the add-on reads /data/options.json (a YAML file would load the YAML parser too).
  const config = join(folder, "options.json");
  const options = { meter: { connection: "virtual" }, tariff: { currency: "CHF", import_price: 0.3 } };
  writeFileSync(config, JSON.stringify(options));
  const flags = addonNodeFlags();
  const broker = await startBroker(folder);
  try {
    const bare = await sampleRss(["-e", "setInterval(() => {}, 1000)"], 5, 2, folder);
    const mqtt = broker ? ["--mqtt", broker.url] : [];
    const args = [...flags, CLI, "run", "--config", config, "--data-dir", dataDir, ...mqtt];
    const service = await sampleRss(args, 40, 20, folder);
    const steady = median(service);
    const floor = median(bare);
    console.log(
      `e450 run as the add-on starts it (node ${flags.join(" ")}): virtual meter, fixed tariff, forecasts and anomalies, store with 2 years of history, ${broker ? "publishing to a local Mosquitto" : "no Mosquitto installed, so no MQTT"}`,
    );
    console.log(`  baseline "bare Node process"   RSS ${floor.toFixed(1)} MB`);
    console.log(
      `  e450 run, steady (40 s after 20 s)  RSS median ${steady.toFixed(1)} MB, max ${Math.max(...service).toFixed(1)} MB = ${(steady / floor).toFixed(1)}× baseline (target ≤ 80 MB)`,
    );
  } finally {
    broker?.stop();
  }
}

export async function benchLive(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), "e450-bench-live-"));
  try {
    benchPerInterval(folder);
    await benchRss(folder);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
