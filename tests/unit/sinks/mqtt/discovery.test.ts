import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { meterIdentityOf } from "../../../../src/meter/meter-identity.js";
import { BRIDGE_ENTITIES } from "../../../../src/sinks/mqtt/diagnostics.js";
import {
  bridgeDiscovery,
  type DiscoveryContext,
  meterDiscovery,
  type SensorComponent,
} from "../../../../src/sinks/mqtt/discovery.js";
import { derivedReadings } from "../../../../src/meter/derived.js";
import type { Snapshot } from "../../../../src/model/snapshot.js";
import { meterEntitiesOf } from "../../../../src/sinks/mqtt/meter-entities.js";
import { Topics } from "../../../../src/sinks/mqtt/topics.js";
import { E450_PUSH } from "../../../fixtures/mqtt/e450-snapshots.js";
import { deviceDiscoveryProblems } from "./ha-discovery-rules.js";

/** What the sink gets for a snapshot: the readings and the runtime's derived values. */
function entitiesOf(snapshot: Snapshot) {
  return meterEntitiesOf(snapshot, derivedReadings(snapshot.readings), TIME_ZONE);
}

const CONTEXT: DiscoveryContext = {
  topics: new Topics("homeassistant", "e450"),
  origin: { name: "e450", sw_version: "0.1.0", support_url: "https://github.com/e450/e450" },
};
const TIME_ZONE = "Europe/Zurich";
const GOLDEN = fileURLToPath(new URL("../../../fixtures/mqtt/e450-discovery.golden.json", import.meta.url));

function meterMessage() {
  const { entities } = entitiesOf(E450_PUSH);
  return meterDiscovery(meterIdentityOf(E450_PUSH), entities, CONTEXT);
}

function sensor(id: string): SensorComponent {
  const component = meterMessage().payload.components[id];
  if (!component || !("unique_id" in component) || component.platform !== "sensor") {
    throw new Error(`no sensor ${id}`);
  }
  return component;
}

describe("device discovery payloads", () => {
  it("the meter's payload breaks none of Home Assistant's rules", () => {
    const message = meterMessage();
    expect(deviceDiscoveryProblems("homeassistant", message.topic, message.payload)).toEqual([]);
  });

  it("the bridge's payload breaks none of Home Assistant's rules", () => {
    const message = bridgeDiscovery(BRIDGE_ENTITIES, CONTEXT);
    expect(deviceDiscoveryProblems("homeassistant", message.topic, message.payload)).toEqual([]);
  });

  it("a payload removing a component is still valid and carries only the platform for it", () => {
    const { entities } = entitiesOf(E450_PUSH);
    const message = meterDiscovery(meterIdentityOf(E450_PUSH), entities, CONTEXT, {
      removed: { voltage_l9: "sensor" },
    });
    expect(message.payload.components["voltage_l9"]).toEqual({ platform: "sensor" });
    expect(deviceDiscoveryProblems("homeassistant", message.topic, message.payload)).toEqual([]);
  });

  it("the rule check itself rejects what Home Assistant rejects", () => {
    const message = meterMessage();
    const broken = {
      ...message.payload,
      components: {
        energy: { ...sensor("energy_import"), unit_of_measurement: "kW" },
        legacy: { ...sensor("voltage_l1"), unique_id: "x", object_id: "old" },
        abbreviated: { ...sensor("frequency"), unique_id: "y", unit_of_meas: "Hz" },
      },
    };
    expect(deviceDiscoveryProblems("homeassistant", message.topic, broken)).toEqual([
      "components.energy: The unit of measurement kW is not valid together with device class energy",
      "components.legacy: unknown option object_id",
      "components.legacy: object_id stopped working in HA 2026.4",
      "components.abbreviated: unknown option unit_of_meas",
    ]);
  });

  it("energy totals are Energy-dashboard ready: energy, total_increasing, kWh", () => {
    expect(sensor("energy_import")).toEqual({
      platform: "sensor",
      unique_id: "e450_4c475a670312d687_energy_import",
      default_entity_id: "sensor.e450_energy_import",
      name: "Energy import",
      state_topic: "e450/meter/4c475a670312d687/energy_import",
      device_class: "energy",
      state_class: "total_increasing",
      unit_of_measurement: "kWh",
      suggested_display_precision: 3,
    });
    expect(sensor("energy_reactive_import")).toMatchObject({
      device_class: "reactive_energy",
      unit_of_measurement: "kvarh",
    });
  });

  it("one device per meter, identified by its system title, available only while both bridge and meter are", () => {
    const { topic, payload } = meterMessage();
    expect(topic).toBe("homeassistant/device/e450_4c475a670312d687/config");
    expect(payload.device).toEqual({
      identifiers: ["e450_4c475a670312d687"],
      name: "E450",
      manufacturer: "Landis+Gyr",
      model: "E450",
      serial_number: "71234567",
      via_device: "e450_bridge_e450",
    });
    expect(payload.availability).toEqual([
      { topic: "e450/status" },
      { topic: "e450/meter/4c475a670312d687/status" },
    ]);
    expect(payload.availability_mode).toBe("all");
    expect(payload.qos).toBe(1);
    expect(payload.origin).toEqual({
      name: "e450",
      sw_version: "0.1.0",
      support_url: "https://github.com/e450/e450",
    });
  });

  it("announces exactly the registers the meter sent, plus derived net power", () => {
    const ids = Object.keys(meterMessage().payload.components).sort();
    expect(ids).toEqual(
      [
        "current_l1",
        "current_l2",
        "current_l3",
        "current_tariff",
        "energy_export",
        "energy_import",
        "energy_import_t1",
        "energy_import_t2",
        "energy_reactive_export",
        "energy_reactive_import",
        "frequency",
        "meter_clock",
        "power_export",
        "power_export_l1",
        "power_factor",
        "power_import",
        "power_import_l1",
        "power_net",
        "power_net_l1",
        "power_reactive_export",
        "power_reactive_import",
        "voltage_l1",
        "voltage_l2",
        "voltage_l3",
      ].sort(),
    );
  });

  it("diagnostics sit on the bridge device with entity_category diagnostic", () => {
    const { payload } = bridgeDiscovery(BRIDGE_ENTITIES, CONTEXT);
    const components = Object.values(payload.components) as SensorComponent[];
    expect(components.every((component) => component.entity_category === "diagnostic")).toBe(true);
    expect(payload.availability).toEqual([{ topic: "e450/status" }]);
    expect(payload.components["frames_rejected"]).toMatchObject({
      json_attributes_topic: "e450/bridge/frames_rejected/attributes",
      state_class: "total_increasing",
    });
  });

  it("the full payload set of one E450 push matches the golden file", () => {
    const { states } = entitiesOf(E450_PUSH);
    const meter = meterMessage();
    const bridge = bridgeDiscovery(BRIDGE_ENTITIES, CONTEXT);
    const actual = {
      discovery: { [meter.topic]: meter.payload, [bridge.topic]: bridge.payload },
      states: Object.fromEntries(
        states.map((state) => [CONTEXT.topics.meterState("4c475a670312d687", state.entityId), state.payload]),
      ),
    };
    // Compared as data, so the formatter may lay the file out as it likes; UPDATE_GOLDEN=1 rewrites it.
    if (process.env["UPDATE_GOLDEN"] === "1") writeFileSync(GOLDEN, `${JSON.stringify(actual, null, 2)}\n`);
    expect(JSON.parse(JSON.stringify(actual))).toEqual(JSON.parse(readFileSync(GOLDEN, "utf8")));
  });
});
