/**
 * Which imported intervals the store already answers for. Live and estimated data win over imported
 * data (store/types.ts IntervalSource) by time, not by start alone: an hourly import over live
 * 15-minute intervals must not add its hour beside them. An identical imported row is simply kept,
 * which is what makes a second import of the same file change nothing.
 */
import type { StoredInterval } from "../store/types.js";

export interface Partition {
  readonly toWrite: StoredInterval[];
  /** Already stored as imported with the same span and energies. */
  readonly keptIdentical: number;
  /** Overlapping live or estimated data: that stays, the imported row is dropped. */
  readonly keptLive: number;
}

/** Both lists sorted by start; `existing` intervals do not overlap one another. */
export function partitionByExisting(
  incoming: readonly StoredInterval[],
  existing: readonly StoredInterval[],
): Partition {
  const toWrite: StoredInterval[] = [];
  let keptIdentical = 0;
  let keptLive = 0;
  let first = 0;
  for (const interval of incoming) {
    while (first < existing.length && existing[first]!.endMs <= interval.startMs) first++;
    let live = false;
    let identical = false;
    for (let i = first; i < existing.length && existing[i]!.startMs < interval.endMs; i++) {
      const stored = existing[i]!;
      if (stored.source !== "imported") live = true;
      else if (sameInterval(stored, interval)) identical = true;
    }
    if (live) keptLive++;
    else if (identical) keptIdentical++;
    else toWrite.push(interval);
  }
  return { toWrite, keptIdentical, keptLive };
}

function sameInterval(a: StoredInterval, b: StoredInterval): boolean {
  return (
    a.startMs === b.startMs &&
    a.endMs === b.endMs &&
    a.importKwh === b.importKwh &&
    a.exportKwh === b.exportKwh
  );
}
