/** The building view's arithmetic: sub-meters under their meter with its rest, every kWh counted once. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Building,
  type BuildingMeter,
  building,
  type MeterReading,
  type MeterUse,
} from "../../../src/web/building.js";

const meter = (id: string, behind: string | null = null): BuildingMeter => ({
  id,
  name: id.replace(/-/g, " "),
  area: null,
  behind,
});

const use = (importKwh: number, more: Partial<MeterUse> = {}): MeterReading => ({
  use: { importKwh, exportKwh: null, netCost: null, energyCost: null, coverage: 1, ...more },
});

function readings(table: Record<string, MeterReading>): (id: string) => MeterReading {
  return (id) => table[id] ?? { missing: "not-heard" };
}

/** Rows as [kind, id, depth, import, share, shareOfParent]: the table the panel draws. */
function outline(result: Building) {
  return result.rows.map((row) => [
    row.kind,
    row.meter.id,
    row.depth,
    row.importKwh,
    row.share === null ? null : Number(row.share.toFixed(6)),
    row.shareOfParent === null ? null : Number(row.shareOfParent.toFixed(6)),
  ]);
}

/** A house with a workshop and a heat pump behind its meter, and a flat on a meter of its own. */
const HOUSE = [meter("house"), meter("workshop", "house"), meter("heat-pump", "house"), meter("flat-2")];

