import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Logger } from "../../../src/logging/logger.js";
import { type GuardResult, IntegrityGuard } from "../../../src/meter/integrity-guard.js";
import { meterIdentityOf } from "../../../src/meter/meter-identity.js";
import { JsonFileTotalsStore } from "../../../src/meter/json-file-totals-store.js";
import type { Snapshot } from "../../../src/model/snapshot.js";
import { MemoryTotalsStore, type TotalsStore } from "../../../src/meter/totals-store.js";
import { numberReading, pushWith, textReading } from "../../fixtures/mqtt/e450-snapshots.js";

interface Logged {
  level: "info" | "warn" | "error";
  message: string;
  fields?: Readonly<Record<string, unknown>>;
}

/** The guard keys its baselines by the sender's identity, as the meter runtime does. */
function check(guard: IntegrityGuard, snapshot: Snapshot, receivedAt: number): GuardResult {
  return guard.check(meterIdentityOf(snapshot).key, snapshot, receivedAt);
}

function recordingLogger(): Logger & { lines: Logged[] } {
  const lines: Logged[] = [];
  const log = (level: Logged["level"]) => (message: string, fields?: Readonly<Record<string, unknown>>) => {
    lines.push({ level, message, ...(fields ? { fields } : {}) });
  };
  return { lines, debug: () => {}, info: log("info"), warn: log("warn"), error: log("error") };
}

const T0 = Date.UTC(2026, 10, 28, 12, 0, 0);
const SECOND = 1000;
/** 17.25 kW for 12 s (10 s elapsed + 2 s slack) is 57.5 Wh; plus 1 Wh of resolution: 58.5 Wh. */
const MAX_KW = 17.25;

function importTotal(wh: number, unit = "Wh", scaler = 0): Snapshot {
  return pushWith([numberReading("1-1:1.8.0.255", wh, scaler, unit)]);
}

function publishedObis(snapshot: Snapshot): string[] {
  return snapshot.readings.map((reading) => reading.obis);
}

/** A guard that has accepted 1000 Wh at T0 (after the first-value confirmation at T0 − 5 s). */
function primedGuard(store: TotalsStore = new MemoryTotalsStore(), logger = recordingLogger()) {
  const guard = new IntegrityGuard({ maxPowerKw: MAX_KW }, store, logger);
  check(guard, importTotal(999), T0 - 5 * SECOND);
  const accepted = check(guard, importTotal(1000), T0);
  expect(publishedObis(accepted.snapshot)).toEqual(["1-1:1.8.0.255"]);
  return { guard, store, logger };
}

