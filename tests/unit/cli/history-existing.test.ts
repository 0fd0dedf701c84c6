import { describe, expect, it } from "vitest";
import { partitionByExisting } from "../../../src/cli/history-existing.js";
import type { IntervalSource, StoredInterval } from "../../../src/store/types.js";

const T0 = Date.UTC(2024, 5, 1, 10);
const QUARTER = 15 * 60_000;

function interval(quarter: number, quarters: number, kwh: number, source: IntervalSource): StoredInterval {
  return {
    startMs: T0 + quarter * QUARTER,
    endMs: T0 + (quarter + quarters) * QUARTER,
    importKwh: kwh,
    exportKwh: null,
    source,
  };
}

describe("partitionByExisting", () => {
  it("writes everything into an empty store", () => {
    const incoming = [interval(0, 4, 1, "imported"), interval(4, 4, 2, "imported")];
    expect(partitionByExisting(incoming, [])).toEqual({ toWrite: incoming, keptIdentical: 0, keptLive: 0 });
  });

  it("keeps identical imported rows, so a second import writes nothing", () => {
    const incoming = [interval(0, 4, 1, "imported"), interval(4, 4, 2, "imported")];
    expect(partitionByExisting(incoming, incoming)).toEqual({ toWrite: [], keptIdentical: 2, keptLive: 0 });
  });

  it("sends a corrected imported row to the store", () => {
    const corrected = interval(0, 4, 1.5, "imported");
    expect(partitionByExisting([corrected], [interval(0, 4, 1, "imported")])).toEqual({
      toWrite: [corrected],
      keptIdentical: 0,
      keptLive: 0,
    });
  });

  it("drops an hourly row that overlaps any live or estimated quarter-hour, even with another start", () => {
    const hours = [
      interval(0, 4, 1, "imported"),
      interval(4, 4, 2, "imported"),
      interval(8, 4, 3, "imported"),
    ];
    const stored = [interval(1, 1, 0.2, "live"), interval(6, 1, 0.1, "estimated")];
    expect(partitionByExisting(hours, stored)).toEqual({
      toWrite: [hours[2]],
      keptIdentical: 0,
      keptLive: 2,
    });
  });

  it("does not count a live row that only touches the hour's end", () => {
    const hour = interval(0, 4, 1, "imported");
    expect(partitionByExisting([hour], [interval(4, 1, 0.2, "live")]).toWrite).toEqual([hour]);
  });
});
