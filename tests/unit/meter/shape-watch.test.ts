/** A meter's set of codes: learned while it settles, then a sudden swap is refused once. */
import { describe, expect, it } from "vitest";
import { ShapeWatch } from "../../../src/meter/shape-watch.js";
import type { Snapshot } from "../../../src/model/snapshot.js";
import { numberReading, pushWith } from "../../fixtures/mqtt/e450-snapshots.js";

function list(...codes: string[]): Snapshot {
  return pushWith(codes.map((code) => numberReading(code, 1, 0, null)));
}

const FIVE_SECOND = ["1-0:32.7.0.255", "1-0:31.7.0.255", "1-0:71.7.0.255", "1-0:1.7.0.255"];

function stable(): ShapeWatch {
  const watch = new ShapeWatch();
  for (let i = 0; i < 3; i++) expect(watch.observe(list(...FIVE_SECOND)).ok).toBe(true);
  return watch;
}

describe("ShapeWatch", () => {
  it("learns every shape while the meter settles", () => {
    const watch = new ShapeWatch();
    expect(watch.observe(list("1-0:71.135.0.255")).ok).toBe(true);
    expect(watch.observe(list(...FIVE_SECOND)).ok).toBe(true);
  });

  it("refuses a list with a code swapped once the list is stable, and learns it when it comes again", () => {
    const watch = stable();
    const swapped = FIVE_SECOND.map((code) => (code === "1-0:71.7.0.255" ? "1-0:71.135.0.255" : code));
    expect(watch.observe(list(...swapped))).toEqual({
      ok: false,
      why: "the meter's push list changed suddenly: 1-0:71.135.0.255 instead of 1-0:71.7.0.255",
    });
    expect(watch.observe(list(...FIVE_SECOND)).ok).toBe(true);
    expect(watch.observe(list(...swapped)).ok).toBe(true);
    expect(watch.observe(list(...swapped)).ok).toBe(true);
  });

  it("refuses a swap between two known codes too (voltage L1 read as power factor L1)", () => {
    const watch = stable();
    const swapped = FIVE_SECOND.map((code) => (code === "1-0:32.7.0.255" ? "1-0:33.7.0.255" : code));
    expect(watch.observe(list(...swapped)).ok).toBe(false);
  });

  it("learns a second list of known codes (the Swiss minute list) at once", () => {
    const watch = stable();
    expect(watch.observe(list(...FIVE_SECOND, "0-0:96.1.0.255", "1-1:1.8.0.255", "1-1:2.8.0.255")).ok).toBe(
      true,
    );
  });

  it("refuses a new code outside the register table on a stable stream, once", () => {
    const watch = stable();
    const extended = [...FIVE_SECOND, "1-0:1.8.0.255", "1-0:71.135.0.255", "1-0:2.8.0.255"];
    expect(watch.observe(list(...extended))).toEqual({
      ok: false,
      why: "the meter suddenly sent a code outside the register table: 1-0:71.135.0.255",
    });
    expect(watch.observe(list(...extended)).ok).toBe(true);
  });
});