describe("IntegrityGuard", () => {
  it("holds the very first value until a consistent second reading confirms it", () => {
    const logger = recordingLogger();
    const guard = new IntegrityGuard({ maxPowerKw: MAX_KW }, new MemoryTotalsStore(), logger);
    const first = check(guard, importTotal(1000), T0);
    expect(first.snapshot.readings).toEqual([]);
    expect(first.held).toEqual([
      {
        meterKey: "4c475a670312d687",
        obis: "1-1:1.8.0.255",
        registerKey: "energy_import",
        reason: "unconfirmed",
        candidate: "1000",
        previous: null,
        unit: "Wh",
      },
    ]);
    const second = check(guard, importTotal(1003), T0 + 5 * SECOND);
    expect(publishedObis(second.snapshot)).toEqual(["1-1:1.8.0.255"]);
    expect(guard.counters.suspect).toBe(0);
    expect(logger.lines.filter((line) => line.level === "warn")).toEqual([]);
  });

  it("does not let a corrupt first value become the baseline", () => {
    const guard = new IntegrityGuard({ maxPowerKw: MAX_KW }, new MemoryTotalsStore(), recordingLogger());
    check(guard, importTotal(99_999_999), T0);
    // The next, correct reading is lower: it replaces the unconfirmed candidate instead of being refused.
    expect(check(guard, importTotal(1000), T0 + 5 * SECOND).held[0]?.reason).toBe("unconfirmed");
    expect(publishedObis(check(guard, importTotal(1001), T0 + 10 * SECOND).snapshot)).toEqual([
      "1-1:1.8.0.255",
    ]);
  });

  it("holds a decrease, counts it, and logs both values with the reset instructions", () => {
    const { guard, logger } = primedGuard();
    const result = check(guard, importTotal(990), T0 + 10 * SECOND);
    expect(result.snapshot.readings).toEqual([]);
    expect(result.held.map((hold) => [hold.reason, hold.candidate, hold.previous])).toEqual([
      ["decrease", "990", "1000"],
    ]);
    expect(guard.counters).toEqual({ suspect: 1, byReason: { decrease: 1, jump: 0, zero: 0, invalid: 0 } });
    const warning = logger.lines.find((line) => line.level === "warn");
    expect(warning?.message).toContain("990 Wh held back, last good 1000 Wh");
    expect(warning?.message).toContain("delete memory");
    expect(warning?.fields).toMatchObject({ reason: "decrease", held: "990", lastGood: "1000", unit: "Wh" });
  });

  it("never publishes a decrease, however often the same low value repeats", () => {
    const { guard } = primedGuard();
    for (let push = 1; push <= 50; push++) {
      expect(check(guard, importTotal(500), T0 + push * 5 * SECOND).snapshot.readings).toEqual([]);
    }
    expect(guard.counters.byReason.decrease).toBe(50);
    expect(publishedObis(check(guard, importTotal(1001), T0 + 300 * SECOND).snapshot)).toEqual([
      "1-1:1.8.0.255",
    ]);
  });

  it("warns at the start of a streak and then at most hourly, while counting every hold", () => {
    const { guard, logger } = primedGuard();
    for (let minute = 1; minute <= 61; minute++) check(guard, importTotal(900), T0 + minute * 60 * SECOND);
    const warnings = logger.lines.filter((line) => line.level === "warn");
    expect(warnings).toHaveLength(2);
    expect(guard.counters.byReason.decrease).toBe(61);
  });

  it("holds a jump larger than max power × elapsed time, and accepts one just within it", () => {
    const { guard } = primedGuard();
    const tooMuch = check(guard, importTotal(1059), T0 + 10 * SECOND); // +59 Wh > 58.5 Wh
    expect(tooMuch.held.map((hold) => hold.reason)).toEqual(["jump"]);
    const justWithin = check(guard, importTotal(1058), T0 + 10 * SECOND); // +58 Wh ≤ 58.5 Wh
    expect(publishedObis(justWithin.snapshot)).toEqual(["1-1:1.8.0.255"]);
    expect(guard.counters.byReason.jump).toBe(1);
  });

  it("measures the allowed increase from the last good reading, so a missing total widens it", () => {
    const { guard } = primedGuard();
    const withoutTotal = check(
      guard,
      pushWith([numberReading("1-0:1.7.0.255", 500, 0, "W")]),
      T0 + 60 * SECOND,
    );
    expect(publishedObis(withoutTotal.snapshot)).toEqual(["1-0:1.7.0.255"]);
    expect(withoutTotal.held).toEqual([]);
    // 17.25 kW × 62 s = 297.08 Wh (+1): +290 Wh is plausible after a minute without totals.
    expect(publishedObis(check(guard, importTotal(1290), T0 + 60 * SECOND).snapshot)).toEqual([
      "1-1:1.8.0.255",
    ]);
  });

  it("never publishes zero: counted after non-zero readings, silent for a register never used", () => {
    const { guard, logger } = primedGuard();
    const zeroImport = check(guard, importTotal(0), T0 + 5 * SECOND);
    expect(zeroImport.held.map((hold) => hold.reason)).toEqual(["zero"]);
    const warnings = logger.lines.filter((line) => line.level === "warn").length;
    const exportZero = check(guard, pushWith([numberReading("1-1:2.8.0.255", 0, 0, "Wh")]), T0 + 10 * SECOND);
    expect(exportZero.snapshot.readings).toEqual([]);
    expect(exportZero.held.map((hold) => hold.reason)).toEqual(["unused"]);
    expect(guard.counters).toEqual({ suspect: 1, byReason: { decrease: 0, jump: 0, zero: 1, invalid: 0 } });
    expect(logger.lines.filter((line) => line.level === "warn")).toHaveLength(warnings);
  });

  it("holds a total that is not a number as invalid", () => {
    const { guard } = primedGuard();
    const result = check(guard, pushWith([textReading("1-1:1.8.0.255", "garbage")]), T0 + 5 * SECOND);
    expect(result.held.map((hold) => [hold.reason, hold.candidate, hold.previous])).toEqual([
      ["invalid", null, "1000"],
    ]);
  });

  it("compares kWh readings with Wh baselines exactly", () => {
    const { guard } = primedGuard();
    expect(check(guard, importTotal(999, "kWh", -3), T0 + 5 * SECOND).held[0]?.reason).toBe("decrease");
    expect(check(guard, importTotal(1001, "kWh", -3), T0 + 5 * SECOND).snapshot.readings).toHaveLength(1);
  });

  it("passes every reading that is not an energy total untouched", () => {
    const { guard } = primedGuard();
    const readings = [
      numberReading("1-0:32.7.0.255", 2301, -1, "V"),
      numberReading("1-0:1.7.0.255", 0, 0, "W"),
      textReading("0-0:96.14.0.255", "T1"),
    ];
    expect(check(guard, pushWith(readings), T0 + 5 * SECOND).snapshot.readings).toEqual(readings);
  });

  it("keeps separate baselines per meter: a new meter identity starts fresh", () => {
    const { guard } = primedGuard();
    const otherMeter = pushWith([numberReading("1-1:1.8.0.255", 5, 0, "Wh")], {
      systemTitle: "4C475A6700000001",
    });
    expect(check(guard, otherMeter, T0 + 5 * SECOND).held[0]?.reason).toBe("unconfirmed");
    expect(guard.counters.suspect).toBe(0);
  });
});

