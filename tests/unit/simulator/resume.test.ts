/** The virtual meter resumes its registers from a previous run, so totals never go down across restarts. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LoadModel } from "../../../src/simulator/load-model.js";
import { loadCounters, saveCounters } from "../../../src/simulator/saved-counters.js";

const START = Date.UTC(2026, 5, 1, 18);

describe("resuming the virtual meter", () => {
  it("starts a later run from the counters the earlier run ended with", async () => {
    const first = new LoadModel({ seed: 7, start: START });
    const before = first.advanceTo(START + 3_600_000).energy;
    const file = join(mkdtempSync(join(tmpdir(), "e450-resume-")), "virtual-meter.json");
    saveCounters(file, first.counterState());

    const resumed = await loadCounters(file);
    expect(resumed).not.toBeNull();
    // A day later: the meter was off meanwhile, so it continues where it stopped.
    const laterStart = START + 86_400_000;
    const second = new LoadModel({ seed: 7, start: laterStart, resumeFrom: resumed! });
    const after = second.advanceTo(laterStart + 60_000).energy;
    expect(after.activeImport.total).toBeGreaterThanOrEqual(before.activeImport.total);
    expect(after.activeImport.total - before.activeImport.total).toBeLessThan(1_000);

    // Without the saved counters, the seeded reading would have been lower than the first run's end.
    const fresh = new LoadModel({ seed: 7, start: laterStart }).advanceTo(laterStart + 60_000).energy;
    expect(fresh.activeImport.total).toBeLessThan(before.activeImport.total);
  });

  it("ignores a missing or damaged file", async () => {
    const folder = mkdtempSync(join(tmpdir(), "e450-resume-"));
    expect(await loadCounters(join(folder, "absent.json"))).toBeNull();
    writeFileSync(join(folder, "bad.json"), '{"activeImport":[1,-2]}');
    expect(await loadCounters(join(folder, "bad.json"))).toBeNull();
  });
});
