import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Logger } from "../../../src/logging/logger.js";
import { type GuardResult, IntegrityGuard } from "../../../src/meter/integrity-guard.js";
import { meterIdentityOf } from "../../../src/meter/meter-identity.js";
import { JsonFileTotalsStore } from "../../../src/meter/json-file-totals-store.js";
import type { Snapshot } from "../../../src/model/snapshot.js";
import { type GoodTotals, MemoryTotalsStore, type TotalsStore } from "../../../src/meter/totals-store.js";
import { toDecimalString } from "../../../src/model/exact-number.js";
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

  it("forgets a meter's baselines on request (a replaced meter), saved at once, so a lower total is confirmed and published", () => {
    const file = join(folder, "integrity-guard.json");
    const { guard } = primedGuard(new JsonFileTotalsStore(file));
    expect(guard.forget("4c475a670312d687", T0 + SECOND)).toBe(true);
    expect(JSON.parse(readFileSync(file, "utf8")).meters).toEqual({});
    expect(guard.forget("4c475a670312d687", T0 + SECOND)).toBe(false);
    // The new meter's first total waits for a second reading that confirms it, however low.
    expect(check(guard, importTotal(20), T0 + 5 * SECOND).snapshot.readings).toHaveLength(0);
    expect(check(guard, importTotal(21), T0 + 10 * SECOND).snapshot.readings).toHaveLength(1);
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

  it("a meter clock in the state file that is not a local date-time makes the file unreadable, not half-used", () => {
    const file = join(folder, "integrity-guard.json");
    const entry = {
      value: "1000",
      unit: "Wh",
      at: new Date(T0).toISOString(),
      meterTime: "28.11.2026 13:00",
    };
    writeFileSync(
      file,
      JSON.stringify({ version: 1, meters: { "4c475a670312d687": { energy_import: entry } } }),
    );
    expect(() => new JsonFileTotalsStore(file).load()).toThrow(
      "meters.4c475a670312d687.energy_import.meterTime is not a local date-time",
    );
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

describe("IntegrityGuard when the host clock is behind the last good reading", () => {
  const HOUR = 3600 * SECOND;
  const DAY = 24 * HOUR;

  /** A state as an earlier run left it: 1000 Wh, received at `at` by a host clock then ahead of today's. */
  function storedAt(at: number, meterTime?: string): MemoryTotalsStore {
    const store = new MemoryTotalsStore();
    const total = { value: { raw: 1000n, scaler: 0 }, unit: "Wh" as const, at };
    const registers = new Map([["energy_import", meterTime ? { ...total, meterTime } : total]]);
    store.save(new Map([["4c475a670312d687", registers]]));
    return store;
  }

  function importAt(wh: number, meterTime: string | null): Snapshot {
    return pushWith([numberReading("1-1:1.8.0.255", wh, 0, "Wh")], { meterTime });
  }

  it("judges an increase on the meter's clock when the state lies hours in the future", () => {
    const logger = recordingLogger();
    // Stored at 15:00 UTC by a host clock 3 h fast; the meter's clock said 13:00 local (UTC+1).
    const guard = new IntegrityGuard(
      { maxPowerKw: MAX_KW },
      storedAt(T0 + 3 * HOUR, "2026-11-28T13:00:00"),
      logger,
    );
    // Now the host clock is right (12:10 UTC) and the meter says 13:10: ten minutes have passed.
    // 17.25 kW × 10 min = 2875 Wh: +500 Wh is plausible, +5000 Wh is not.
    const tooMuch = check(guard, importAt(6000, "2026-11-28T13:10:00"), T0 + 10 * 60 * SECOND);
    expect(tooMuch.held.map((hold) => hold.reason)).toEqual(["jump"]);
    const lower = check(guard, importAt(999, "2026-11-28T13:10:05"), T0 + 10 * 60 * SECOND + 5 * SECOND);
    expect(lower.held.map((hold) => hold.reason)).toEqual(["decrease"]);
    const plausible = check(
      guard,
      importAt(1500, "2026-11-28T13:10:10"),
      T0 + 10 * 60 * SECOND + 10 * SECOND,
    );
    expect(publishedObis(plausible.snapshot)).toEqual(["1-1:1.8.0.255"]);
    // From the accepted reading on, the host clock is consistent again and bounds the next step.
    expect(
      publishedObis(check(guard, importAt(1503, null), T0 + 10 * 60 * SECOND + 15 * SECOND).snapshot),
    ).toEqual(["1-1:1.8.0.255"]);
    const clockWarnings = logger.lines.filter((line) => line.message.includes("host clock"));
    expect(clockWarnings).toHaveLength(1);
    expect(clockWarnings[0]?.level).toBe("warn");
    expect(clockWarnings[0]?.fields).toMatchObject({
      meter: "4c475a670312d687",
      lastGoodAt: new Date(T0 + 3 * HOUR).toISOString(),
    });
  });

  it("lets a meter clock that ran ahead of the host's (a replay, the fast simulator) bound the increase", () => {
    const guard = new IntegrityGuard(
      { maxPowerKw: MAX_KW },
      storedAt(T0, "2026-11-28T13:00:00"),
      recordingLogger(),
    );
    // One second on the host, ten minutes on the meter: 17.25 kW × 10 min = 2875 Wh.
    const plausible = check(guard, importAt(3800, "2026-11-28T13:10:00"), T0 + SECOND);
    expect(publishedObis(plausible.snapshot)).toEqual(["1-1:1.8.0.255"]);
    // A step beyond what the meter's own ten minutes allow is still a jump.
    const tooMuch = check(guard, importAt(3800 + 5000, "2026-11-28T13:10:05"), T0 + 2 * SECOND);
    expect(tooMuch.held.map((hold) => hold.reason)).toEqual(["jump"]);
  });

  it("confirms a total with a second reading when the state lies months in the future and the meter has no clock", () => {
    const logger = recordingLogger();
    const guard = new IntegrityGuard({ maxPowerKw: MAX_KW }, storedAt(T0 + 120 * DAY), logger);
    const first = check(guard, importAt(250_000, null), T0);
    expect(first.snapshot.readings).toEqual([]);
    expect(first.held.map((hold) => [hold.reason, hold.candidate, hold.previous])).toEqual([
      ["elapsed-unknown", "250000", "1000"],
    ]);
    // The successor is judged on the host clock between the two readings, which is consistent.
    const second = check(guard, importAt(250_003, null), T0 + 5 * SECOND);
    expect(publishedObis(second.snapshot)).toEqual(["1-1:1.8.0.255"]);
    expect(check(guard, importAt(250_004, null), T0 + 10 * SECOND).held).toEqual([]);
    // Expected after a clock step, not suspect: nothing counted, one warning that names the cause.
    expect(guard.counters.suspect).toBe(0);
    expect(logger.lines.filter((line) => line.level === "warn").map((line) => line.message)).toEqual([
      expect.stringContaining("host clock"),
    ]);
  });

  it("holds an unconfirmed jump even with the clock behind: the successor must be consistent with it", () => {
    const guard = new IntegrityGuard({ maxPowerKw: MAX_KW }, storedAt(T0 + 120 * DAY), recordingLogger());
    check(guard, importAt(99_999_999, null), T0); // a corrupt value that passed a checksum
    expect(check(guard, importAt(250_000, null), T0 + 5 * SECOND).held[0]?.reason).toBe("elapsed-unknown");
    expect(publishedObis(check(guard, importAt(250_001, null), T0 + 10 * SECOND).snapshot)).toEqual([
      "1-1:1.8.0.255",
    ]);
  });

  it("never publishes a total below the last good one, by months or by hours, with or without a meter clock", () => {
    for (const [store, meterTime] of [
      [storedAt(T0 + 120 * DAY), null],
      [storedAt(T0 + 3 * HOUR, "2026-11-28T13:00:00"), "2026-11-28T13:10:00"],
    ] as const) {
      const guard = new IntegrityGuard({ maxPowerKw: MAX_KW }, store, recordingLogger());
      const published: string[] = [];
      for (const [i, wh] of [990, 995, 996, 999, 1000, 1001, 1002].entries()) {
        const result = check(guard, importAt(wh, meterTime), T0 + i * 5 * SECOND);
        for (const reading of result.snapshot.readings) {
          if (reading.value.kind === "number") published.push(toDecimalString(reading.value.exact));
        }
      }
      expect(guard.counters.byReason.decrease).toBe(4);
      expect(published.every((value) => Number(value) >= 1000)).toBe(true);
      expect(published.length).toBeGreaterThan(0);
    }
  });

  it("still repeats a held decrease's warning after the host clock went back, once, then hourly", () => {
    const { guard, logger } = primedGuard();
    check(guard, importTotal(900), T0 + 5 * SECOND);
    for (let push = 1; push <= 20; push++) check(guard, importTotal(900), T0 - DAY + push * 5 * SECOND);
    const warnings = logger.lines.filter((line) => line.message.includes("900 Wh held back"));
    expect(warnings).toHaveLength(2);
    expect(guard.counters.byReason.decrease).toBe(21);
  });

  it("a meter clock that went back too says nothing: the total waits for a confirming reading", () => {
    const guard = new IntegrityGuard(
      { maxPowerKw: MAX_KW },
      storedAt(T0 + 3 * HOUR, "2026-11-28T15:00:00"),
      recordingLogger(),
    );
    expect(check(guard, importAt(1500, "2026-11-28T13:10:00"), T0).held[0]?.reason).toBe("elapsed-unknown");
    expect(check(guard, importAt(1501, "2026-11-28T13:10:05"), T0 + 5 * SECOND).held).toEqual([]);
  });

  it("keeps the meter clock in the state file, so a restart with the host clock behind judges on it", () => {
    const folder = mkdtempSync(join(tmpdir(), "e450-guard-clock-"));
    try {
      const file = join(folder, "integrity-guard.json");
      const first = new IntegrityGuard(
        { maxPowerKw: MAX_KW },
        new JsonFileTotalsStore(file),
        recordingLogger(),
      );
      // Received by a host clock 3 h fast.
      check(first, importAt(999, "2026-11-28T13:00:00"), T0 + 3 * HOUR - 5 * SECOND);
      check(first, importAt(1000, "2026-11-28T13:00:05"), T0 + 3 * HOUR);
      expect(JSON.parse(readFileSync(file, "utf8")).meters["4c475a670312d687"].energy_import).toEqual({
        value: "1000",
        unit: "Wh",
        at: new Date(T0 + 3 * HOUR).toISOString(),
        meterTime: "2026-11-28T13:00:05",
      });
      const restarted = new IntegrityGuard(
        { maxPowerKw: MAX_KW },
        new JsonFileTotalsStore(file),
        recordingLogger(),
      );
      expect(check(restarted, importAt(1400, "2026-11-28T13:30:00"), T0 + 30 * 60 * SECOND).held).toEqual([]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe("IntegrityGuard with a state file that cannot be written", () => {
  class ReadOnlyStore implements TotalsStore {
    readonly location = "/data/integrity-guard.json";
    broken = true;
    load(): GoodTotals {
      return new Map();
    }
    save(): void {
      if (this.broken) throw new Error("EROFS: read-only file system, open '/data/integrity-guard.json'");
    }
  }

  it("logs the first failure at once, then at most hourly with a count, and counts every one", () => {
    const store = new ReadOnlyStore();
    const logger = recordingLogger();
    const guard = new IntegrityGuard({ maxPowerKw: MAX_KW }, store, logger);
    // Two hours of 5-second pushes, each with a new total: a report at once, then one each hour.
    const pushes = 2 * 720 + 1;
    for (let push = 0; push <= pushes; push++) check(guard, importTotal(1000 + push), T0 + push * 5 * SECOND);
    const errors = logger.lines.filter((line) => line.level === "error");
    expect(errors.map((line) => line.message)).toEqual([
      expect.stringMatching(/^Cannot save the last good totals to \/data\/integrity-guard\.json: EROFS/),
      expect.stringContaining("(720 failed writes since the last report)"),
      expect.stringContaining("(720 failed writes since the last report)"),
    ]);
    expect(guard.stateWrites).toEqual({
      failures: pushes,
      lastError: "EROFS: read-only file system, open '/data/integrity-guard.json'",
    });
    // Publishing goes on from the totals in memory: a decrease is still held.
    expect(check(guard, importTotal(900), T0 + (pushes + 1) * 5 * SECOND).held[0]?.reason).toBe("decrease");

    store.broken = false;
    check(guard, importTotal(1000 + pushes + 1), T0 + (pushes + 2) * 5 * SECOND);
    expect(logger.lines.at(-1)).toMatchObject({
      level: "info",
      message: `Saved the last good totals to /data/integrity-guard.json again after ${pushes} failed writes`,
    });
    expect(guard.stateWrites).toEqual({ failures: pushes, lastError: null });
  });
});
