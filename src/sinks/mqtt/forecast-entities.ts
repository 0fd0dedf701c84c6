/**
 * ForecastState → the meter device's forecast sensors and their states (pure).
 *
 * Forecasts are energy (kWh) or money with their device class but without a state_class: a state
 * class asks the recorder for long-term statistics, and a forecast is neither a measurement nor a
 * total (sensor docs, "state_class"); HA checks a state class against the device class only when one
 * is set. Every forecast carries its 80 % interval (`p10`, `p90`, null until the model has scored its
 * own errors) and the method's recent accuracy as JSON attributes.
 *
 * Tomorrow's hourly profile goes into one attribute list: at most 25 entries (the autumn DST day) of
 * about 90 bytes each, a few kB, well under the 16 kB HA's recorder keeps of a state's attributes.
 */
import type { Band, ForecastState } from "../../model/insights.js";
import type { Announcement, EntityState, SensorEntity } from "./entity.js";
import { PLACES, rounded, statePayload } from "./insight-format.js";

type Iso = (utcMs: number) => string;

function forecast(id: string, name: string, unit = "kWh"): SensorEntity {
  return {
    platform: "sensor",
    id,
    name,
    deviceClass: "energy",
    unit,
    displayPrecision: 2,
    hasAttributes: true,
    icon: "mdi:crystal-ball",
    cadence: "on-change",
  };
}

/** The sum of the hourly bounds: exact when the hours err together, wider (so safe) otherwise. */
function summedBound(hours: ForecastState["tomorrow"], bound: "p10" | "p90"): number | null {
  let sum = 0;
  for (const hour of hours) {
    const value = hour[bound];
    if (value === null) return null;
    sum += value;
  }
  return hours.length === 0 ? null : sum;
}

export interface ForecastContext {
  /** The tariff's currency, from the meter's cost state; null before one arrived (or without a tariff). */
  readonly currency: string | null;
  readonly iso: Iso;
}

export function forecastEntities(state: ForecastState, { currency, iso }: ForecastContext): Announcement {
  const entities: SensorEntity[] = [];
  const states: EntityState[] = [];
  const accuracy = {
    recent_error_percent: rounded(state.recentDailyErrorPercent, PLACES.percent),
    history_days: state.historyDays,
  };
  const add = (
    entity: SensorEntity,
    value: number | null,
    places: number,
    band: Pick<Band, "p10" | "p90">,
    extra: Record<string, unknown> = {},
  ) => {
    entities.push(entity);
    const attributes = {
      p10: rounded(band.p10, places),
      p90: rounded(band.p90, places),
      ...accuracy,
      ...extra,
    };
    states.push({
      entityId: entity.id,
      payload: statePayload(value, places),
      attributes: JSON.stringify(attributes),
    });
  };

  add(forecast("forecast_today", "Forecast today"), state.today.value, PLACES.kwh, state.today);
  add(
    forecast("forecast_next_hour", "Forecast next hour"),
    state.nextHour.value,
    PLACES.kwh,
    state.nextHour,
    { start: iso(state.nextHour.startMs) },
  );
  add(
    forecast("forecast_month", "Forecast this month"),
    state.monthEnergy.value,
    PLACES.kwh,
    state.monthEnergy,
  );
  // Money needs its currency as unit; until a cost state has named it, the entity waits.
  if (state.monthCost !== null && currency !== null) {
    add(
      { ...forecast("forecast_month_cost", "Forecast cost this month", currency), deviceClass: "monetary" },
      state.monthCost.value,
      PLACES.money,
      state.monthCost,
    );
  }
  const hours = state.tomorrow;
  add(
    forecast("forecast_tomorrow", "Forecast tomorrow"),
    hours.length === 0 ? null : hours.reduce((sum, hour) => sum + hour.kwh, 0),
    PLACES.kwh,
    { p10: summedBound(hours, "p10"), p90: summedBound(hours, "p90") },
    {
      hours: hours.map((hour) => ({
        start: iso(hour.startMs),
        kwh: rounded(hour.kwh, PLACES.kwh),
        p10: rounded(hour.p10, PLACES.kwh),
        p90: rounded(hour.p90, PLACES.kwh),
      })),
    },
  );
  return { entities, states };
}
