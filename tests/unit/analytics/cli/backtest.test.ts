import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "../../../../src/cli/backtest.js";
import { seededRandom } from "../../../../src/analytics/anomaly/random.js";

const dir = mkdtempSync(join(tmpdir(), "e450-backtest-"));

/** 70 days of 15-minute cumulative counters split into two registers, epoch seconds, no header. */
function counters(): [string, string] {
  const random = seededRandom(3);
  let t1 = 0;
  let t2 = 0;
  const a: string[] = [];
  const b: string[] = [];
  const start = Date.parse("2024-01-01T00:00:00Z") / 1000;
  for (let q = 0; q < 70 * 96; q++) {
    const hour = Math.floor(q / 4) % 24;
    const kwh = (0.3 + (hour >= 17 && hour < 22 ? 0.8 : 0) + 0.2 * random()) / 4;
    if (hour < 7 || hour >= 21) t1 += kwh;
    else t2 += kwh;
    a.push(`${start + q * 900},${t1.toFixed(3)}`);
    b.push(`${start + q * 900},${t2.toFixed(3)}`);
  }
  const fa = join(dir, "t1.csv");
  const fb = join(dir, "t2.csv");
  writeFileSync(fa, `${a.join("\n")}\n`);
  writeFileSync(fb, `${b.join("\n")}\n`);
  return [fa, fb];
}

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    out.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    err.push(String(chunk));
    return true;
  });
  return { out, err };
}

afterEach(() => vi.restoreAllMocks());

describe("e450 backtest", () => {
  const [t1, t2] = counters();

  it("runs the whole contract on two counter files: JSON, forecasts and anomalies CSVs", async () => {
    const { out } = capture();
    const forecasts = join(dir, "forecasts.csv");
    const anomalies = join(dir, "anomalies.csv");
    const code = await main([
      "--input",
      t1,
      t2,
      "--kind",
      "cumulative-kwh",
      "--timezone",
      "Europe/Amsterdam",
      "--forecasts-out",
      forecasts,
      "--anomalies-out",
      anomalies,
      "--inject-faults",
      "5",
      "--format",
      "json",
    ]);
    expect(code).toBe(0);
    const json = JSON.parse(out.join(""));
    expect(json.series.stepMinutes).toBe(15);
    expect(json.forecast.methods.map((m: { name: string }) => m.name)).toEqual([
      "e450-blend",
      "previous-day",
      "previous-week",
      "mean-7-days",
    ]);
    expect(json.anomalies.injected.seed).toBe(5);
    const rows = readFileSync(forecasts, "utf8").trim().split("\n");
    expect(rows[0]).toBe("origin,target,actual_kwh,forecast_kwh,p10_kwh,p90_kwh");
    expect(rows.length - 1).toBe(json.forecast.scoredDays * 24);
    expect(rows[1]).toMatch(
      /^2024-02-05T00:00:00\+01:00,2024-02-05T00:00:00\+01:00,[\d.]+,[\d.]+,[\d.]*,[\d.]*$/,
    );
    const events = readFileSync(anomalies, "utf8").trim().split("\n");
    expect(events[0]).toBe("start,end,kind,score,injected");
    for (const line of events.slice(1)) expect(line).toMatch(/^[^,]+,[^,]+,[a-z-]+,[\d.]+,(true|false)$/);
  });

  it("prints the table by default", async () => {
    const { out } = capture();
    expect(await main(["--input", t1, "--kind", "cumulative-kwh", "--timezone", "UTC"])).toBe(0);
    expect(out.join("")).toMatch(/previous-week\s+[\d.]+\s+[\d.]+ %\s+[\d.]+ %\s+1\.000/);
  });

  it.each([
    [["--kind", "cumulative-kwh"], /--input/],
    [["--input", "x.csv", "--kind", "watts"], /--kind/],
    [["--input", "x.csv", "--kind", "mean-w", "--timezone", "Mars/Base"], /--timezone/],
    [["--input", "x.csv", "--kind", "mean-w", "--inject-faults", "abc"], /--inject-faults/],
    [["--input", "x.csv", "--kind", "mean-w", "--format", "xml"], /--format/],
    [["--input", "x.csv", "--kind", "mean-w", "--bogus"], /bogus/],
    [["--input", "x.csv", "--kind", "mean-w", "--timestamp-at", "middle"], /--timestamp-at/],
    [
      ["--input", "x.csv", "--kind", "cumulative-kwh", "--timestamp-at", "end"],
      /--timestamp-at: end applies/,
    ],
  ])("exits 2 on a usage error: %j", async (argv, message) => {
    const { err } = capture();
    expect(await main(argv)).toBe(2);
    expect(err.join("")).toMatch(message);
  });

  it("exits 2 for an unknown column and 1 for an unreadable file", async () => {
    const { err } = capture();
    expect(await main(["--input", t1, "--kind", "cumulative-kwh", "--column", "9"])).toBe(2);
    expect(await main(["--input", join(dir, "missing.csv"), "--kind", "cumulative-kwh"])).toBe(1);
    expect(err.join("")).toMatch(/no column "9"/);
  });

  it("reads a Netz NÖ export: end labels, day-first dates and decimal commas", async () => {
    // The shape of Netz NÖ's Jahresverbrauch-YYYY.csv (DOCS.md, "Importing history from your grid
    // operator's portal"): 70 days of quarter hours labelled by their end, 01.01.2024 00:15 first.
    const rows = ["Messzeitpunkt;Verbrauch (kWh);Qualität;"];
    const start = Date.UTC(2023, 11, 31, 23); // 01.01.2024 00:00 in Vienna
    for (let q = 1; q <= 70 * 96; q++) {
      const wall = new Date(start + q * 900_000 + 3_600_000); // CET all along: January to March 10
      const pad = (n: number) => String(n).padStart(2, "0");
      const label = `${pad(wall.getUTCDate())}.${pad(wall.getUTCMonth() + 1)}.${wall.getUTCFullYear()} ${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}`;
      rows.push(`${label};${(0.1 + (q % 96) / 400).toFixed(6).replace(".", ",")};G;`);
    }
    const file = join(dir, "Jahresverbrauch-2024.csv");
    writeFileSync(file, `${rows.join("\n")}\n`);
    const { out } = capture();
    const code = await main([
      ...["--input", file, "--kind", "interval-kwh", "--column", "1"],
      ...["--timestamp-at", "end", "--timezone", "Europe/Vienna", "--format", "json"],
    ]);
    expect(code).toBe(0);
    const json = JSON.parse(out.join(""));
    expect(json.series).toMatchObject({ stepMinutes: 15, start: "2024-01-01T00:00:00+01:00" });
  });

  it("answers --help with the usage and exit 0", async () => {
    const { out } = capture();
    expect(await main(["--help"])).toBe(0);
    expect(out.join("")).toMatch(/usage: e450 backtest/);
  });
});
