/**
 * Issue 13's per-household table: every real series (tests/fixtures/households, listed in its
 * households.json, and the three bench files) through the independent protocol
 * (analytics/backtest/household-protocol.ts): false alarms on the clean series, recall per fault
 * kind over seeds 1–5.
 */
import { performance } from "node:perf_hooks";
import { benchDataHouseholds, householdIndex } from "../src/analytics/backtest/household-files.js";
import {
  evaluateHousehold,
  MAX_FALSE_ALARMS_PER_30_DAYS,
  MIN_RECALL,
  PROTOCOL_SEEDS,
} from "../src/analytics/backtest/household-protocol.js";

const HOUSEHOLDS_DIR = "tests/fixtures/households";
const BENCH_DATA_DIR = "tests/fixtures/bench-data";

export async function benchHouseholds(): Promise<void> {
  const t0 = performance.now();
  const sources = [...householdIndex(HOUSEHOLDS_DIR), ...benchDataHouseholds(BENCH_DATA_DIR)];
  const fraction = (k: { injected: number; found: number }) => `${k.found}/${k.injected}`;
  console.log(
    `Issue 13 protocol: seeds ${PROTOCOL_SEEDS[0]}–${PROTOCOL_SEEDS.at(-1)}, recall summed over the seeds; ` +
      `pass = recall ≥ ${MIN_RECALL}, every stall and zero day found under every seed, ` +
      `≤ ${MAX_FALSE_ALARMS_PER_30_DAYS} alarms (any kind) per 30 days on the clean series.\n`,
  );
  console.log(
    "| household | features | months | false alarms/30 d (clean) | clean alarms by kind | recall overall | spike | base-load | stall | zero day | pass/fail |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|---|---|");
  for (const source of sources) {
    const row = evaluateHousehold(source);
    const kinds = row.cleanAlarms.map(([kind, n]) => `${kind} ${n}`).join(", ");
    console.log(
      `| ${row.name} | ${row.features} | ${row.months.toFixed(1)} | ${row.falseAlarmsPer30Days.toFixed(2)} | ` +
        `${kinds || "none"} | ${row.recall.toFixed(2)} | ${fraction(row.byKind.spike)} | ` +
        `${fraction(row.byKind["base-load-rise"])} | ${fraction(row.byKind.stall)} | ` +
        `${fraction(row.byKind["zero-day"])} | ${row.misses.length === 0 ? "pass" : `fail (${row.misses.join(", ")})`} |`,
    );
  }
  console.log(
    `\nwall time ${((performance.now() - t0) / 1000).toFixed(1)} s for ${sources.length} households`,
  );
}
