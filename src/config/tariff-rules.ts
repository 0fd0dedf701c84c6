/**
 * The tariff checks JSON Schema cannot state, for the options and the tariff file alike: which
 * prices a tariff needs together, currency codes in use, time zones the tz database knows, hours
 * that make a window, capacity steps in order. Like rules.ts, each looks only at values of the right
 * shape (the schema reports the others) and returns every problem it finds.
 */
import { isCurrencyCode, isTimeZone } from "./calendar-values.js";
import type { ConfigProblem } from "./problems.js";
import { checkDate } from "./rules.js";
import { isCapacitySet, isTariffSet } from "./tariff-from-options.js";
import { CURRENCY_PATTERN, HOURS_PATTERN } from "./tariff-schema.js";
import { parseHours } from "./tariff-text.js";

type Group = Record<string, unknown>;

const asGroup = (value: unknown): Group | null =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Group) : null;

export function checkCurrency(path: string, value: unknown): ConfigProblem[] {
  if (typeof value !== "string" || !new RegExp(CURRENCY_PATTERN).test(value) || isCurrencyCode(value))
    return [];
  return [
    { path, message: `expected an ISO 4217 code of a currency in use (CHF, EUR, NOK …), got "${value}"` },
  ];
}

export function checkTimeZone(path: string, value: unknown): ConfigProblem[] {
  if (typeof value !== "string" || value === "" || isTimeZone(value)) return [];
  return [
    { path, message: `expected an IANA time zone such as Europe/Zurich, got ${JSON.stringify(value)}` },
  ];
}

/** Norwegian capacity steps: each step's upper bound above the one before. */
export function checkSteps(path: string, steps: unknown, upToKey: string): ConfigProblem[] {
  if (!Array.isArray(steps)) return [];
  const problems: ConfigProblem[] = [];
  let previous = Number.NEGATIVE_INFINITY;
  steps.forEach((step, index) => {
    const upTo = asGroup(step)?.[upToKey];
    if (typeof upTo !== "number") return;
    if (upTo <= previous) {
      problems.push({
        path: `${path}[${index}].${upToKey}`,
        message: `expected more than the step before (${previous} kW): steps go from the lowest to the highest`,
      });
    }
    previous = Math.max(previous, upTo);
  });
  return problems;
}

/** Checks the `hours` text of the options, once its pattern matched (the schema reports the rest). */
function checkHoursText(path: string, value: unknown, pattern: RegExp): ConfigProblem[] {
  if (typeof value !== "string" || !pattern.test(value)) return [];
  const hours = parseHours(value);
  return hours.ok ? [] : [{ path, message: `expected hours from 00 to 24: ${hours.why}` }];
}

/** The `tariff` option group: which options need which others. */
export function checkTariffOptions(document: unknown): ConfigProblem[] {
  const tariff = asGroup(asGroup(document)?.["tariff"]);
  if (tariff === null) return [];
  const problems = [...checkTimeZone("tariff.time_zone", tariff["time_zone"])];
  // The file holds the whole tariff; the other tariff options are not read (DOCS "Costs, forecasts …").
  if (tariff["file"] !== undefined || !isTariffSet(tariff)) return problems;

  const set = (key: string) => tariff[key] !== undefined;
  const rates = Array.isArray(tariff["time_of_use"]) ? tariff["time_of_use"] : [];
  problems.push(...checkCurrency("tariff.currency", tariff["currency"]));
  if (!set("currency"))
    problems.push({ path: "tariff.currency", message: "required when a tariff is set, e.g. CHF or EUR" });

  if (set("dynamic_price_entity")) {
    const why =
      "a dynamic tariff takes its prices from tariff.dynamic_price_entity (add a margin with tariff.dynamic_markup)";
    if (set("import_price")) problems.push({ path: "tariff.import_price", message: `not used: ${why}` });
    if (rates.length > 0) problems.push({ path: "tariff.time_of_use", message: `not used: ${why}` });
  } else if (!set("import_price")) {
    problems.push({
      path: "tariff.import_price",
      message:
        "required when a tariff is set: the price per kWh (with time_of_use, the price outside its windows), " +
        "or set tariff.dynamic_price_entity for prices from Home Assistant",
    });
  }
  if (set("new_import_price") && (set("dynamic_price_entity") || rates.length > 0)) {
    problems.push({
      path: "tariff.new_import_price",
      message:
        "only for a fixed import price; a time-of-use or dynamic tariff that changes needs a tariff file (tariff.file)",
    });
  }
  problems.push(...checkDate("tariff.change_date", tariff["change_date"]));

  const hours = new RegExp(HOURS_PATTERN);
  rates.forEach((rate, index) => {
    problems.push(...checkHoursText(`tariff.time_of_use[${index}].hours`, asGroup(rate)?.["hours"], hours));
  });
  problems.push(...checkCapacityOptions(asGroup(tariff["capacity"])));
  return problems;
}

function checkCapacityOptions(capacity: Group | null): ConfigProblem[] {
  if (capacity === null || !isCapacitySet(capacity)) return [];
  const kind = capacity["kind"];
  const steps = Array.isArray(capacity["steps"]) ? capacity["steps"] : [];
  const path = (key: string) => `tariff.capacity.${key}`;
  if (kind === undefined) {
    return [
      {
        path: path("kind"),
        message:
          'required when capacity prices are set: "monthly-15min-peak" (Flanders) or "top3-daily-hourly-peaks" (Norway)',
      },
    ];
  }
  const problems: ConfigProblem[] = [];
  if (kind === "monthly-15min-peak") {
    if (capacity["price_per_kw_month"] === undefined)
      problems.push({
        path: path("price_per_kw_month"),
        message: 'required when tariff.capacity.kind is "monthly-15min-peak"',
      });
    if (steps.length > 0)
      problems.push({
        path: path("steps"),
        message: 'only for tariff.capacity.kind "top3-daily-hourly-peaks"',
      });
  } else if (kind === "top3-daily-hourly-peaks") {
    if (steps.length === 0)
      problems.push({
        path: path("steps"),
        message: 'required when tariff.capacity.kind is "top3-daily-hourly-peaks": at least one step',
      });
    for (const key of ["price_per_kw_month", "minimum_kw"]) {
      if (capacity[key] !== undefined)
        problems.push({ path: path(key), message: 'only for tariff.capacity.kind "monthly-15min-peak"' });
    }
    problems.push(...checkSteps(path("steps"), steps, "up_to_kw"));
  }
  return problems;
}

/** `homeassistant`: a URL needs exactly one way to give its token. */
export function checkHomeAssistantOptions(document: unknown): ConfigProblem[] {
  const group = asGroup(asGroup(document)?.["homeassistant"]);
  if (group === null || group["url"] === undefined) return [];
  if (group["token"] !== undefined && group["token_file"] !== undefined)
    return [
      {
        path: "homeassistant.token_file",
        message: "not together with homeassistant.token: give the token once",
      },
    ];
  if (group["token"] === undefined && group["token_file"] === undefined)
    return [
      {
        path: "homeassistant.token",
        message: "required with homeassistant.url: a long-lived access token (or homeassistant.token_file)",
      },
    ];
  return [];
}
