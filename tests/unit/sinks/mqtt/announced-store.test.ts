/** The record of announced discovery configs: a damaged file is said, kept aside and rebuilt. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Logger } from "../../../../src/logging/logger.js";
import { type AnnouncedDevice, JsonFileAnnouncedStore } from "../../../../src/sinks/mqtt/announced-store.js";

const DEVICE: AnnouncedDevice = {
  configTopic: "homeassistant/device/e450_oldmeter/config",
  meterKey: "oldmeter",
  components: {
    energy_import: {
      platform: "sensor",
      unique_id: "e450_oldmeter_energy_import",
      default_entity_id: "sensor.e450_energy_import",
      name: "Energy import",
      state_topic: "e450/meter/oldmeter/energy_import",
    },
  },
};
const NOW = Date.UTC(2026, 10, 28, 13, 0, 0);

describe("JsonFileAnnouncedStore", () => {
  let folder: string;
  let file: string;
  let warnings: { message: string; fields?: Readonly<Record<string, unknown>> }[];
  let store: JsonFileAnnouncedStore;

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), "e450-announced-"));
    file = join(folder, "mqtt-announced.json");
    warnings = [];
    const logger: Logger = {
      debug() {},
      info() {},
      warn: (message, fields) => warnings.push(fields ? { message, fields } : { message }),
      error() {},
    };
    store = new JsonFileAnnouncedStore(file, logger, () => NOW);
  });

  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it("reads back what it saved, and says nothing when there is no file yet", () => {
    expect(store.load()).toEqual([]);
    store.save([DEVICE]);
    expect(store.load()).toEqual([DEVICE]);
    expect(warnings).toEqual([]);
  });

  it("warns about a file that is not JSON, moves it aside unchanged and starts a new record", () => {
    writeFileSync(file, '{"version": 1, "devices": [');
    expect(store.load()).toEqual([]);
    const aside = `${file}.corrupt-2026-11-28T13-00-00-000Z`;
    expect(readdirSync(folder)).toEqual(["mqtt-announced.json.corrupt-2026-11-28T13-00-00-000Z"]);
    expect(readFileSync(aside, "utf8")).toBe('{"version": 1, "devices": [');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toMatch(
      new RegExp(
        `^The list of announced Home Assistant entities ${file} is damaged \\(not JSON: .+\\); moved it to ${aside}`,
      ),
    );
    expect(warnings[0]?.message).toContain("must be deleted in Home Assistant by hand");
    store.save([DEVICE]);
    expect(store.load()).toEqual([DEVICE]);
  });

  it("keeps the devices that can be read and says how many could not", () => {
    writeFileSync(file, JSON.stringify({ version: 1, devices: [DEVICE, { configTopic: 7 }] }));
    expect(store.load()).toEqual([DEVICE]);
    expect(warnings.map(({ message }) => message)).toEqual([
      expect.stringContaining("is damaged (1 of 2 device entries are not valid)"),
    ]);
    expect(warnings[0]?.message).toContain("kept the 1 device that could be read");
    expect(readdirSync(folder)).toHaveLength(1);
  });

  it("warns about a document of the wrong shape", () => {
    writeFileSync(file, "[]");
    expect(store.load()).toEqual([]);
    expect(warnings[0]?.fields).toEqual({ file, problem: 'expected {"version": 1, "devices": [...]}' });
  });
});
