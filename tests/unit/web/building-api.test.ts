/**
 * /api/building through the fastify app, on a real SQLite history store holding two days of
 * quarter hours for three meters: a house, a workshop behind the house's meter, and a flat.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Snapshot } from "../../../src/model/snapshot.js";
import type { StoredInterval } from "../../../src/store/types.js";
import type { BuildingMeter } from "../../../src/web/building.js";
import { AssignmentRecorder } from "../../../src/web/meter-assignments.js";
import { E450_PUSH } from "../../fixtures/mqtt/e450-snapshots.js";
import { MeterEventSource } from "../../helpers/meter-events.js";
import { quiet, type WebFixture, webFixture } from "./web-fixture.js";

const QUARTER = 900_000;
/** 2026-03-02 00:00 in Zurich (UTC+1), the fixture's zone and its tariff's. */
const DAY_START = Date.UTC(2026, 2, 1, 23, 0);
const NOW = DAY_START + 2 * 86_400_000;
/** Both local days, whole. */
const PERIOD = "2026-03-02/2026-03-03";

const HOUSE: BuildingMeter = { id: "house", name: "House", area: null, behind: null };
const WORKSHOP: BuildingMeter = { id: "workshop", name: "Workshop", area: "Garden", behind: "house" };
const FLAT: BuildingMeter = { id: "flat-2", name: "Flat 2", area: "First floor", behind: null };

/** Two local days of quarter hours, each the same energy. */
function quarters(importKwh: number, exportKwh: number | null): StoredInterval[] {
  return Array.from({ length: 192 }, (_, i) => ({
    startMs: DAY_START + i * QUARTER,
    endMs: DAY_START + (i + 1) * QUARTER,
    importKwh,
    exportKwh,
    source: "live",
  }));
}

/** The fixture's push as another physical meter: keyed by its serial, since it names no system title. */
const pushFrom = (serial: string): Snapshot => ({ ...E450_PUSH, meterId: serial, systemTitle: undefined });