describe("IntegrityGuard across a restart", () => {
  let folder: string;

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), "e450-guard-"));
  });

  afterEach(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  it("a new guard over the same state file refuses a value lower than the last one published", () => {
    const file = join(folder, "integrity-guard.json");
    primedGuard(new JsonFileTotalsStore(file));
    const stored = JSON.parse(readFileSync(file, "utf8"));
    expect(stored).toEqual({
      version: 1,
      meters: {
        "4c475a670312d687": { energy_import: { value: "1000", unit: "Wh", at: new Date(T0).toISOString() } },
      },
    });
    expect(readdirSync(folder)).toEqual(["integrity-guard.json"]); // no temporary file left behind

    const logger = recordingLogger();
    const restarted = new IntegrityGuard({ maxPowerKw: MAX_KW }, new JsonFileTotalsStore(file), logger);
    const lower = check(restarted, importTotal(999), T0 + 3600 * SECOND);
    expect(lower.held.map((hold) => [hold.reason, hold.previous])).toEqual([["decrease", "1000"]]);
    expect(logger.lines[0]?.message).toContain(`delete ${file}`);
    // The downtime counts: an hour at up to 17.25 kW allows +17.25 kWh, so +5 kWh passes at once.
    expect(check(restarted, importTotal(6000), T0 + 3600 * SECOND).snapshot.readings).toHaveLength(1);
  });

  it("an unreadable state file is reported and each total waits for confirmation again", () => {
    const file = join(folder, "integrity-guard.json");
    writeFileSync(file, "{ not json");
    const logger = recordingLogger();
    const guard = new IntegrityGuard({ maxPowerKw: MAX_KW }, new JsonFileTotalsStore(file), logger);
    expect(check(guard, importTotal(1000), T0).held[0]?.reason).toBe("unconfirmed");
    expect(logger.lines).toEqual([
      expect.objectContaining({ level: "error", message: expect.stringContaining(file) }),
    ]);
  });

  it("writes the state only when a total changed", () => {
    const store = new MemoryTotalsStore();
    const { guard } = primedGuard(store);
    const saves = store.saves;
    check(guard, importTotal(1000), T0 + 5 * SECOND);
    check(guard, importTotal(990), T0 + 10 * SECOND);
    expect(store.saves).toBe(saves);
    check(guard, importTotal(1001), T0 + 15 * SECOND);
    expect(store.saves).toBe(saves + 1);
  });
});
