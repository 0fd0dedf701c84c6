/**
 * Real pushes → InfluxDB rows. The frames are the shared real captures (tests/fixtures/real-frames,
 * provenance per case); the expected values are the published values of those cases.
 */
import { describe, expect, it } from "vitest";
import { decodeBytes } from "../../../../src/reader/decode-bytes.js";
import { meterRows } from "../../../../src/sinks/influx/meter-points.js";
import { REAL_FRAMES, caseBytes, caseKeys } from "../../../helpers/real-frames.js";

function rowsOf(id: string) {
  const testCase = REAL_FRAMES.find((candidate) => candidate.id === id);
  if (!testCase) throw new Error(`no case ${id}`);
  const [snapshot] = decodeBytes(caseBytes(testCase), caseKeys(testCase)).snapshots;
  if (!snapshot) throw new Error(`${id} decodes to nothing`);
  return meterRows(snapshot.readings);
}

function fieldsOf(
  rows: ReturnType<typeof meterRows>,
  measurement: string,
  tags: Record<string, string> = {},
) {
  return rows.find(
    (row) => row.measurement === measurement && Object.entries(tags).every(([k, v]) => row.tags[k] === v),
  )?.fields;
}

describe("meterRows", () => {
  it("groups an Austrian encrypted push into energy rows per tariff and a power row, values exact", () => {
    // Published values of the case: 1.8.0 = 4408736 Wh, 1.8.1 = 3593919 Wh, 1.8.2 = 814817 Wh,
    // 3.8.0 = 1591784 varh, 4.8.0 = 1401005 varh, 1.7.0 = 2893 W, 3.7.0 = 1735 var.
    const rows = rowsOf("e450-at-enc-gbt-auth-1");
    expect(fieldsOf(rows, "energy", { tariff: "total" })).toEqual({
      import_kwh: { float: "4408.736" },
      export_kwh: { float: "0" },
      reactive_import_kvarh: { float: "1591.784" },
      reactive_export_kvarh: { float: "1401.005" },
    });
    expect(fieldsOf(rows, "energy", { tariff: "t1" })?.["import_kwh"]).toEqual({ float: "3593.919" });
    expect(fieldsOf(rows, "energy", { tariff: "t2" })?.["import_kwh"]).toEqual({ float: "814.817" });
    expect(fieldsOf(rows, "power", { phase: "total" })).toEqual({
      import_w: { float: "2893" },
      export_w: { float: "0" },
      reactive_import_var: { float: "1735" },
      reactive_export_var: { float: "0" },
    });
  });

  it("puts a Swiss push's voltages and currents on one row per phase", () => {
    // Published: 32.7.0 = 236 V, 52.7.0 = 236 V, 72.7.0 = 0 V; 31.7.0 = 0.09 A, 51.7.0 = 0.08 A, 71.7.0 = 0 A.
    const rows = rowsOf("e450-ch-ekz-vse2026-hdlc-gbt");
    expect(fieldsOf(rows, "phase", { phase: "l1" })).toEqual({
      voltage_v: { float: "236" },
      current_a: { float: "0.09" },
    });
    expect(fieldsOf(rows, "phase", { phase: "l2" })).toEqual({
      voltage_v: { float: "236" },
      current_a: { float: "0.08" },
    });
    expect(fieldsOf(rows, "phase", { phase: "l3" })).toEqual({
      voltage_v: { float: "0" },
      current_a: { float: "0" },
    });
  });

  it("keeps every numeric register in `registers`, as the meter stated it, with its cadence", () => {
    const rows = rowsOf("e450-ch-ekz-vse2026-hdlc-gbt");
    const registers = rows.filter((row) => row.measurement === "registers");
    expect(registers.length).toBeGreaterThan(8);
    const energyImport = registers.find((row) => /:1\.8\.0/.test(row.tags["obis"] ?? ""));
    expect(energyImport?.cadence).toBe("totals");
    expect(energyImport?.tags["unit"]).toBe("Wh");
    const voltage = registers.find((row) => /:32\.7\.0/.test(row.tags["obis"] ?? ""));
    expect(voltage?.cadence).toBe("fast");
  });

  it("converts Wh to kWh by moving the decimal point, never through a binary float", () => {
    const rows = meterRows([
      { obis: "1-0:1.8.0.255", value: { kind: "number", exact: { raw: 12345678n, scaler: 0 }, unit: "Wh" } },
      { obis: "1-0:1.8.1.255", value: { kind: "number", exact: { raw: 1n, scaler: -1 }, unit: "kWh" } },
    ]);
    expect(fieldsOf(rows, "energy", { tariff: "total" })).toEqual({ import_kwh: { float: "12345.678" } });
    expect(fieldsOf(rows, "energy", { tariff: "t1" })).toEqual({ import_kwh: { float: "0.1" } });
  });

  it("puts the power factor per phase and in total, and frequency on the grid row", () => {
    const rows = meterRows([
      { obis: "1-0:33.7.0.255", value: { kind: "number", exact: { raw: 987n, scaler: -3 }, unit: null } },
      { obis: "1-0:13.7.0.255", value: { kind: "number", exact: { raw: 995n, scaler: -3 }, unit: null } },
      { obis: "1-0:14.7.0.255", value: { kind: "number", exact: { raw: 4998n, scaler: -2 }, unit: "Hz" } },
      { obis: "1-0:91.7.0.255", value: { kind: "number", exact: { raw: 12n, scaler: -2 }, unit: "A" } },
    ]);
    expect(fieldsOf(rows, "phase", { phase: "l1" })).toEqual({ power_factor: { float: "0.987" } });
    expect(fieldsOf(rows, "grid")).toEqual({
      power_factor: { float: "0.995" },
      frequency_hz: { float: "49.98" },
    });
    expect(fieldsOf(rows, "phase", { phase: "n" })).toEqual({ current_a: { float: "0.12" } });
  });

  it("skips text and clock readings, and a value whose unit it does not know", () => {
    const rows = meterRows([
      { obis: "0-0:96.1.0.255", value: { kind: "text", text: "29076916" } },
      { obis: "0-0:1.0.0.255", value: { kind: "datetime", local: "2026-12-02T07:00:00" } },
      { obis: "1-0:32.7.0.255", value: { kind: "number", exact: { raw: 230n, scaler: 0 }, unit: "furlong" } },
    ]);
    expect(rows.map((row) => row.measurement)).toEqual(["registers"]);
  });
});
