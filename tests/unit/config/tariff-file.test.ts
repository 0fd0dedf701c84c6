/** The tariff file: its shape → Tariff, and every problem named by its place in the file, at once. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTariffFile, parseTariffFile } from "../../../src/config/tariff-file.js";

const parse = (document: unknown) => parseTariffFile(document, "tariff.yaml", "Europe/Zurich");
const problemsOf = (document: unknown) => {
  const result = parse(document);
  return result.ok ? [] : result.problems;
};
const fixed = (validFrom: string, price = 0.3) => ({
  valid_from: validFrom,
  import: { kind: "fixed", price },
});

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "e450-tariff-"));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe("tariff file → Tariff", () => {
  it("reads versions, time of use, dynamic feed-in, capacity and holidays from YAML text", async () => {
    await writeFile(
      join(folder, "tariff.yaml"),
      `currency: EUR
time_zone: Europe/Brussels
holidays: [2026-07-21]
versions:
  - valid_from: 2025-01-01
    import: { kind: fixed, price: 0.14 }
  - valid_from: 2026-01-01
    import:
      kind: time-of-use
      otherwise: 0.12
      rates:
        - name: day
          price: 0.16
          windows:
            - { weekdays: [1, 2, 3, 4, 5], from_hour: 7, to_hour: 22 }
            - { weekdays: [6], from_hour: 8.5, to_hour: 12, months: [12] }
    export: { kind: dynamic, entity: sensor.nord_pool_be_current_price, markup: -0.01 }
    levies_per_kwh: 0.08
    standing_charge_per_month: 4
    vat_percent: 6
    capacity: { kind: monthly-15min-peak, price_per_kw_month: 3.37, minimum_kw: 2.5 }
    holidays: [2026-12-25, 2026-07-21]
`,
    );
    const result = await loadTariffFile("tariff.yaml", folder, "Europe/Zurich");
    expect(result).toEqual({
      ok: true,
      alternatives: {},
      tariff: {
        timeZone: "Europe/Brussels",
        currency: "EUR",
        versions: [
          { validFrom: "2025-01-01", import: { kind: "fixed", pricePerKwh: 0.14 }, holidays: ["2026-07-21"] },
          {
            validFrom: "2026-01-01",
            import: {
              kind: "time-of-use",
              otherwisePerKwh: 0.12,
              rates: [
                {
                  name: "day",
                  pricePerKwh: 0.16,
                  windows: [
                    { fromHour: 7, toHour: 22, weekdays: [1, 2, 3, 4, 5] },
                    { fromHour: 8.5, toHour: 12, weekdays: [6], months: [12] },
                  ],
                },
              ],
            },
            export: {
              kind: "dynamic",
              series: { kind: "entity", entityId: "sensor.nord_pool_be_current_price" },
              markupPerKwh: -0.01,
            },
            importLeviesPerKwh: 0.08,
            standingChargePerMonth: 4,
            vatRate: 0.06,
            capacity: { kind: "monthly-15min-peak", pricePerKwMonth: 3.37, minimumKw: 2.5 },
            holidays: ["2026-07-21", "2026-12-25"],
          },
        ],
      },
    });
  });

  it("takes the zone from the options or the host when the file names none, and Norway's steps", () => {
    const result = parse({
      currency: "NOK",
      versions: [
        {
          valid_from: "2026-01-01",
          import: { kind: "fixed", price: 0.5 },
          capacity: { kind: "top3-daily-hourly-peaks", steps: [{ up_to_kw: 2, price_per_month: 130 }] },
        },
      ],
    });
    expect(result.ok && result.tariff.timeZone).toBe("Europe/Zurich");
    expect(result.ok && result.tariff.versions[0]?.capacity).toEqual({
      kind: "top3-daily-hourly-peaks",
      steps: [{ upToKw: 2, pricePerMonth: 130 }],
    });
  });

  it("names the file when it cannot be read or parsed", async () => {
    const missing = await loadTariffFile("absent.yaml", folder, "UTC");
    expect(missing).toEqual({
      ok: false,
      problems: [{ path: "tariff.file", message: expect.stringMatching(/^cannot read .*absent\.yaml: /) }],
    });
    await writeFile(join(folder, "broken.yaml"), "currency: [CHF\n");
    const broken = await loadTariffFile(join(folder, "broken.yaml"), "/elsewhere", "UTC");
    expect(broken.ok ? [] : broken.problems).toEqual([
      { path: "tariff.file", message: expect.stringMatching(/broken\.yaml: not valid YAML at line \d+/) },
    ]);
  });
});

describe("tariff file alternatives (tariffs to compare with)", () => {
  const FLAT =
    "currency: CHF\nversions:\n  - valid_from: '2026-01-01'\n    import: {kind: fixed, price: 0.3}\n";

  it("reads each named alternative from its own file, relative to the tariff file, in its zone", async () => {
    await writeFile(join(folder, "tou.yaml"), FLAT.replace("0.3", "0.25"));
    await writeFile(join(folder, "tariff.yaml"), `${FLAT}alternatives:\n  night-25: tou.yaml\n`);
    const result = await loadTariffFile("tariff.yaml", folder, "Europe/Zurich");
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(Object.keys(result.alternatives)).toEqual(["night-25"]);
    expect(result.alternatives["night-25"]).toMatchObject({
      timeZone: "Europe/Zurich",
      currency: "CHF",
      versions: [{ validFrom: "2026-01-01", import: { kind: "fixed", pricePerKwh: 0.25 } }],
    });
  });

  it("names the alternative whose file is missing, broken, or has alternatives of its own, and bad names", async () => {
    await writeFile(join(folder, "nested.yaml"), `${FLAT}alternatives:\n  x: tariff.yaml\n`);
    await writeFile(join(folder, "bad.yaml"), "currency: chf\nversions: []\n");
    await writeFile(
      join(folder, "tariff.yaml"),
      `${FLAT}alternatives:\n  gone: absent.yaml\n  nested: nested.yaml\n  bad: bad.yaml\n`,
    );
    const result = await loadTariffFile("tariff.yaml", folder, "UTC");
    const problems = result.ok ? [] : result.problems.map((problem) => problem.path);
    expect(problems).toEqual([
      "tariff.yaml: alternatives.gone",
      "nested.yaml: alternatives",
      expect.stringMatching(/^bad\.yaml: /),
      expect.stringMatching(/^bad\.yaml: /),
    ]);
    const named = parseTariffFile(
      { currency: "CHF", versions: [], alternatives: { "Bad Name": "x.yaml" } },
      "t",
      "UTC",
    );
    expect(named.ok ? [] : named.problems.map((problem) => problem.path)).toContain("t: alternatives");
  });
});

describe("tariff file problems", () => {
  it.each([
    ["no currency", { versions: [fixed("2026-01-01")] }, "tariff.yaml: currency", "required"],
    [
      "a currency nobody uses",
      { currency: "ABC", versions: [fixed("2026-01-01")] },
      "tariff.yaml: currency",
      "expected an ISO 4217 code of a currency in use",
    ],
    ["no versions", { currency: "CHF", versions: [] }, "tariff.yaml: versions", "expected a list"],
    [
      "an unknown top-level key",
      { currency: "CHF", versions: [fixed("2026-01-01")], vat: 8 },
      "tariff.yaml: vat",
      "unknown option (the options here are: currency, time_zone, holidays, versions, alternatives)",
    ],
    [
      "a price kind that does not exist",
      { currency: "CHF", versions: [{ valid_from: "2026-01-01", import: { kind: "flat", price: 1 } }] },
      "tariff.yaml: versions[0].import.kind",
      'expected one of "fixed", "time-of-use", "dynamic", got "flat"',
    ],
    [
      "a price without a kind",
      { currency: "CHF", versions: [{ valid_from: "2026-01-01", import: { price: 1 } }] },
      "tariff.yaml: versions[0].import.kind",
      'required: one of "fixed", "time-of-use", "dynamic"',
    ],
    [
      "a field of another kind",
      {
        currency: "CHF",
        versions: [{ valid_from: "2026-01-01", import: { kind: "fixed", price: 1, markup: 0.1 } }],
      },
      "tariff.yaml: versions[0].import.markup",
      "unknown option (the options here are: kind, price)",
    ],
    [
      "an hour past 24",
      {
        currency: "CHF",
        versions: [
          {
            valid_from: "2026-01-01",
            import: {
              kind: "time-of-use",
              otherwise: 0.2,
              rates: [{ name: "h", price: 0.3, windows: [{ from_hour: 25, to_hour: 6 }] }],
            },
          },
        ],
      },
      "tariff.yaml: versions[0].import.rates[0].windows[0].from_hour",
      "expected a number from 0 to 24, got 25",
    ],
    [
      "a window starting at 24",
      {
        currency: "CHF",
        versions: [
          {
            valid_from: "2026-01-01",
            import: {
              kind: "time-of-use",
              otherwise: 0.2,
              rates: [{ name: "h", price: 0.3, windows: [{ from_hour: 24, to_hour: 6 }] }],
            },
          },
        ],
      },
      "tariff.yaml: versions[0].import.rates[0].windows[0].from_hour",
      "expected an hour from 0 to 23.99",
    ],
    [
      "an empty window",
      {
        currency: "CHF",
        versions: [
          {
            valid_from: "2026-01-01",
            import: {
              kind: "time-of-use",
              otherwise: 0.2,
              rates: [{ name: "h", price: 0.3, windows: [{ from_hour: 7, to_hour: 7 }] }],
            },
          },
        ],
      },
      "tariff.yaml: versions[0].import.rates[0].windows[0].to_hour",
      "expected an hour other than from_hour (7)",
    ],
    [
      "weekday 8",
      {
        currency: "CHF",
        versions: [
          {
            valid_from: "2026-01-01",
            import: {
              kind: "time-of-use",
              otherwise: 0.2,
              rates: [{ name: "h", price: 0.3, windows: [{ weekdays: [1, 8], from_hour: 7, to_hour: 20 }] }],
            },
          },
        ],
      },
      "tariff.yaml: versions[0].import.rates[0].windows[0].weekdays[1]",
      "expected a whole number from 1 to 7, got 8",
    ],
    [
      "VAT over 100 %",
      { currency: "CHF", versions: [{ ...fixed("2026-01-01"), vat_percent: 101 }] },
      "tariff.yaml: versions[0].vat_percent",
      "expected a number from 0 to 100, got 101",
    ],
    [
      "a holiday that does not exist",
      { currency: "CHF", holidays: ["2026-02-29"], versions: [fixed("2026-01-01")] },
      "tariff.yaml: holidays[0]",
      'expected a date that exists, written YYYY-MM-DD, got "2026-02-29"',
    ],
    [
      "versions out of order",
      { currency: "CHF", versions: [fixed("2026-01-01"), fixed("2025-01-01")] },
      "tariff.yaml: versions[1].valid_from",
      "expected a date after versions[0].valid_from (2026-01-01); 2025-01-01 is before it",
    ],
    [
      "two versions on one day",
      { currency: "CHF", versions: [fixed("2026-01-01"), fixed("2026-01-01")] },
      "tariff.yaml: versions[1].valid_from",
      "2026-01-01 is the same day as it",
    ],
    [
      "capacity steps out of order",
      {
        currency: "NOK",
        versions: [
          {
            ...fixed("2026-01-01"),
            capacity: {
              kind: "top3-daily-hourly-peaks",
              steps: [
                { up_to_kw: 5, price_per_month: 1 },
                { up_to_kw: 5, price_per_month: 2 },
              ],
            },
          },
        ],
      },
      "tariff.yaml: versions[0].capacity.steps[1].up_to_kw",
      "expected more than the step before (5 kW)",
    ],
    [
      "a time zone that does not exist",
      { currency: "CHF", time_zone: "CET+1", versions: [fixed("2026-01-01")] },
      "tariff.yaml: time_zone",
      "expected an IANA time zone",
    ],
    ["a file that is a list", [1, 2], "tariff.yaml", "expected a group of options (name: value), got a list"],
  ])("%s", (_label, document, path, message) => {
    expect(problemsOf(document)).toContainEqual({ path, message: expect.stringContaining(message) });
  });

  it("reports every problem of the file at once, each once", () => {
    const problems = problemsOf({
      currency: "chf",
      versions: [
        { valid_from: "2026-13-01", import: { kind: "fixed", price: -1 } },
        {
          valid_from: "2026-01-01",
          import: {
            kind: "time-of-use",
            otherwise: 0.2,
            rates: [{ name: "h", price: 0.3, windows: [{ from_hour: 7, to_hour: 25 }] }],
          },
        },
      ],
    });
    expect(problems.map((problem) => problem.path)).toEqual([
      "tariff.yaml: currency",
      "tariff.yaml: versions[0].import.price",
      "tariff.yaml: versions[1].import.rates[0].windows[0].to_hour",
      "tariff.yaml: versions[0].valid_from",
    ]);
  });
});
