/**
 * The checks JSON Schema cannot state: each runs on the already schema-checked document, looks only
 * at values of the right shape, and adds its own problems, so the user still sees everything at once.
 */
import { formatObis, parseObis } from "../obis/obis.js";
import { isRealDate } from "./calendar-values.js";
import type { ConfigProblem } from "./problems.js";

export function checkScalerOverrides(document: unknown): ConfigProblem[] {
  const overrides = (document as { scaler_overrides?: unknown } | null)?.scaler_overrides;
  if (!Array.isArray(overrides)) return [];
  const problems: ConfigProblem[] = [];
  const firstIndexOf = new Map<string, number>();
  overrides.forEach((entry: unknown, index) => {
    const obis = (entry as { obis?: unknown } | null)?.obis;
    if (typeof obis !== "string") return;
    const code = parseObis(obis);
    if (code === null) {
      // The pattern admits 1–3 digits per group; each OBIS value group is one byte (IEC 62056-61).
      if (/^[\d\-:.*]+$/.test(obis) && /\d{3}/.test(obis)) {
        problems.push({
          path: `scaler_overrides[${index}].obis`,
          message: `expected every group of the OBIS code to be from 0 to 255, got ${JSON.stringify(obis)}`,
        });
      }
      return;
    }
    const key = formatObis(code);
    const first = firstIndexOf.get(key);
    if (first === undefined) {
      firstIndexOf.set(key, index);
      return;
    }
    problems.push({
      path: `scaler_overrides[${index}].obis`,
      message: `expected each register once, but ${key} is already set by scaler_overrides[${first}]`,
    });
  });
  return problems;
}

/** The pattern admits 2026-02-30; a date that no calendar has is a typo worth naming. */
export function checkDate(path: string, value: unknown): ConfigProblem[] {
  if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(value) || isRealDate(value)) return [];
  return [{ path, message: `expected a date that exists, written YYYY-MM-DD, got "${value}"` }];
}

export function checkResetDate(document: unknown): ConfigProblem[] {
  return checkDate(
    "reset_integrity_guard",
    (document as { reset_integrity_guard?: unknown } | null)?.reset_integrity_guard,
  );
}