describe("/api/building", () => {
  let web: WebFixture;
  let sources: MeterEventSource[];
  let recorders: AssignmentRecorder[];
  /** Physical meter keys by configured id. */
  const keys = new Map<string, string>();
  const get = async (url: string) => {
    const response = await web.app.inject({ method: "GET", url });
    return { status: response.statusCode, body: response.json() };
  };

  function stopSources(): void {
    for (const recorder of recorders) recorder.detach();
    for (const source of sources) source.stop();
  }

  /** Each meter pushes once on its own connection, and its quarters are in the store under its key. */
  async function start(meters: readonly BuildingMeter[], energy: Record<string, [number, number | null]>) {
    web = await webFixture({ now: () => NOW, meters });
    sources = [];
    recorders = [];
    for (const [index, { id }] of [HOUSE, WORKSHOP, FLAT].entries()) {
      const source = new MeterEventSource(id);
      web.live.attach(source.bus);
      const recorder = new AssignmentRecorder(web.store, quiet);
      recorder.attach(source.bus);
      sources.push(source);
      recorders.push(recorder);
      source.push(pushFrom(`9000000${index}`));
      const key = [...web.live.meters.values()].find((meter) => meter.configured === id)!.identity.key;
      keys.set(id, key);
      const [importKwh, exportKwh] = energy[id]!;
      web.store.writeIntervals(key, quarters(importKwh, exportKwh));
    }
  }

  beforeEach(async () => {
    await start([HOUSE, WORKSHOP, FLAT], {
      house: [0.1, 0.01],
      workshop: [0.025, 0],
      "flat-2": [0.05, 0],
    });
  });

  afterEach(async () => {
    stopSources();
    await web.close();
  });

  it("sums each meter's period, counts the workshop inside the house once, and splits energy and cost", async () => {
    const { status, body } = await get(`/api/building?period=${PERIOD}`);
    expect(status).toBe(200);
    expect(body.period).toEqual({ from: "2026-03-02T00:00:00+01:00", to: "2026-03-04T00:00:00+01:00" });
    expect(body.currency).toBe("CHF");
    // Per day 52 quarters at the 0.30 rate (07–20 h) and 44 at 0.20: 24.4 × the quarter's kWh; and
    // 0.50 a day standing charge. House 2 × 2.44 + 1.00 = 5.88; flat 2 × 1.22 + 1.00 = 3.44; the
    // workshop's energy alone 2 × 0.61 = 1.22, so the house's rest is 4.66.
    expect(body.total).toEqual({
      importKwh: 28.8,
      exportKwh: 1.92,
      cost: 9.32,
      complete: true,
      unpricedIntervals: 0,
    });
    const rows = body.rows.map((row: Record<string, unknown>) => [
      row["kind"],
      row["id"],
      row["depth"],
      row["importKwh"],
      row["share"],
      row["shareOfParent"],
      row["cost"],
      row["costShare"],
    ]);
    expect(rows).toEqual([
      ["meter", "house", 0, 19.2, 66.6667, null, 5.88, 63.0901],
      ["meter", "workshop", 1, 4.8, 16.6667, 25, 1.22, 13.0901],
      ["rest", "house", 1, 14.4, 50, 75, 4.66, 50],
      ["meter", "flat-2", 0, 9.6, 33.3333, null, 3.44, 36.9099],
    ]);
    expect(body.rows[0]).toMatchObject({
      name: "House",
      behind: null,
      physical: [{ key: keys.get("house"), serial: "90000000" }],
      exportKwh: 1.92,
      coverage: 100,
      reason: null,
    });
    expect(body.rows[1]).toMatchObject({ name: "Workshop", area: "Garden", behind: "house", exportKwh: 0 });
    expect(body.rows[2]).toMatchObject({ name: "House", behind: "house", physical: [], coverage: null });
    expect(body.rows[3]).toMatchObject({ area: "First floor", physical: [{ serial: "90000002" }] });
  });

  it("lists the configured meters in /api/meters, and which one each physical meter is", async () => {
    const { body } = await get("/api/meters");
    expect(body.configured).toEqual([HOUSE, WORKSHOP, FLAT]);
    const byKey = Object.fromEntries(
      body.meters.map((m: { key: string; configured: string }) => [m.key, m.configured]),
    );
    expect(byKey).toEqual({
      [keys.get("house")!]: "house",
      [keys.get("workshop")!]: "workshop",
      [keys.get("flat-2")!]: "flat-2",
    });
  });

  it("still knows whose history is whose after a restart, before any meter pushes again", async () => {
    await expect.poll(() => web.store.getValue(keys.get("flat-2")!, "configured-meter")).toBe("flat-2");
    // What the analytics store with each closed interval (its readings do not matter here).
    const latest = { ...pushFrom("90000000"), readings: [] };
    web.store.saveLatestSnapshot(keys.get("house")!, JSON.stringify(latest), NOW);
    // A restart: the live state has heard nothing yet.
    web.live.meters.clear();
    const { body } = await get(`/api/building?period=${PERIOD}`);
    expect(body.total).toMatchObject({ importKwh: 28.8, cost: 9.32, complete: true });
    expect(body.rows[0].physical).toEqual([{ key: keys.get("house"), serial: "90000000" }]);
    // No snapshot stored for the workshop, and not heard: its serial is not known, its history is.
    expect(body.rows[1]).toMatchObject({
      importKwh: 4.8,
      physical: [{ key: keys.get("workshop"), serial: null }],
    });
  });

  it("shows a configured meter that never pushed with nulls and the reason; the total says it is incomplete", async () => {
    stopSources();
    await web.close();
    const garage: BuildingMeter = { id: "garage", name: "Garage", area: null, behind: null };
    await start([HOUSE, WORKSHOP, FLAT, garage], {
      house: [0.1, 0.01],
      workshop: [0.025, 0],
      "flat-2": [0.05, 0],
    });
    const { body } = await get(`/api/building?period=${PERIOD}`);
    expect(body.rows.at(-1)).toEqual({
      kind: "meter",
      id: "garage",
      name: "Garage",
      area: null,
      behind: null,
      depth: 0,
      physical: [],
      importKwh: null,
      exportKwh: null,
      cost: null,
      coverage: null,
      share: null,
      shareOfParent: null,
      costShare: null,
      reason: {
        code: "not-heard",
        message: "not heard from since the start, and no stored history is known to be this meter's",
      },
    });
    expect(body.total).toMatchObject({ importKwh: 28.8, complete: false });
  });

  it("says which meters have nothing in a period, and how much of a period each covers", async () => {
    const before = await get("/api/building?period=2026-02-01/2026-02-28");
    expect(before.body.rows.map((row: { reason: { code: string } | null }) => row.reason?.code)).toEqual([
      "no-data",
      "no-data",
      "parent-missing",
      "no-data",
    ]);
    expect(before.body.total).toEqual({
      importKwh: 0,
      exportKwh: null,
      cost: null,
      complete: false,
      unpricedIntervals: 0,
    });
    // From 1 March until now (the period's end is still ahead): three days, of which the store holds two.
    const wider = await get("/api/building?period=2026-03-01/2026-03-04");
    expect(wider.body.rows[0]).toMatchObject({ importKwh: 19.2, coverage: 66.6667 });
  });

  it("answers without a tariff (no costs), refuses a bad period, and needs the store", async () => {
    await web.close();
    web = await webFixture({ now: () => NOW, meters: [HOUSE], tariff: null });
    web.store.writeIntervals("somewhere", quarters(0.1, null));
    // The only configured meter takes history no meter was heard with (an import, an older version).
    const { body } = await get(`/api/building?period=${PERIOD}`);
    expect(body.currency).toBeNull();
    expect(body.rows).toEqual([
      expect.objectContaining({
        id: "house",
        physical: [{ key: "somewhere", serial: null }],
        importKwh: 19.2,
        exportKwh: null,
        share: 100,
        cost: null,
        costShare: null,
      }),
    ]);
    const bad = await get("/api/building?period=2026-03-03/2026-03-01");
    expect([bad.status, bad.body.error.code]).toEqual([400, "invalid-parameter"]);
    await web.close();
    web = await webFixture({ withoutStore: true, meters: [HOUSE] });
    expect((await get("/api/building")).status).toBe(503);
    await web.close();
    web = await webFixture({ meters: [] });
    const none = await get("/api/building");
    expect([none.status, none.body.error.code]).toEqual([404, "no-meters"]);
  });

  it("is in the OpenAPI document with its period parameter", async () => {
    const { body } = await get("/api/openapi.json");
    const operation = body.paths["/api/building"].get;
    expect(operation.parameters.map((p: { name: string }) => p.name)).toEqual(["period"]);
    expect(Object.keys(operation.responses["200"].content["application/json"].schema.properties)).toEqual([
      "period",
      "currency",
      "total",
      "rows",
    ]);
  });
});
