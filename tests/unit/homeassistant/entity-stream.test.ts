/** The compressed subscribe_entities messages as core websocket_api/messages.py builds them. */
import { describe, expect, it } from "vitest";
import { applyEntitiesEvent } from "../../../src/homeassistant/entity-stream.js";
import type { EntityState } from "../../../src/homeassistant/price-attributes.js";

describe("applyEntitiesEvent", () => {
  it("adds, changes (attributes merged and removed) and removes entities", () => {
    const states = new Map<string, EntityState>();
    expect(
      applyEntitiesEvent(states, {
        a: {
          "sensor.p": { s: "0.1", a: { unit: "kWh", raw_tomorrow: [] }, c: "01CTX", lc: 1_759_269_600.1 },
        },
      }),
    ).toEqual(["sensor.p"]);
    expect(states.get("sensor.p")).toEqual({
      entity_id: "sensor.p",
      state: "0.1",
      attributes: { unit: "kWh", raw_tomorrow: [] },
    });

    applyEntitiesEvent(states, {
      c: {
        "sensor.p": {
          "+": { a: { raw_tomorrow: [1] }, c: "01CTY", lu: 1_759_269_700 },
          "-": { a: ["unit"] },
        },
      },
    });
    expect(states.get("sensor.p")).toEqual({
      entity_id: "sensor.p",
      state: "0.1",
      attributes: { raw_tomorrow: [1] },
    });

    applyEntitiesEvent(states, { c: { "sensor.p": { "+": { s: "0.2", lc: 1_759_270_000 } } } });
    expect(states.get("sensor.p")?.state).toBe("0.2");

    expect(applyEntitiesEvent(states, { r: ["sensor.p", "sensor.unknown"] })).toEqual(["sensor.p"]);
    expect(states.size).toBe(0);
  });

  it("ignores a change for an entity it never saw", () => {
    const states = new Map<string, EntityState>();
    expect(applyEntitiesEvent(states, { c: { "sensor.q": { "+": { s: "1" } } } })).toEqual([]);
  });
});
