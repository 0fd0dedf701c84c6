/**
 * Forecast experts: weighted medians over pools of past hours that resemble the target hour.
 *
 * This is the "persistence ensemble" family that wins for residential meters in BuildingsBench
 * (Emami et al., NeurIPS 2023 Datasets and Benchmarks), with medians instead of means because the
 * hourly MAE is the score (the median minimises absolute error) and household load is right-skewed,
 * and with ±1 h neighbours to absorb timing jitter. Hour-of-week pools are in the family because a
 * load run on one weekday is invisible to pools of the last few days.
 */
import type { HourlyHistory } from "./history.js";
import { type WeightedSample, weightedQuantile } from "./weighted-quantile.js";

export interface ExpertSpec {
  readonly name: string;
  /** Same local hour on each of the last `days` days, weighted decay^d. */
  readonly days: number;
  readonly dayDecay: number;
  /** Weight factor for pooled days of the other day type (weekday vs weekend); 1 ignores day type. */
  readonly otherDayTypeWeight: number;
  /** Same hour of week in each of the last `weeks` weeks, weighted weekWeight · weekDecay^w. */
  readonly weeks: number;
  readonly weekWeight: number;
  readonly weekDecay: number;
  /** Weight of the hours just before and after each pooled hour. */
  readonly neighbourWeight: number;
  /**
   * Scale each pooled day by (recent daily level / that day's total)^levelBeta, so a house whose
   * consumption just stepped up (heating season, a heat pump switched on) is not forecast at last month's
   * level. 0 disables.
   */
  readonly levelBeta: number;
}

/** Context an expert needs besides the hourly history. */
export interface ExpertContext {
  readonly history: HourlyHistory;
  readonly isWeekend: (ms: number) => boolean;
  /** Recent daily level divided by the total of the day containing `ms`; NaN when unknown. */
  readonly levelRatio: (ms: number) => number;
}

const base = {
  dayDecay: 1,
  otherDayTypeWeight: 1,
  weeks: 0,
  weekWeight: 0,
  weekDecay: 1,
  neighbourWeight: 0.3,
  levelBeta: 0,
};

/**
 * The expert set: recency pools of several lengths and decays, day-type and hour-of-week pools, and
 * a level-scaled pool. It is fixed for every house; the online weights choose among the experts.
 */
export const DEFAULT_EXPERTS: readonly ExpertSpec[] = [
  { ...base, name: "days-7", days: 7 },
  { ...base, name: "days-14-daytype", days: 14, otherDayTypeWeight: 0.4 },
  { ...base, name: "days-21-decay", days: 21, dayDecay: 0.93 },
  { ...base, name: "days-10-fast", days: 10, dayDecay: 0.8 },
  { ...base, name: "days-3", days: 3, neighbourWeight: 1 },
  { ...base, name: "days-28-daytype", days: 28, dayDecay: 0.97, otherDayTypeWeight: 0.25 },
  { ...base, name: "days-21-level", days: 21, dayDecay: 0.93, levelBeta: 0.3 },
  {
    ...base,
    name: "days-28-daytype-level",
    days: 28,
    dayDecay: 0.97,
    otherDayTypeWeight: 0.25,
    levelBeta: 0.5,
  },
  { ...base, name: "weeks-8", days: 0, weeks: 8, weekWeight: 1, weekDecay: 0.9 },
  {
    ...base,
    name: "days-28-weeks-8",
    days: 28,
    dayDecay: 0.95,
    otherDayTypeWeight: 0.5,
    weeks: 8,
    weekWeight: 2,
    weekDecay: 0.85,
  },
];

export const HISTORY_HOURS_NEEDED = 8 * 7 * 24 + 48;

const HOUR = 3_600_000;

/**
 * The expert's forecast for the hour starting at `targetMs`, using only hours that ended by
 * `cutoffMs`; NaN when the pool is empty (cold start).
 */
export function expertForecast(
  spec: ExpertSpec,
  context: ExpertContext,
  targetMs: number,
  cutoffMs: number,
  pool: WeightedSample[] = [],
): number {
  pool.length = 0;
  const { history, isWeekend } = context;
  const targetWeekend = isWeekend(targetMs);
  for (let d = 1; d <= spec.days; d++) {
    const ms = history.sameLocalHour(targetMs, d);
    const typeFactor = isWeekend(ms) === targetWeekend ? 1 : spec.otherDayTypeWeight;
    const scale = spec.levelBeta === 0 ? 1 : levelScale(context.levelRatio(ms), spec.levelBeta);
    addWithNeighbours(
      pool,
      history,
      ms,
      cutoffMs,
      spec.dayDecay ** d * typeFactor,
      spec.neighbourWeight,
      scale,
    );
  }
  for (let w = 1; w <= spec.weeks; w++) {
    const ms = history.sameLocalHour(targetMs, 7 * w);
    addWithNeighbours(
      pool,
      history,
      ms,
      cutoffMs,
      spec.weekWeight * spec.weekDecay ** w,
      spec.neighbourWeight,
      1,
    );
  }
  return weightedQuantile(pool, 0.5);
}

/** Bounded to [0.5, 2] so one odd day (a holiday, a party) cannot swing the pool. */
function levelScale(ratio: number, beta: number): number {
  if (!Number.isFinite(ratio) || ratio <= 0) return 1;
  return Math.min(2, Math.max(0.5, ratio ** beta));
}

function addWithNeighbours(
  pool: WeightedSample[],
  history: HourlyHistory,
  centreMs: number,
  cutoffMs: number,
  weight: number,
  neighbourWeight: number,
  scale: number,
): void {
  for (const [offset, factor] of [
    [0, 1],
    [-HOUR, neighbourWeight],
    [HOUR, neighbourWeight],
  ] as const) {
    const ms = centreMs + offset;
    if (ms + HOUR > cutoffMs || factor === 0) continue;
    const value = history.at(ms);
    if (!Number.isNaN(value)) pool.push({ value: value * scale, weight: weight * factor });
  }
}
