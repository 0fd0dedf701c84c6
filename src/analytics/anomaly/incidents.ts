/**
 * One incident, one alarm. The statistical detectors look at the same hours from different sides,
 * so one real change often trips two or three of them within a day or two: the heating coming on
 * is an evening of unusual consumption (hour-of-week), a night well above the usual ones and, two
 * nights later, a higher base load (CUSUM); a moved routine is a schedule shift and a base-load step.
 * The user was told when the incident began, so a statistical detection whose span overlaps one
 * already reported, or begins within a day after its end, adds nothing and is not raised again;
 * except that a spike, an hour and no episode, is news the day after another kind's incident.
 * Deterministic facts (a stall, zero import, a total going backwards, export lost) are always
 * raised.
 */
import { type AnomalyEvent, STATISTICAL_KINDS } from "./types.js";

const HOUR_MS = 3_600_000;
/** A detection beginning this soon after a reported incident's end belongs to it. */
const FOLLOW_MS = 24 * HOUR_MS;
/** Reported incidents are kept this long after their end; spans are days long at most. */
const KEEP_MS = 14 * 24 * HOUR_MS;

export class IncidentFilter {
  private reported: AnomalyEvent[] = [];

  /** Whether `event` is news: deterministic, or statistical and not part of a reported incident. */
  admit(event: AnomalyEvent): boolean {
    if (!STATISTICAL_KINDS.has(event.kind)) return true;
    this.reported = this.reported.filter((e) => e.endMs + KEEP_MS > event.startMs);
    // A spike is an hour, not an episode: it belongs to an incident it overlaps or to a spike of the
    // day before, never to another kind's incident that merely ended then (a routine moved
    // yesterday says nothing about a 10 kWh hour today).
    const follow = (e: AnomalyEvent) => (event.kind === "spike" && e.kind !== "spike" ? 0 : FOLLOW_MS);
    const partOf = (e: AnomalyEvent) => e.startMs < event.endMs && event.startMs < e.endMs + follow(e);
    if (this.reported.some(partOf)) return false;
    this.reported.push(event);
    return true;
  }
}
