/**
 * Reads the tariff file that `tariff.file` names: YAML (or JSON) in the add-on's config folder, which
 * the add-on sees as /config (config.yaml `map: addon_config`), or next to the options file when run
 * standalone. Validated as eagerly as the options: every problem at once, each named by its path
 * inside the file ("tariff.yaml: versions[1].import.rates[0].windows[0].from_hour: …").
 */
import { dirname, isAbsolute, resolve as resolvePath } from "node:path";
import { Ajv } from "ajv";
import type { CapacityTariff, EnergyPrice, Tariff, TariffVersion } from "../analytics/cost/types.js";
import { problemFromAjvError } from "./ajv-messages.js";
import type { ConfigProblem } from "./problems.js";
import { readOptionsDocument } from "./read-document.js";
import { checkDate } from "./rules.js";
import { TARIFF_FILE_SCHEMA } from "./tariff-file-schema.js";
import { checkCurrency, checkSteps, checkTimeZone } from "./tariff-rules.js";

const ajv = new Ajv({
  allErrors: true,
  verbose: true,
  coerceTypes: true,
  strict: true,
  // The discriminator's `required: ["kind"]` names a property its oneOf branches declare.
  strictRequired: false,
  discriminator: true,
});
ajv.addKeyword({ keyword: "x-expected", schemaType: "string" });
const validateSchema = ajv.compile(TARIFF_FILE_SCHEMA);

/** The file as the schema admits it. */
interface FileWindow {
  weekdays?: number[];
  from_hour: number;
  to_hour: number;
  months?: number[];
}
type FilePrice =
  | { kind: "fixed"; price: number }
  | {
      kind: "time-of-use";
      rates: { name: string; price: number; windows: FileWindow[] }[];
      otherwise: number;
    }
  | { kind: "dynamic"; entity: string; markup?: number };
type FileCapacity =
  | { kind: "monthly-15min-peak"; price_per_kw_month: number; minimum_kw?: number }
  | { kind: "top3-daily-hourly-peaks"; steps: { up_to_kw: number; price_per_month: number }[] };
interface FileVersion {
  valid_from: string;
  import: FilePrice;
  export?: FilePrice;
  levies_per_kwh?: number;
  standing_charge_per_day?: number;
  standing_charge_per_month?: number;
  vat_percent?: number;
  capacity?: FileCapacity;
  holidays?: string[];
}
interface TariffFile {
  currency: string;
  time_zone?: string;
  holidays?: string[];
  versions: FileVersion[];
  alternatives?: Record<string, string>;
}

type Failed = { readonly ok: false; readonly problems: readonly ConfigProblem[] };

/** One parsed file: its tariff, and the files of the tariffs to compare with, by name. */
export type ParsedTariffFile =
  | {
      readonly ok: true;
      readonly tariff: Tariff;
      readonly alternativeFiles: Readonly<Record<string, string>>;
    }
  | Failed;

/** A tariff file with its alternatives read too. */
export type TariffFileResult =
  | {
      readonly ok: true;
      readonly tariff: Tariff;
      /** Tariffs to compare with, by name (the file's `alternatives`). */
      readonly alternatives: Readonly<Record<string, Tariff>>;
    }
  | Failed;

/**
 * `written` as the options give it; relative to `folder`. `defaultTimeZone` applies when the file
 * names none (the options' tariff.time_zone, else the host's).
 */
export async function loadTariffFile(
  written: string,
  folder: string,
  defaultTimeZone: string,
): Promise<TariffFileResult> {
  const file = isAbsolute(written) ? written : resolvePath(folder, written);
  const read = await readOptionsDocument(file, "tariff.file");
  if (!read.ok) return { ok: false, problems: [read.problem] };
  const main = parseTariffFile(read.document, written, defaultTimeZone);
  if (!main.ok) return main;
  const alternatives: Record<string, Tariff> = {};
  const problems: ConfigProblem[] = [];
  for (const [name, other] of Object.entries(main.alternativeFiles)) {
    const path = `${written}: alternatives.${name}`;
    const otherFile = isAbsolute(other) ? other : resolvePath(dirname(file), other);
    const document = await readOptionsDocument(otherFile, path);
    if (!document.ok) {
      problems.push(document.problem);
      continue;
    }
    // The same format; an alternative's own alternatives would compare with nothing, so none.
    const parsed = parseTariffFile(document.document, other, main.tariff.timeZone);
    if (!parsed.ok) problems.push(...parsed.problems);
    else if (Object.keys(parsed.alternativeFiles).length > 0)
      problems.push({ path: `${other}: alternatives`, message: "expected none in a tariff to compare with" });
    else alternatives[name] = parsed.tariff;
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, tariff: main.tariff, alternatives };
}

/** Validates a parsed document; `label` starts every problem's path. */
export function parseTariffFile(document: unknown, label: string, defaultTimeZone: string): ParsedTariffFile {
  const data = structuredClone(document);
  const valid = validateSchema(data);
  const problems: ConfigProblem[] = [];
  for (const error of validateSchema.errors ?? []) {
    const problem = problemFromAjvError(error);
    if (
      problem !== null &&
      !problems.some((known) => known.path === problem.path && known.message === problem.message)
    )
      problems.push(problem);
  }
  problems.push(...checkFile(data));
  if (!valid || problems.length > 0) {
    const within = (path: string) => (path === "(options)" ? label : `${label}: ${path}`);
    return { ok: false, problems: problems.map((problem) => ({ ...problem, path: within(problem.path) })) };
  }
  const file = data as TariffFile;
  return { ok: true, tariff: tariffOf(file, defaultTimeZone), alternativeFiles: file.alternatives ?? {} };
}

