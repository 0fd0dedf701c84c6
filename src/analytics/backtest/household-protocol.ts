/**
 * Issue 13's check of one real household: the anomaly engine replayed over the clean series (every
 * alarm there counts as a false alarm, though real data holds real events too) and over copies
 * with the independent protocol's faults (inject-protocol.ts) from several seeds, recall summed
 * over the seeds. A household passes with recall ≥ 0.8, every stall and zero day found under every
 * seed, and ≤ 2 alarms per 30 days on the clean series. Shared by `npm run bench households` and
 * the target test.
 */
import { injectProtocolFaults, type ProtocolFaultKind } from "../anomaly/inject-protocol.js";
import { MONTH_MS, replayAnomalies } from "./anomaly-backtest.js";
import { type HouseholdSource, loadHousehold } from "./household-files.js";
import { alarmsByKind, falseAlarmsPer30Days, PROTOCOL_KINDS, scoreProtocol } from "./protocol-score.js";

export const PROTOCOL_SEEDS = [1, 2, 3, 4, 5] as const;
export const MIN_RECALL = 0.8;
export const MAX_FALSE_ALARMS_PER_30_DAYS = 2;

const H = 3_600_000;

export interface HouseholdVerdict {
  readonly name: string;
  readonly features: string;
  readonly months: number;
  readonly falseAlarmsPer30Days: number;
  readonly cleanAlarms: readonly [kind: string, count: number][];
  readonly recall: number;
  readonly byKind: Readonly<Record<ProtocolFaultKind, { readonly injected: number; readonly found: number }>>;
  readonly everyStallAndZeroDay: boolean;
  /** What fails the household (empty when it passes). */
  readonly misses: readonly string[];
}

export function evaluateHousehold(
  source: HouseholdSource,
  seeds: readonly number[] = PROTOCOL_SEEDS,
): HouseholdVerdict {
  const { hours, calendar } = loadHousehold(source);
  const spanMs = hours.length * H;
  const clean = replayAnomalies(hours, calendar);
  const byKind = Object.fromEntries(PROTOCOL_KINDS.map((k) => [k, { injected: 0, found: 0 }])) as Record<
    ProtocolFaultKind,
    { injected: number; found: number }
  >;
  let everyStallAndZeroDay = true;
  for (const seed of seeds) {
    const injected = injectProtocolFaults(hours, seed, (ms) => calendar.hourOfDay(ms));
    const score = scoreProtocol(replayAnomalies(injected.hours, calendar), injected.faults);
    for (const kind of PROTOCOL_KINDS) {
      byKind[kind].injected += score.byKind[kind].injected;
      byKind[kind].found += score.byKind[kind].found;
    }
    everyStallAndZeroDay &&= score.everyStallAndZeroDayFound;
  }
  const totals = Object.values(byKind);
  const recall = totals.reduce((n, k) => n + k.found, 0) / totals.reduce((n, k) => n + k.injected, 0);
  const falseAlarms = falseAlarmsPer30Days(clean, spanMs);
  const misses = [
    recall < MIN_RECALL ? "recall" : "",
    everyStallAndZeroDay ? "" : "stall/zero day missed",
    falseAlarms > MAX_FALSE_ALARMS_PER_30_DAYS ? "false alarms" : "",
  ].filter(Boolean);
  return {
    name: source.name,
    features: source.features,
    months: spanMs / MONTH_MS,
    falseAlarmsPer30Days: falseAlarms,
    cleanAlarms: alarmsByKind(clean),
    recall,
    byKind,
    everyStallAndZeroDay,
    misses,
  };
}
