import { describe, expect, it } from "vitest";
import { derivedReadings } from "../../../../src/meter/derived.js";
import type { Snapshot } from "../../../../src/model/snapshot.js";
import { meterEntitiesOf } from "../../../../src/sinks/mqtt/meter-entities.js";
import { numberReading, pushWith } from "../../../fixtures/mqtt/e450-snapshots.js";

/** What the sink gets for a snapshot: the readings and the runtime's derived values. */
function entitiesOf(snapshot: Snapshot) {
  return meterEntitiesOf(snapshot, derivedReadings(snapshot.readings), "Europe/Vienna");
}

function statesOf(...readings: Parameters<typeof pushWith>[0]) {
  const { states, entities, skipped } = entitiesOf(pushWith(readings));
  return { states: Object.fromEntries(states.map((s) => [s.entityId, s.payload])), entities, skipped };
}

describe("meterEntitiesOf", () => {
  it("converts readout units exactly: kWh stays exact, kW becomes W", () => {
    const { states, entities } = statesOf(
      numberReading("1.8.0", 42951721, -3, "kWh"),
      numberReading("1.7.0", 1234, -3, "kW"),
    );
    expect(states).toEqual({ energy_import: "42951.721", power_import: "1234" });
    expect(entities.find((entity) => entity.id === "power_import")?.unit).toBe("W");
  });

  it("signed net power is import minus export, negative while feeding in", () => {
    const { states } = statesOf(
      numberReading("1-0:1.7.0", 0, 0, "W"),
      numberReading("1-0:2.7.0", 2450, 0, "W"),
    );
    expect(states["power_net"]).toBe("-2450");
  });

  it("uses the meter's own 16.7.0 instead of deriving net power", () => {
    const { states } = statesOf(
      numberReading("1-0:1.7.0", 100, 0, "W"),
      numberReading("1-0:2.7.0", 0, 0, "W"),
      numberReading("1-0:16.7.0", 99, 0, "W"),
    );
    expect(states["power_net"]).toBe("99");
  });

  it("skips a value in a unit it cannot place rather than guessing", () => {
    const { states, skipped } = statesOf(numberReading("1-0:32.7.0", 2301, -1, "°C"));
    expect(states).toEqual({});
    expect(skipped).toEqual([{ obis: "1-0:32.7.0", why: "unexpected unit °C for voltage" }]);
  });

  it("publishes the push header time as the meter clock when no clock register is sent", () => {
    const { states } = entitiesOf(pushWith([], { meterTime: "2026-07-01T12:00:00" }));
    expect(states).toEqual([{ entityId: "meter_clock", payload: "2026-07-01T12:00:00+02:00" }]);
  });

  it("publishes energy totals in kWh with exactly 3 decimals, rounding finer registers", () => {
    const { states, entities } = statesOf(
      numberReading("1-0:1.8.0", 123456, -1, "kWh"), // 12345.6 kWh, a readout with one decimal
      numberReading("1-0:2.8.0", 12, 3, "Wh"), // 12 kWh as 12 × 10³ Wh
      numberReading("1-0:1.8.1", 0, 0, "Wh"),
      numberReading("1-0:1.8.2", 123456785, -4, "kWh"), // finer than Wh: rounded half away from zero
      numberReading("1-0:3.8.0", 5234564, -1, "varh"),
    );
    expect(states).toEqual({
      energy_import: "12345.600",
      energy_export: "12.000",
      energy_import_t1: "0.000",
      energy_import_t2: "12345.679",
      energy_reactive_import: "523.456",
    });
    expect(entities.every((entity) => entity.displayPrecision === 3)).toBe(true);
  });

  it("applies the registry's default unit when the frame carries none", () => {
    const { states, entities } = statesOf(numberReading("1-1:2.8.0", 5, 0, null));
    expect(states).toEqual({ energy_export: "0.005" });
    expect(entities[0]?.unit).toBe("kWh");
  });
});