/** What the schema cannot say; each check looks only at values of the right shape. */
function checkFile(data: unknown): ConfigProblem[] {
  const root = (typeof data === "object" && data !== null ? data : {}) as Record<string, unknown>;
  const problems = [
    ...checkCurrency("currency", root["currency"]),
    ...checkTimeZone("time_zone", root["time_zone"]),
  ];
  problems.push(...checkHolidays("holidays", root["holidays"]));
  const versions = Array.isArray(root["versions"]) ? (root["versions"] as unknown[]) : [];
  let previous: { date: string; index: number } | undefined;
  versions.forEach((entry, index) => {
    const version = (typeof entry === "object" && entry !== null ? entry : {}) as Record<string, unknown>;
    const at = `versions[${index}]`;
    const validFrom = version["valid_from"];
    const dateProblems = checkDate(`${at}.valid_from`, validFrom);
    problems.push(...dateProblems);
    if (typeof validFrom === "string" && /^\d{4}-\d{2}-\d{2}$/.test(validFrom) && dateProblems.length === 0) {
      // Versions in date order, so that the file reads as the price history it is.
      if (previous !== undefined && validFrom <= previous.date) {
        const relation = validFrom === previous.date ? "the same day as" : "before";
        problems.push({
          path: `${at}.valid_from`,
          message: `expected a date after versions[${previous.index}].valid_from (${previous.date}); ${validFrom} is ${relation} it`,
        });
      }
      previous = { date: validFrom, index };
    }
    problems.push(...checkHolidays(`${at}.holidays`, version["holidays"]));
    for (const side of ["import", "export"]) problems.push(...checkWindows(`${at}.${side}`, version[side]));
    const capacity = version["capacity"] as { steps?: unknown } | undefined;
    problems.push(...checkSteps(`${at}.capacity.steps`, capacity?.steps, "up_to_kw"));
  });
  return problems;
}

function checkHolidays(path: string, holidays: unknown): ConfigProblem[] {
  if (!Array.isArray(holidays)) return [];
  return holidays.flatMap((day, index) => checkDate(`${path}[${index}]`, day));
}

/** A window starts before 24:00 and is not empty (from 00 to 24 is the whole day). */
function checkWindows(path: string, price: unknown): ConfigProblem[] {
  const rates = (price as { kind?: unknown; rates?: unknown } | undefined)?.rates;
  if (!Array.isArray(rates)) return [];
  return rates.flatMap((rate, r) => {
    const windows = (rate as { windows?: unknown } | null)?.windows;
    if (!Array.isArray(windows)) return [];
    return windows.flatMap((window, w): ConfigProblem[] => {
      const { from_hour: from, to_hour: to } = (window ?? {}) as { from_hour?: unknown; to_hour?: unknown };
      const at = `${path}.rates[${r}].windows[${w}]`;
      if (from === 24)
        return [{ path: `${at}.from_hour`, message: "expected an hour from 0 to 23.99: a day starts at 0" }];
      if (typeof from === "number" && from === to)
        return [
          {
            path: `${at}.to_hour`,
            message: `expected an hour other than from_hour (${from}); 0 to 24 is the whole day`,
          },
        ];
      return [];
    });
  });
}

function tariffOf(file: TariffFile, defaultTimeZone: string): Tariff {
  const shared = file.holidays ?? [];
  return {
    timeZone: file.time_zone ?? defaultTimeZone,
    currency: file.currency,
    versions: file.versions.map((version) => versionOf(version, shared)),
  };
}

function versionOf(version: FileVersion, sharedHolidays: readonly string[]): TariffVersion {
  const holidays = [...new Set([...sharedHolidays, ...(version.holidays ?? [])])].sort();
  return {
    validFrom: version.valid_from,
    import: priceOf(version.import),
    ...(version.export === undefined ? {} : { export: priceOf(version.export) }),
    ...(version.levies_per_kwh === undefined ? {} : { importLeviesPerKwh: version.levies_per_kwh }),
    ...(version.standing_charge_per_day === undefined
      ? {}
      : { standingChargePerDay: version.standing_charge_per_day }),
    ...(version.standing_charge_per_month === undefined
      ? {}
      : { standingChargePerMonth: version.standing_charge_per_month }),
    ...(version.vat_percent === undefined ? {} : { vatRate: version.vat_percent / 100 }),
    ...(version.capacity === undefined ? {} : { capacity: capacityOf(version.capacity) }),
    ...(holidays.length === 0 ? {} : { holidays }),
  };
}

function priceOf(price: FilePrice): EnergyPrice {
  switch (price.kind) {
    case "fixed":
      return { kind: "fixed", pricePerKwh: price.price };
    case "time-of-use":
      return {
        kind: "time-of-use",
        otherwisePerKwh: price.otherwise,
        rates: price.rates.map((rate) => ({
          name: rate.name,
          pricePerKwh: rate.price,
          windows: rate.windows.map((window) => ({
            fromHour: window.from_hour,
            toHour: window.to_hour,
            ...(window.weekdays === undefined ? {} : { weekdays: window.weekdays }),
            ...(window.months === undefined ? {} : { months: window.months }),
          })),
        })),
      };
    case "dynamic":
      return {
        kind: "dynamic",
        series: { kind: "entity", entityId: price.entity },
        markupPerKwh: price.markup ?? 0,
      };
  }
}

function capacityOf(capacity: FileCapacity): CapacityTariff {
  if (capacity.kind === "monthly-15min-peak") {
    return {
      kind: capacity.kind,
      pricePerKwMonth: capacity.price_per_kw_month,
      minimumKw: capacity.minimum_kw ?? 0,
    };
  }
  return {
    kind: capacity.kind,
    steps: capacity.steps.map((step) => ({ upToKw: step.up_to_kw, pricePerMonth: step.price_per_month })),
  };
}
