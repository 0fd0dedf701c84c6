/**
 * Analytics states as the live analytics would emit them for one meter, hand-made so every field is
 * known: Zurich time, CHF, a capacity tariff and priced export, an open spike.
 */
import type {
  AnomalyIncident,
  AnomalyState,
  CostState,
  ForecastState,
} from "../../../../src/model/insights.js";

/** 2026-03-15 00:00 in Europe/Zurich (UTC+1). */
const DAY_START = Date.UTC(2026, 2, 14, 23, 0, 0);
/** 2026-03-01 00:00 in Europe/Zurich. */
const MONTH_START = Date.UTC(2026, 1, 28, 23, 0, 0);
const HOUR = 3_600_000;

export const COST: CostState = {
  currency: "CHF",
  pricePerKwh: 0.2731,
  today: {
    startMs: DAY_START,
    cost: 1.1 + 0.2, // 1.3000000000000003 in floating point
    exportCredit: 0.42,
    importKwh: 4.2505,
    exportKwh: 3,
    unpricedIntervals: 2,
  },
  month: {
    startMs: MONTH_START,
    cost: 31.456789,
    exportCredit: 7.5,
    importKwh: 120.5,
    exportKwh: 50,
    unpricedIntervals: 2,
  },
  totalCost: 1234.56789,
  totalExportCredit: 88.1,
  capacity: { peakKw: 4.8765, charge: 19.5, monthStartMs: MONTH_START },
};

/** Only a fixed import price: no export price, no capacity tariff. */
export const PLAIN_COST: CostState = {
  ...COST,
  today: { ...COST.today, exportCredit: null },
  month: { ...COST.month, exportCredit: null },
  totalExportCredit: null,
  capacity: null,
};

const tomorrowStart = DAY_START + 24 * HOUR;
export const FORECAST: ForecastState = {
  today: { value: 12.3456, p10: 10.1, p90: 14.9 },
  nextHour: { value: 0.512, p10: 0.3, p90: 0.8, startMs: DAY_START + 15 * HOUR },
  monthEnergy: { value: 380.25, p10: 350, p90: 410 },
  monthCost: { value: 104.5, p10: 96, p90: 113 },
  tomorrow: Array.from({ length: 24 }, (_, hour) => ({
    startMs: tomorrowStart + hour * HOUR,
    kwh: 0.5,
    p10: 0.25,
    p90: 0.75,
  })),
  recentDailyErrorPercent: 8.04,
  historyDays: 60,
};

export const SPIKE: AnomalyIncident = {
  id: "spike-1",
  kind: "spike",
  startMs: DAY_START + 14 * HOUR,
  endMs: DAY_START + 14.25 * HOUR,
  expected: 0.4,
  observed: 2.25,
  unit: "kWh",
  score: 5.678,
  message: "Between 14:00 and 14:15 the meter recorded 2.25 kWh where about 0.4 kWh was expected.",
};

export const SHIFT: AnomalyIncident = {
  ...SPIKE,
  id: "shift-1",
  kind: "schedule-shift",
  startMs: DAY_START + 6 * HOUR,
  message: "The morning load started two hours earlier than usual.",
};

export const KINDS = ["spike", "schedule-shift", "stalled", "baseload"];

export const WATCHING: AnomalyState = {
  status: "watching",
  history: { days: 60, needed: 28 },
  open: [SPIKE, SHIFT],
  last: SPIKE,
  kinds: KINDS,
};
export const QUIET: AnomalyState = { ...WATCHING, open: [] };
/** A house twelve days in, before the first incident. */
export const LEARNING: AnomalyState = {
  status: "learning",
  history: { days: 12, needed: 28 },
  open: [],
  last: null,
  kinds: KINDS,
};
