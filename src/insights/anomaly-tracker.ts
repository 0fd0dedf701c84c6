/**
 * The anomaly detectors fed with one meter's hours, turned into incidents a Home Assistant entity
 * can show: an incident opens when a detector reports it and closes once the data has moved past
 * its span (the detectors report each episode once, with its extent as known then); a data stall
 * stays open until data flows again, a run of zero import until import resumes. Incidents live in the store, so a restart neither
 * fires one again nor forgets one that is open.
 */
import { ANOMALY_LEARNING_DAYS, AnomalyEngine } from "../analytics/anomaly/engine.js";
import type { AnomalyEvent, AnomalyKind, HourObservation } from "../analytics/anomaly/types.js";
import type { AnomalySensitivity } from "./settings.js";
import type { AnomalyIncident, AnomalyState } from "../model/insights.js";
import { HOUR_MS, type ZonedCalendar } from "../time/zoned.js";

/** Every kind a detector of the engine can report (the event entity lists them all up front). */
const ANOMALY_KINDS: readonly AnomalyKind[] = [
  "unusual-consumption",
  "spike",
  "base-load-shift",
  "schedule-shift",
  "data-stall",
  "zero-import",
  "total-backwards",
  "export-loss",
];

/** The hour-of-week detector's sensitivity factor (its threshold and alarm budget scale with it). */
const SENSITIVITY: Readonly<Record<AnomalySensitivity, number>> = { low: 0.7, medium: 1, high: 1.4 };

export interface AnomalyUpdate {
  /** Incidents opened by this hour. */
  readonly opened: readonly AnomalyIncident[];
  /** Incidents that closed with this hour. */
  readonly closed: readonly AnomalyIncident[];
}

export class AnomalyTracker {
  private readonly engine: AnomalyEngine;
  private readonly open = new Map<string, AnomalyIncident>();
  private last: AnomalyIncident | null = null;
  private liveStall: { readonly incident: AnomalyIncident; readonly open: boolean } | null = null;

  constructor(
    calendar: ZonedCalendar,
    sensitivity: AnomalySensitivity,
    restored: readonly AnomalyIncident[],
  ) {
    this.engine = new AnomalyEngine(calendar, { hourOfWeek: { sensitivity: SENSITIVITY[sensitivity] } });
    for (const incident of restored) this.open.set(incident.id, incident);
  }

  /** The newest incident known from the store, open or not. */
  remember(last: AnomalyIncident | null): void {
    if (last && (this.last === null || last.startMs >= this.last.startMs)) this.last = last;
  }

  /**
   * The meter has said nothing since `sinceMs` (by the host's clock: no push, or no advancing meter
   * clock): a stall the hourly detectors can only see once data flows again, opened now instead.
   */
  openStall(sinceMs: number, nowMs: number): AnomalyIncident | null {
    if (this.liveStall?.open) return null;
    const hours = (nowMs - sinceMs) / HOUR_MS;
    const incident: AnomalyIncident = {
      id: `data-stall@${new Date(sinceMs).toISOString()}`,
      kind: "data-stall",
      startMs: sinceMs,
      endMs: nowMs,
      expected: 0,
      observed: Math.round(hours * 10) / 10,
      unit: "h",
      score: hours,
      message: `No data from the meter for ${Math.floor(hours)} hours, since ${new Date(sinceMs).toISOString()}.`,
    };
    this.liveStall = { incident, open: true };
    this.open.set(incident.id, incident);
    this.last = incident;
    return incident;
  }

  /** Data flows again: the stall opened live closes, with its end. */
  closeStall(nowMs: number): AnomalyIncident | null {
    const stall = this.liveStall;
    if (!stall?.open) return null;
    this.open.delete(stall.incident.id);
    const closed = { ...stall.incident, endMs: nowMs };
    this.liveStall = { incident: closed, open: false };
    return closed;
  }

  observe(hour: HourObservation, known: (id: string) => boolean): AnomalyUpdate {
    const opened: AnomalyIncident[] = [];
    for (const event of this.engine.observe(hour)) {
      const incident = incidentOf(event);
      // Seen in an earlier run (the replay of stored hours at start reports it again), or the
      // stall already opened live, which the gap detector now sees from the other side.
      if (known(incident.id) || this.isLiveStall(incident)) continue;
      this.open.set(incident.id, incident);
      opened.push(incident);
      this.last = incident;
    }
    const closed: AnomalyIncident[] = [];
    for (const incident of this.open.values()) {
      if (opened.includes(incident) || !closesWith(incident, hour)) continue;
      this.open.delete(incident.id);
      closed.push(incident);
    }
    return { opened, closed };
  }

  private isLiveStall(incident: AnomalyIncident): boolean {
    const live = this.liveStall?.incident;
    return (
      incident.kind === "data-stall" &&
      live !== undefined &&
      incident.startMs < live.endMs + HOUR_MS &&
      live.startMs < incident.endMs + HOUR_MS
    );
  }

  state(): AnomalyState {
    // Days with data, as the engine counts them: a gap teaches the detectors nothing.
    const days = this.engine.daysWithData;
    return {
      status: days < ANOMALY_LEARNING_DAYS ? "learning" : "watching",
      history: { days, needed: ANOMALY_LEARNING_DAYS },
      open: [...this.open.values()],
      last: this.last,
      kinds: ANOMALY_KINDS,
    };
  }
}

function incidentOf(event: AnomalyEvent): AnomalyIncident {
  return {
    id: `${event.kind}@${new Date(event.startMs).toISOString()}`,
    kind: event.kind,
    startMs: event.startMs,
    endMs: event.endMs,
    expected: event.expected,
    observed: event.observed,
    unit: event.unit,
    score: event.score,
    message: event.message,
  };
}

/**
 * A stall closes with the first hour with data; a run of zero import with the first hour that
 * shows import again; anything else once an hour wholly after its reported span has been observed.
 */
function closesWith(incident: AnomalyIncident, hour: HourObservation): boolean {
  if (incident.kind === "data-stall") return !Number.isNaN(hour.importKwh);
  if (incident.kind === "zero-import") return hour.importKwh > 0;
  return hour.startMs >= incident.endMs && hour.startMs + HOUR_MS > incident.endMs;
}
