/**
 * Scoring for issue 13's independent protocol (anomaly/inject-protocol.ts). A fault is found when
 * an event of a fitting kind overlaps it:
 *
 * - stall: a "data-stall" event overlapping the stall's hours widened by 3 h either side;
 * - zero day: a "data-stall" or "zero-import" event, likewise within 3 h;
 * - spike: any statistical event (a kind that is not a fact about the data) within 3 h;
 * - base-load rise: a statistical event overlapping the rise and reported (its endMs, the time it
 *   is known) no later than 3 days after the rise began: the issue counts a rise as found only if
 *   it is flagged within 3 days.
 *
 * On the clean series every event counts as a false alarm, whatever its kind, as the issue's figures
 * count the data stalls a PV house raises on sunny days.
 */
import type { ProtocolFault, ProtocolFaultKind } from "../anomaly/inject-protocol.js";
import { type AnomalyEvent, STATISTICAL_KINDS } from "../anomaly/types.js";

const H = 3_600_000;
const TOLERANCE_MS = 3 * H;
const BASE_LOAD_DEADLINE_MS = 3 * 24 * H;
const THIRTY_DAYS_MS = 30 * 24 * H;

export const PROTOCOL_KINDS: readonly ProtocolFaultKind[] = ["spike", "base-load-rise", "stall", "zero-day"];

interface KindScore {
  readonly injected: number;
  readonly found: number;
}

export interface ProtocolScore {
  readonly byKind: Readonly<Record<ProtocolFaultKind, KindScore>>;
  readonly injected: number;
  readonly found: number;
  readonly recall: number;
  /** The hard condition besides recall: every stall and the zero day found. */
  readonly everyStallAndZeroDayFound: boolean;
}

function nearby(event: AnomalyEvent, fault: ProtocolFault): boolean {
  return event.startMs < fault.endMs + TOLERANCE_MS && event.endMs > fault.startMs - TOLERANCE_MS;
}

function isFound(fault: ProtocolFault, events: readonly AnomalyEvent[]): boolean {
  switch (fault.kind) {
    case "stall":
      return events.some((e) => e.kind === "data-stall" && nearby(e, fault));
    case "zero-day":
      return events.some((e) => (e.kind === "data-stall" || e.kind === "zero-import") && nearby(e, fault));
    case "spike":
      return events.some((e) => STATISTICAL_KINDS.has(e.kind) && nearby(e, fault));
    case "base-load-rise":
      return events.some(
        (e) =>
          STATISTICAL_KINDS.has(e.kind) &&
          e.startMs < fault.endMs &&
          e.endMs > fault.startMs &&
          e.endMs <= fault.startMs + BASE_LOAD_DEADLINE_MS,
      );
  }
}

export function scoreProtocol(
  events: readonly AnomalyEvent[],
  faults: readonly ProtocolFault[],
): ProtocolScore {
  const found = faults.map((f) => isFound(f, events));
  const byKind = Object.fromEntries(
    PROTOCOL_KINDS.map((kind) => {
      const ofKind = faults.map((f, i) => ({ f, hit: found[i]! })).filter(({ f }) => f.kind === kind);
      return [kind, { injected: ofKind.length, found: ofKind.filter(({ hit }) => hit).length }];
    }),
  ) as Record<ProtocolFaultKind, KindScore>;
  const hits = found.filter(Boolean).length;
  return {
    byKind,
    injected: faults.length,
    found: hits,
    recall: faults.length === 0 ? 1 : hits / faults.length,
    everyStallAndZeroDayFound: faults.every(
      (f, i) => found[i] || (f.kind !== "stall" && f.kind !== "zero-day"),
    ),
  };
}

/** Every event on the clean series, of any kind, per 30 days of the series' span. */
export function falseAlarmsPer30Days(cleanEvents: readonly AnomalyEvent[], spanMs: number): number {
  return spanMs > 0 ? (cleanEvents.length * THIRTY_DAYS_MS) / spanMs : 0;
}

/** Events per kind, most frequent first. */
export function alarmsByKind(events: readonly AnomalyEvent[]): [kind: string, count: number][] {
  const counts = new Map<string, number>();
  for (const e of events) counts.set(e.kind, (counts.get(e.kind) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}
