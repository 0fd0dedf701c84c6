/**
 * The tariff and Home Assistant options through loadOptions: the same keys in a YAML file given to
 * `e450 run --config` and in the add-on's options, and the files they name found next to each.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeLoadFailure, type LoadOptionsRequest, loadOptions } from "../../../src/config/load.js";

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "e450-load-tariff-"));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function write(name: string, text: string): Promise<string> {
  const file = join(folder, name);
  await mkdir(join(file, ".."), { recursive: true });
  await writeFile(file, text);
  return file;
}

const load = (request: LoadOptionsRequest) =>
  loadOptions({ addonOptionsFile: join(folder, "absent-options.json"), ...request });

describe("loadOptions with a tariff", () => {
  it("reads the issue's options file: the virtual meter with a fixed CHF price, analytics on", async () => {
    const file = await write(
      "e450-fixed.yaml",
      "meter:\n  connection: virtual\ntariff:\n  currency: CHF\n  import_price: 0.30\n",
    );
    const result = await load({ configFile: file });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.options.tariff).toMatchObject({
      currency: "CHF",
      versions: [{ import: { kind: "fixed", pricePerKwh: 0.3 } }],
    });
    expect(result.options.analytics).toMatchObject({ forecast: true, anomalies: true });
    expect(result.options.homeAssistant).toEqual({ kind: "none" });
  });

  it("has no tariff without the tariff group", async () => {
    const file = await write(
      "e450-none.yaml",
      "meter:\n  connection: virtual\nanalytics:\n  forecast: false\n",
    );
    const result = await load({ configFile: file });
    expect(result.ok && result.options.tariff).toBeNull();
    expect(result.ok && result.options.analytics.forecast).toBe(false);
  });

  it("reads the tariff file next to a --config file; the file wins over the other tariff options", async () => {
    await write(
      "plain/tariffs/home.yaml",
      "currency: EUR\nversions:\n  - valid_from: 2026-01-01\n    import: {kind: fixed, price: 0.149}\n",
    );
    const file = await write(
      "plain/e450.yaml",
      "meter:\n  connection: virtual\ntariff:\n  currency: CHF\n  import_price: 0.30\n  time_zone: Europe/Vienna\n  file: tariffs/home.yaml\n",
    );
    const result = await load({ configFile: file });
    expect(result.ok && result.options.tariff).toEqual({
      timeZone: "Europe/Vienna",
      currency: "EUR",
      versions: [{ validFrom: "2026-01-01", import: { kind: "fixed", pricePerKwh: 0.149 } }],
    });
  });

  it("reads the add-on's tariff file from its config folder and uses the Supervisor for prices", async () => {
    const configDir = join(folder, "addon-config");
    await write(
      "addon-config/tariff.yaml",
      "currency: SEK\nversions:\n  - valid_from: 2026-01-01\n    import: {kind: dynamic, entity: sensor.nord_pool_se3_current_price}\n",
    );
    const options = await write(
      "addon-data/options.json",
      JSON.stringify({
        meter: { connection: "virtual" },
        tariff: { file: "tariff.yaml", time_of_use: [], capacity: { steps: [] } },
      }),
    );
    const result = await loadOptions({
      addonOptionsFile: options,
      addonConfigDir: configDir,
      dataDir: folder,
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.options.tariff?.versions[0]?.import).toMatchObject({
      kind: "dynamic",
      series: { kind: "entity", entityId: "sensor.nord_pool_se3_current_price" },
    });
    expect(result.options.homeAssistant).toEqual({ kind: "supervisor" });
  });

  it("reports the tariff file's problems by their path in the file, together with other problems", async () => {
    await write(
      "bad/tariff.yaml",
      "currency: CHF\nversions:\n  - valid_from: 2026-01-01\n    import: {kind: fixed, price: -1}\n",
    );
    const file = await write(
      "bad/e450.yaml",
      "meter:\n  connection: virtual\ntariff:\n  file: tariff.yaml\n",
    );
    const result = await load({ configFile: file, mqttUrl: "http://broker" });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const printed = describeLoadFailure(result);
    expect(printed).toContain(
      "  - tariff.yaml: versions[0].import.price: expected a number of at least 0, got -1",
    );
    expect(printed).toContain("  - --mqtt:");
  });

  it("asks for Home Assistant's address when a standalone run needs prices from it", async () => {
    const file = await write(
      "e450-dynamic.yaml",
      "meter:\n  connection: virtual\ntariff:\n  currency: SEK\n  dynamic_price_entity: sensor.nord_pool_se3_current_price\n",
    );
    const result = await load({ configFile: file });
    expect(result.ok ? [] : result.problems).toEqual([
      {
        path: "homeassistant.url",
        message: expect.stringContaining(
          "required outside the add-on when prices come from the Home Assistant entity sensor.nord_pool_se3_current_price",
        ),
      },
    ]);
  });

  it("reads the token from homeassistant.token_file, relative to the options file, and never prints it", async () => {
    await write("ha/token", "llat-0123456789abcdef\n");
    const file = await write(
      "ha/e450.yaml",
      "meter:\n  connection: virtual\ntariff:\n  currency: SEK\n  dynamic_price_entity: sensor.nord_pool_se3_current_price\nhomeassistant:\n  url: http://homeassistant.local:8123\n  token_file: token\n",
    );
    const result = await load({ configFile: file });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const target = result.options.homeAssistant;
    expect(target.kind === "url" && target.token.reveal()).toBe("llat-0123456789abcdef");
    expect(JSON.stringify(result.options)).not.toContain("llat-0123456789abcdef");

    await write("ha/empty-token", "\n");
    const empty = await write(
      "ha/e450-empty.yaml",
      "meter:\n  connection: virtual\nhomeassistant:\n  url: http://ha:8123\n  token_file: empty-token\n",
    );
    const refused = await load({ configFile: empty });
    expect(refused.ok ? [] : refused.problems).toEqual([
      {
        path: "homeassistant.token_file",
        message: expect.stringMatching(/empty-token is empty; expected the token on its one line$/),
      },
    ]);
  });
});
