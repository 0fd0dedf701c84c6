/**
 * The part of the history store the live analytics use. The plugin hands over the SQLite store;
 * when its file cannot be opened, the analytics run on with `NO_HISTORY` (nothing remembered
 * across a restart, which the log says) rather than not at all.
 */
import type { HistoryStore } from "../store/history-store.js";

export type InsightsHistory = Pick<
  HistoryStore,
  | "writeIntervals"
  | "intervals"
  | "intervalSpan"
  | "registerState"
  | "saveLatestSnapshot"
  | "saveAnomaly"
  | "openAnomalies"
  | "anomalies"
  | "saveCostSummaries"
  | "writeSamples"
  | "pruneSamples"
  | "getValue"
  | "setValue"
>;

export const NO_HISTORY: InsightsHistory = {
  writeIntervals: (_meter, intervals) => ({ written: intervals.length, keptExisting: 0 }),
  intervals: () => [],
  intervalSpan: () => null,
  registerState: () => null,
  saveLatestSnapshot: () => {},
  saveAnomaly: () => {},
  openAnomalies: () => [],
  anomalies: () => [],
  saveCostSummaries: () => {},
  writeSamples: () => {},
  pruneSamples: () => 0,
  getValue: () => null,
  setValue: () => {},
};
