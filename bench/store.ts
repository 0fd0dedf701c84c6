/**
 * History store benchmark: a fresh SQLite file filled with two years × three meters of 15-minute
 * intervals (one day per transaction, as `e450 history import` writes), then the live case (one
 * transaction per interval with its register state), then one meter's year read back. Each figure
 * is set against a named baseline run in the same process: a JSON-lines file (one append per day)
 * for writing, and JSON.parse of the same year's rows from one string (what a store kept as a JSON
 * file pays just to load them) for reading.
 *
 * The values are synthetic but shaped like households (daily cycle, noise, a two-rate tariff, one
 * meter with photovoltaic export), from a seeded generator so every run does the same work.
 */
import { appendFileSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { median } from "simple-statistics";
import { seededRandom } from "../src/analytics/anomaly/random.js";
import { HistoryStore } from "../src/store/history-store.js";
import type { StoredInterval } from "../src/store/types.js";

const QUARTER_MS = 15 * 60_000;
const DAY_MS = 86_400_000;
const PER_DAY = 96;
const DAYS = 730;
const METERS = ["E450-0001", "E450-0002", "E450-0003"];
const START = Date.UTC(2023, 0, 1);
const LIVE_INTERVALS = 2_000;
const QUERY_RUNS = 15;
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

function day(random: () => number, meterIndex: number, dayIndex: number): StoredInterval[] {
  const rows: StoredInterval[] = [];
  for (let q = 0; q < PER_DAY; q++) {
    const startMs = START + dayIndex * DAY_MS + q * QUARTER_MS;
    const hour = q / 4;
    const load = 0.05 + 0.12 * Math.max(0, Math.sin(((hour - 6) / 24) * 2 * Math.PI)) + random() * 0.05;
    const importKwh = Math.round(load * (1 + meterIndex * 0.3) * 1000) / 1000;
    const sun = meterIndex === 2 ? Math.max(0, Math.sin(((hour - 6) / 12) * Math.PI)) * 0.8 : 0;
    const exportKwh = Math.round(sun * random() * 1000) / 1000;
    const high = hour >= 7 && hour < 20;
    rows.push({
      startMs,
      endMs: startMs + QUARTER_MS,
      importKwh,
      exportKwh,
      source: dayIndex < 365 ? "imported" : "live",
      tariffs: high ? { "1.8.1": importKwh, "1.8.2": 0 } : { "1.8.1": 0, "1.8.2": importKwh },
    });
  }
  return rows;
}

function timed(run: () => void): number {
  const t0 = performance.now();
  run();
  return performance.now() - t0;
}

export async function benchStore(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), "e450-bench-store-"));
  const file = join(folder, "history.sqlite");
  const random = seededRandom(450);
  const days = METERS.map((_, m) => Array.from({ length: DAYS }, (_, d) => day(random, m, d)));
  const rows = METERS.length * DAYS * PER_DAY;
  try {
    globalThis.gc?.();
    const store = HistoryStore.open(file, quiet);
    const dailyMs = timed(() => {
      METERS.forEach((meter, m) => {
        for (const batch of days[m]!) store.writeIntervals(meter, batch);
      });
    });

    const linesFile = join(folder, "baseline.jsonl");
    const linesMs = timed(() => {
      for (const meterDays of days) {
        for (const batch of meterDays) {
          appendFileSync(linesFile, `${batch.map((row) => JSON.stringify(row)).join("\n")}\n`);
        }
      }
    });

    // The live recorder: every closed quarter-hour in its own transaction with the register state.
    let total = 0;
    const liveMs = timed(() => {
      for (let i = 0; i < LIVE_INTERVALS; i++) {
        const startMs = START + DAYS * DAY_MS + i * QUARTER_MS;
        const importKwh = 0.1 + (i % 7) / 100;
        total += importKwh;
        store.writeIntervals(
          "E450-live",
          [{ startMs, endMs: startMs + QUARTER_MS, importKwh, exportKwh: 0, source: "live" }],
          { timeMs: startMs + QUARTER_MS, importKwh: total, exportKwh: 0, tariffs: {} },
        );
      }
    });

    const yearFrom = START + 365 * DAY_MS;
    const yearTo = yearFrom + 365 * DAY_MS;
    const yearJson = JSON.stringify(days[0]!.slice(365, 730).flat());
    let yearRows = 0;
    let parsedRows = 0;
    const query: number[] = [];
    const parse: number[] = [];
    for (let run = 0; run < QUERY_RUNS; run++) {
      query.push(timed(() => (yearRows = store.intervals(METERS[0]!, yearFrom, yearTo).length)));
      parse.push(timed(() => (parsedRows = (JSON.parse(yearJson) as StoredInterval[]).length)));
    }
    const queryMs = median(query);
    const parseMs = median(parse);
    const coldMs = query[0]!;
    store.close();
    const sizeMb = (statSync(file).size / 1e6).toFixed(1);

    const rate = (count: number, ms: number) => Math.round(count / (ms / 1000));
    const lines = [
      "store",
      `  data: ${METERS.length} meters × ${DAYS} days × ${PER_DAY} quarter-hours = ${rows} intervals (two-rate tariff registers, one meter with export), synthetic, seed 450; file ${sizeMb} MB after close`,
      `  baseline (JSON-lines file, one appendFileSync per day): ${rate(rows, linesMs)} rows/s`,
      `  insert, one day (96 intervals) per transaction: ${rate(rows, dailyMs)} rows/s (${(dailyMs / 1000).toFixed(1)} s) = ${(linesMs / dailyMs).toFixed(2)}× the baseline's rate`,
      `  insert, one transaction per interval with its register state (the live case), ${LIVE_INTERVALS} intervals: ${rate(LIVE_INTERVALS, liveMs)} rows/s, ${(liveMs / LIVE_INTERVALS).toFixed(3)} ms each`,
      `  baseline (JSON.parse of the same year's ${parsedRows} rows from one string): median ${parseMs.toFixed(1)} ms`,
      `  year query (one meter, ${yearRows} intervals as objects), ${QUERY_RUNS} runs: median ${queryMs.toFixed(1)} ms, first run ${coldMs.toFixed(1)} ms = ${(queryMs / parseMs).toFixed(2)}× the baseline`,
      `  process RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB (holding the generated rows and the baseline string as well)`,
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
