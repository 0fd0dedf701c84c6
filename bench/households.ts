/**
 * Issue 13's per-household table: every real series (tests/fixtures/households, listed in its
 * households.json, and the three bench files) replayed through the anomaly engine clean, for the
 * false alarms (every alarm kind counts), and with the independent protocol's faults
 * (inject-protocol.ts) from seeds 1–5, for recall per fault kind summed over the seeds. A household
 * passes with recall ≥ 0.8, every stall and zero day found under every seed, and ≤ 2 false alarms
 * per 30 days.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { AnomalyEngine } from "../src/analytics/anomaly/engine.js";
import { injectProtocolFaults, type ProtocolFaultKind } from "../src/analytics/anomaly/inject-protocol.js";
import type { AnomalyEvent, HourObservation } from "../src/analytics/anomaly/types.js";
import {
  benchDataHouseholds,
  type HouseholdSource,
  householdIndex,
  loadHousehold,
} from "../src/analytics/backtest/household-files.js";
import {
  alarmsByKind,
  falseAlarmsPer30Days,
  PROTOCOL_KINDS,
  scoreProtocol,
} from "../src/analytics/backtest/protocol-score.js";
import type { ZonedCalendar } from "../src/time/zoned.js";

const HOUSEHOLDS_DIR = "tests/fixtures/households";
const BENCH_DATA_DIR = "tests/fixtures/bench-data";
const SEEDS = [1, 2, 3, 4, 5];
const H = 3_600_000;
/** Average Gregorian month, as the backtest's per-month rates. */
const MONTH_MS = 30.436875 * 86_400_000;
const MIN_RECALL = 0.8;
const MAX_FALSE_ALARMS_PER_30_DAYS = 2;

interface Row {
  readonly name: string;
  readonly features: string;
  readonly months: number;
  readonly falseAlarms: number;
  readonly cleanKinds: string;
  readonly recall: number;
  readonly byKind: Record<ProtocolFaultKind, { injected: number; found: number }>;
  readonly everyStallAndZeroDay: boolean;
}

/** The engine fed hour by hour, as the backtest's replay does. */
function replay(hours: readonly HourObservation[], calendar: ZonedCalendar): AnomalyEvent[] {
  const engine = new AnomalyEngine(calendar);
  const events: AnomalyEvent[] = [];
  for (const hour of hours) events.push(...engine.observe(hour));
  return events;
}

function evaluate(source: HouseholdSource): Row {
  const { hours, calendar } = loadHousehold(source);
  const spanMs = hours.length * H;
  const clean = replay(hours, calendar);
  const byKind = Object.fromEntries(
    PROTOCOL_KINDS.map((k) => [k, { injected: 0, found: 0 }]),
  ) as Row["byKind"];
  let everyStallAndZeroDay = true;
  for (const seed of SEEDS) {
    const injected = injectProtocolFaults(hours, seed, (ms) => calendar.hourOfDay(ms));
    const score = scoreProtocol(replay(injected.hours, calendar), injected.faults);
    for (const kind of PROTOCOL_KINDS) {
      byKind[kind].injected += score.byKind[kind].injected;
      byKind[kind].found += score.byKind[kind].found;
    }
    everyStallAndZeroDay &&= score.everyStallAndZeroDayFound;
  }
  const totals = Object.values(byKind);
  const injected = totals.reduce((n, k) => n + k.injected, 0);
  return {
    name: source.name,
    features: source.features,
    months: spanMs / MONTH_MS,
    falseAlarms: falseAlarmsPer30Days(clean, spanMs),
    cleanKinds: alarmsByKind(clean)
      .map(([kind, n]) => `${kind} ${n}`)
      .join(", "),
    recall: totals.reduce((n, k) => n + k.found, 0) / injected,
    byKind,
    everyStallAndZeroDay,
  };
}

function verdict(row: Row): string {
  const misses = [
    row.recall < MIN_RECALL ? "recall" : "",
    row.everyStallAndZeroDay ? "" : "stall/zero day missed",
    row.falseAlarms > MAX_FALSE_ALARMS_PER_30_DAYS ? "false alarms" : "",
  ].filter(Boolean);
  return misses.length === 0 ? "pass" : `fail (${misses.join(", ")})`;
}

export async function benchHouseholds(): Promise<void> {
  const t0 = performance.now();
  const sources = existsSync(join(HOUSEHOLDS_DIR, "households.json")) ? householdIndex(HOUSEHOLDS_DIR) : [];
  if (sources.length === 0) console.log(`(no ${HOUSEHOLDS_DIR}/households.json: bench files only)`);
  sources.push(...benchDataHouseholds(BENCH_DATA_DIR));
  const fraction = (k: { injected: number; found: number }) => `${k.found}/${k.injected}`;
  console.log(
    `Issue 13 protocol: seeds ${SEEDS[0]}–${SEEDS[SEEDS.length - 1]}, recall summed over the seeds; ` +
      `pass = recall ≥ ${MIN_RECALL}, every stall and zero day found under every seed, ` +
      `≤ ${MAX_FALSE_ALARMS_PER_30_DAYS} alarms (any kind) per 30 days on the clean series.\n`,
  );
  console.log(
    "| household | features | months | false alarms/30 d (clean) | clean alarms by kind | recall overall | spike | base-load | stall | zero day | pass/fail |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|---|---|");
  for (const source of sources) {
    const row = evaluate(source);
    console.log(
      `| ${row.name} | ${row.features} | ${row.months.toFixed(1)} | ${row.falseAlarms.toFixed(2)} | ` +
        `${row.cleanKinds || "none"} | ${row.recall.toFixed(2)} | ${fraction(row.byKind.spike)} | ` +
        `${fraction(row.byKind["base-load-rise"])} | ${fraction(row.byKind.stall)} | ` +
        `${fraction(row.byKind["zero-day"])} | ${verdict(row)} |`,
    );
  }
  console.log(
    `\nwall time ${((performance.now() - t0) / 1000).toFixed(1)} s for ${sources.length} households`,
  );
}
