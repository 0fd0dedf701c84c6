/**
 * What the live analytics tell about one meter, as whole states: each event carries everything an
 * entity shows, so a consumer that missed one loses nothing (HA restarts, late subscribers).
 */

/** A period's money, reset at its start (`startMs` is Home Assistant's last_reset). */
export interface PeriodCost {
  readonly startMs: number;
  /** Import energy, levies, VAT, standing and capacity charges booked so far. */
  readonly cost: number;
  /** Feed-in compensation; null when export is not priced. */
  readonly exportCredit: number | null;
  readonly importKwh: number;
  readonly exportKwh: number;
  /** Intervals without a price (a dynamic price missing): their cost is not in `cost`. */
  readonly unpricedIntervals: number;
}

export interface CostState {
  readonly currency: string;
  /** The all-in import price now (energy, levies, VAT) per kWh; null while a dynamic price is missing. */
  readonly pricePerKwh: number | null;
  readonly today: PeriodCost;
  readonly month: PeriodCost;
  /**
   * Never resets and never goes down: the import cost (energy, levies, VAT) of every priced closed
   * interval since the store began; standing and capacity charges are in the periods, not here, as
   * the Energy dashboard's "total costs" entity prices the grid energy it is paired with.
   */
  readonly totalCost: number;
  /** Never resets; null when export is not priced. */
  readonly totalExportCredit: number | null;
  /** Capacity tariffs: the month's peak and its charge so far; null without one. */
  readonly capacity: {
    readonly peakKw: number;
    readonly charge: number;
    readonly monthStartMs: number;
  } | null;
}

/** A forecast value with its 80 % interval; p10/p90 null until the model has scored its own errors. */
export interface Band {
  readonly value: number;
  readonly p10: number | null;
  readonly p90: number | null;
}

export interface ForecastState {
  /** Energy expected over the whole local day (observed so far + forecast of the rest), kWh. */
  readonly today: Band;
  /** Energy expected in the next full hour, kWh. */
  readonly nextHour: Band & { readonly startMs: number };
  /** Energy expected over the whole month, kWh. */
  readonly monthEnergy: Band;
  /** The month's cost projected, in the tariff's currency; null without a tariff. */
  readonly monthCost: Band | null;
  /** Tomorrow's expected hourly profile. */
  readonly tomorrow: readonly {
    readonly startMs: number;
    readonly kwh: number;
    readonly p10: number | null;
    readonly p90: number | null;
  }[];
  /** Mean absolute percentage error of the daily total over the last scored days; null before any. */
  readonly recentDailyErrorPercent: number | null;
  /** Days of history the model has seen. */
  readonly historyDays: number;
}

export interface AnomalyIncident {
  readonly id: string;
  readonly kind: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly expected: number;
  readonly observed: number;
  readonly unit: string;
  readonly score: number;
  /** The plain-language sentence. */
  readonly message: string;
}

export interface AnomalyState {
  /** "learning" while the detectors have too little history to judge (cold start). */
  readonly status: "learning" | "watching";
  /**
   * Whole days of hours with data the detectors have seen (stored ones replayed at start count, so
   * an imported history does), and the days they need before all of them may speak.
   */
  readonly history: { readonly days: number; readonly needed: number };
  readonly open: readonly AnomalyIncident[];
  /** The latest incident, open or closed; null before the first. */
  readonly last: AnomalyIncident | null;
  /** Every kind a detector can report (the event entity's event_types). */
  readonly kinds: readonly string[];
}

/** A closed 15-minute interval of the meter's energy totals. */
export interface RecordedInterval {
  readonly startMs: number;
  readonly endMs: number;
  readonly importKwh: number;
  readonly exportKwh: number | null;
  /** A link outage spanned it: its energy is the outage's, shared out in proportion to time. */
  readonly estimated: boolean;
}
