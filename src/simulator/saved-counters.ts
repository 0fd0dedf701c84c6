/**
 * The virtual meter's register counters kept in the data folder between runs, so that `npm start`
 * twice never shows a total going down (the integrity guard would rightly hold it back). A missing
 * or unreadable file starts the meter from its seeded reading.
 */
import { readFile } from "node:fs/promises";
import { writeFileAtomic } from "../util/atomic-write.js";
import type { RegisterCounters } from "./load-model.js";

const REGISTERS = ["activeImport", "activeExport", "reactiveImport", "reactiveExport"] as const;

function isCounters(value: unknown): value is RegisterCounters {
  if (typeof value !== "object" || value === null) return false;
  return REGISTERS.every((name) => {
    const pair = (value as Record<string, unknown>)[name];
    return Array.isArray(pair) && pair.length === 2 && pair.every((n) => Number.isSafeInteger(n) && n >= 0);
  });
}

export async function loadCounters(path: string): Promise<RegisterCounters | null> {
  try {
    const parsed: unknown = JSON.parse(await readFile(path, "utf8"));
    return isCounters(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

export function saveCounters(path: string, counters: RegisterCounters): void {
  writeFileAtomic(path, `${JSON.stringify(counters)}\n`);
}
