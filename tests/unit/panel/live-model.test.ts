import { describe, expect, it } from "vitest";
import type { ApiReading } from "../../../web/panel/src/api-types.js";
import { liveView } from "../../../web/panel/src/live-model.js";

const reading = (
  key: string | null,
  value: number | string,
  unit: string | null,
  obis = "1-0:0.0.0",
): ApiReading => ({
  obis,
  key,
  name: key ?? "unknown",
  value,
  unit,
});

describe("live view", () => {
  it("puts power, phases and totals on their cards, in W and kWh", () => {
    const view = liveView([
      reading("energy_import", 12_345_678, "Wh"),
      reading("power_import", 1.5, "kW"),
      reading("power_export", 0, "W"),
      reading("power_net", 1500, "W"),
      reading("voltage_l1", 231.2, "V"),
      reading("current_l1", 2.5, "A"),
      reading("voltage_l3", 229.9, "V"),
      reading("serial_number", "12345678", null),
    ]);
    expect(view.powerImport).toBe(1500);
    expect(view.powerExport).toBe(0);
    expect(view.powerNet).toBe(1500);
    expect(view.energyImport).toBeCloseTo(12_345.678, 6);
    expect(view.energyExport).toBeNull();
    expect(view.phases).toEqual([
      { phase: 1, voltage: 231.2, current: 2.5, powerNet: null },
      { phase: 3, voltage: 229.9, current: null, powerNet: null },
    ]);
    expect(view.others.map((other) => other.key)).toEqual(["serial_number"]);
  });

  it("derives net power from import and export when the snapshot lacks it", () => {
    expect(liveView([reading("power_import", 200, "W"), reading("power_export", 900, "W")]).powerNet).toBe(
      -700,
    );
    expect(liveView([reading("power_export", 900, "W")]).powerNet).toBeNull();
  });

  it("takes the first of two registers with one key, and keeps unnamed registers with the others", () => {
    const view = liveView([
      reading("power_import", 100, "W", "1-0:1.7.0"),
      reading("power_import", 999, "W", "1-1:1.7.0"),
      reading(null, 7, null, "0-0:96.99.0"),
    ]);
    expect(view.powerImport).toBe(100);
    expect(view.others.map((other) => other.obis)).toEqual(["0-0:96.99.0"]);
  });
});