describe("the building view", () => {
  it("lists sub-meters under their meter with its rest, and counts each kWh once", () => {
    const result = building(
      HOUSE,
      readings({
        house: use(1000, { exportKwh: 50, netCost: 320, energyCost: 300 }),
        workshop: use(150, { netCost: 60, energyCost: 45 }),
        "heat-pump": use(250, { exportKwh: 0, netCost: 90, energyCost: 75 }),
        "flat-2": use(600, { netCost: 190, energyCost: 180 }),
      }),
    );
    expect(outline(result)).toEqual([
      ["meter", "house", 0, 1000, 62.5, null],
      ["meter", "workshop", 1, 150, 9.375, 15],
      ["meter", "heat-pump", 1, 250, 15.625, 25],
      ["rest", "house", 1, 600, 37.5, 60],
      ["meter", "flat-2", 0, 600, 37.5, null],
    ]);
    // 1600, not 2000: the workshop and the heat pump are in the house's 1000 already.
    expect(result.total).toEqual({ importKwh: 1600, exportKwh: 50, cost: 510, complete: true });
    const [house, workshop, heatPump, rest, flat] = result.rows;
    // A sub-meter carries its energy's cost only; the standing charges stay in its meter's rest.
    expect([house?.cost, workshop?.cost, heatPump?.cost, rest?.cost, flat?.cost]).toEqual([
      320, 45, 75, 200, 190,
    ]);
    expect(rest?.exportKwh).toBe(50);
    expect(workshop?.costShare).toBeCloseTo((45 / 510) * 100, 12);
    expect(rest?.costShare).toBeCloseTo((200 / 510) * 100, 12);
    expect((house?.costShare ?? 0) + (flat?.costShare ?? 0)).toBeCloseTo(100, 12);
    expect(result.rows.every((row) => row.reason === null)).toBe(true);
  });

  it("nests a sub-meter behind a sub-meter, with a rest at each level", () => {
    const result = building(
      [meter("house"), meter("workshop", "house"), meter("lathe", "workshop")],
      readings({ house: use(800), workshop: use(300), lathe: use(120) }),
    );
    expect(outline(result)).toEqual([
      ["meter", "house", 0, 800, 100, null],
      ["meter", "workshop", 1, 300, 37.5, 37.5],
      ["meter", "lathe", 2, 120, 15, 40],
      ["rest", "workshop", 2, 180, 22.5, 60],
      ["rest", "house", 1, 500, 62.5, 62.5],
    ]);
    expect(result.total.importKwh).toBe(800);
  });

  it("answers for a single meter: one row, 100 %", () => {
    const result = building([meter("meter")], readings({ meter: use(42, { netCost: 12, energyCost: 10 }) }));
    expect(outline(result)).toEqual([["meter", "meter", 0, 42, 100, null]]);
    expect(result.rows[0]?.costShare).toBe(100);
    expect(result.total).toEqual({ importKwh: 42, exportKwh: null, cost: 12, complete: true });
  });

  it("shows a meter that never pushed with nulls and the reason, and says the total is incomplete", () => {
    const result = building(HOUSE, readings({ house: use(900), workshop: use(100), "heat-pump": use(200) }));
    const flat = result.rows.find((row) => row.meter.id === "flat-2");
    expect(flat).toMatchObject({ importKwh: null, share: null, cost: null, reason: "not-heard" });
    expect(result.total).toEqual({ importKwh: 900, exportKwh: null, cost: null, complete: false });
    expect(result.rows[0]?.share).toBe(100);
  });

  it("leaves the rest unknown while a sub-meter or the meter itself has no data", () => {
    const noSub = building(HOUSE, readings({ house: use(900), workshop: { missing: "no-data" } }));
    expect(noSub.rows[3]).toMatchObject({ kind: "rest", importKwh: null, reason: "sub-meter-missing" });
    expect(noSub.rows[1]).toMatchObject({ kind: "meter", importKwh: null, reason: "no-data" });
    const noParent = building(
      HOUSE,
      readings({ workshop: use(100), "heat-pump": use(200), "flat-2": use(300) }),
    );
    expect(noParent.rows[3]).toMatchObject({ kind: "rest", importKwh: null, reason: "parent-missing" });
    // The sub-meters' shares are of a building that is known without the house: its flat alone.
    expect(noParent.total).toMatchObject({ importKwh: 300, complete: false });
    expect(noParent.rows[1]).toMatchObject({ shareOfParent: null });
  });

  it("flags a rest below zero: the sub-meters measured more than their meter", () => {
    const result = building(HOUSE, readings({ house: use(300), workshop: use(250), "heat-pump": use(100) }));
    expect(result.rows[3]).toMatchObject({ kind: "rest", reason: "negative-rest" });
    expect(result.rows[3]?.importKwh).toBeCloseTo(-50, 9);
    const exact = building(HOUSE, readings({ house: use(0.3), workshop: use(0.1), "heat-pump": use(0.2) }));
    // 0.3 − 0.1 − 0.2 is −2.8e−17 in doubles: float noise, not a finding.
    expect(exact.rows[3]).toMatchObject({ kind: "rest", reason: null });
  });

  it("gives no shares when the building used nothing", () => {
    const result = building(HOUSE.slice(0, 1), readings({ house: use(0) }));
    expect(result.rows[0]).toMatchObject({ importKwh: 0, share: null });
  });

  it("never double counts and its shares add up, for any tree of meters", () => {
    const forest = fc.integer({ min: 1, max: 9 }).chain((count) =>
      fc.tuple(
        // Meter i is behind one of the meters before it, or behind none: every tree the options allow.
        fc.tuple(...Array.from({ length: count }, (_, i) => fc.integer({ min: -1, max: i - 1 }))),
        fc.array(fc.integer({ min: 1, max: 5_000_000 }), { minLength: count, maxLength: count }),
      ),
    );
    fc.assert(
      fc.property(forest, ([parents, wattHours]) => {
        const meters = parents.map((parent, i) => meter(`m${i}`, parent < 0 ? null : `m${parent}`));
        const table = Object.fromEntries(
          wattHours.map((wh, i) => [`m${i}`, use(wh / 1000, { netCost: wh / 5000, energyCost: wh / 6000 })]),
        );
        const result = building(meters, readings(table));
        const tops = meters.filter((m) => m.behind === null);
        const topKwh = tops.reduce((sum, m) => sum + wattHours[Number(m.id.slice(1))]! / 1000, 0);
        expect(result.total.importKwh).toBeCloseTo(topKwh, 6);
        const rows = result.rows;
        // To 1e-6 %: a rest below zero subtracts kWh in the thousands, which leaves float error near
        // 1e-8 %; the API rounds shares to 1e-4 %.
        const sumOf = (list: typeof rows, pick: (row: (typeof rows)[number]) => number | null) =>
          list.reduce((sum, row) => sum + (pick(row) ?? Number.NaN), 0);
        const topRows = rows.filter((row) => row.depth === 0);
        expect(sumOf(topRows, (row) => row.share)).toBeCloseTo(100, 6);
        expect(sumOf(topRows, (row) => row.costShare)).toBeCloseTo(100, 6);
        // The rows that no other row splits further (a meter with nothing behind it, or a rest) are
        // the building cut into pieces: 100 % of its energy and of its cost, every kWh once.
        const split = new Set(rows.filter((row) => row.kind === "rest").map((row) => row.meter.id));
        const leaves = rows.filter((row) => row.kind === "rest" || !split.has(row.meter.id));
        expect(sumOf(leaves, (row) => row.share)).toBeCloseTo(100, 6);
        expect(sumOf(leaves, (row) => row.costShare)).toBeCloseTo(100, 6);
        expect(sumOf(leaves, (row) => row.importKwh)).toBeCloseTo(topKwh, 6);
        // Under each meter, its sub-meters and its rest make up exactly its share.
        for (const row of rows.filter((r) => r.kind === "meter" && split.has(r.meter.id))) {
          const under = rows.filter(
            (r) =>
              r.depth === row.depth + 1 && (r.kind === "rest" ? r.meter.id : r.meter.behind) === row.meter.id,
          );
          expect(sumOf(under, (r) => r.share)).toBeCloseTo(row.share!, 6);
          expect(sumOf(under, (r) => r.shareOfParent)).toBeCloseTo(100, 6);
        }
        expect(rows.filter((row) => row.kind === "meter")).toHaveLength(meters.length);
      }),
      { numRuns: 300 },
    );
  });
});
