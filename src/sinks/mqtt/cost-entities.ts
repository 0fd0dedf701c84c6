/**
 * CostState → the meter device's price and cost sensors and their states: a pure function, so the
 * tests check every entity against HA's tables without a broker.
 *
 * - Price: unit `<currency>/kWh`, no device class, state_class measurement, as core's Nord Pool and
 *   ENTSO-e price sensors do. The Energy dashboard accepts an "entity with the current price" whose
 *   state is numeric and whose unit ends in "/kWh" (energy/validate.py `_async_validate_price_entity`,
 *   ENERGY_PRICE_UNITS). A missing price is HA's unknown, never 0: 0 would be billed as free energy.
 * - Money: device_class monetary (no unit list: the currency code is the unit), state_class total,
 *   the only state class HA allows for monetary (sensor/const.py DEVICE_CLASS_STATE_CLASSES). Today's
 *   and this month's amounts start again at each period, so they carry last_reset (sensor docs: total
 *   with last_reset when the value restarts); the totals never reset, which is what the Energy
 *   dashboard's "entity tracking the total costs" wants (energy/validate.py `_async_validate_cost_stat`
 *   accepts total without last_reset).
 */
import type { CostState, PeriodCost } from "../../model/insights.js";
import type { Announcement, EntityState, SensorEntity } from "./entity.js";
import { PLACES, rounded, statePayload } from "./insight-format.js";

type Iso = (utcMs: number) => string;

function money(id: string, name: string, currency: string, resets: boolean): SensorEntity {
  return {
    platform: "sensor",
    id,
    name,
    deviceClass: "monetary",
    stateClass: "total",
    unit: currency,
    displayPrecision: 2,
    ...(resets ? { resets: true } : {}),
    icon: "mdi:cash",
    cadence: "on-change",
  };
}

/** The JSON state of a sensor with `resets`: HA reads both through the templates discovery names. */
function resettingPayload(value: number, startMs: number, iso: Iso): string {
  return JSON.stringify({ value: rounded(value, PLACES.money), last_reset: iso(startMs) });
}

function periodAttributes(period: PeriodCost): string {
  return JSON.stringify({
    import_kwh: rounded(period.importKwh, PLACES.kwh),
    export_kwh: rounded(period.exportKwh, PLACES.kwh),
    // Their cost is missing from the value, not zero: a dynamic price was not known for them.
    unpriced_intervals: period.unpricedIntervals,
  });
}

export function costEntities(state: CostState, iso: Iso): Announcement {
  const { currency, today, month } = state;
  const entities: SensorEntity[] = [];
  const states: EntityState[] = [];
  const add = (entity: SensorEntity, payload: string, attributes?: string) => {
    entities.push(attributes === undefined ? entity : { ...entity, hasAttributes: true });
    states.push({ entityId: entity.id, payload, ...(attributes === undefined ? {} : { attributes }) });
  };

  add(
    {
      platform: "sensor",
      id: "price",
      name: "Price",
      stateClass: "measurement",
      unit: `${currency}/kWh`,
      displayPrecision: 4,
      icon: "mdi:cash-clock",
      cadence: "on-change",
    },
    statePayload(state.pricePerKwh, PLACES.price),
  );
  add(
    money("cost_today", "Cost today", currency, true),
    resettingPayload(today.cost, today.startMs, iso),
    periodAttributes(today),
  );
  add(
    money("cost_month", "Cost this month", currency, true),
    resettingPayload(month.cost, month.startMs, iso),
    periodAttributes(month),
  );
  add(money("cost_total", "Total cost", currency, false), statePayload(state.totalCost, PLACES.money));

  if (today.exportCredit !== null) {
    add(
      money("export_credit_today", "Export credit today", currency, true),
      resettingPayload(today.exportCredit, today.startMs, iso),
    );
  }
  if (month.exportCredit !== null) {
    add(
      money("export_credit_month", "Export credit this month", currency, true),
      resettingPayload(month.exportCredit, month.startMs, iso),
    );
  }
  if (state.totalExportCredit !== null) {
    add(
      money("export_credit_total", "Total export credit", currency, false),
      statePayload(state.totalExportCredit, PLACES.money),
    );
  }

  const { capacity } = state;
  if (capacity !== null) {
    add(
      {
        platform: "sensor",
        id: "capacity_peak",
        name: "Capacity peak",
        deviceClass: "power",
        stateClass: "measurement",
        unit: "kW",
        displayPrecision: 2,
        cadence: "on-change",
      },
      statePayload(capacity.peakKw, PLACES.kw),
    );
    add(
      money("capacity_cost", "Capacity charge", currency, true),
      resettingPayload(capacity.charge, capacity.monthStartMs, iso),
    );
  }
  return { entities, states };
}
