/**
 * Event-level scoring of detections against injected faults (Baek & Lee's event-F1): a detection is
 * a true positive when it overlaps a fault's span widened by TOLERANCE before and after; a fault is
 * recalled when any detection of a fitting kind overlaps it. Statistical detectors are scored
 * together (which statistical detector catches a fault does not matter to the user); deterministic
 * faults must each be found by their own detector.
 */
import { type FaultKind, type InjectedFault, STATISTICAL_FAULTS } from "./inject.js";
import { type AnomalyEvent, type AnomalyKind, STATISTICAL_KINDS } from "./types.js";

const TOLERANCE_MS = 24 * 3_600_000;

const DETERMINISTIC_MATCH: Partial<Record<FaultKind, AnomalyKind>> = {
  stall: "data-stall",
  backwards: "total-backwards",
  "export-loss": "export-loss",
};

interface StatisticalScore {
  readonly detections: number;
  readonly truePositives: number;
  readonly faults: number;
  readonly recalled: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

export interface EvaluatedRun {
  readonly statistical: StatisticalScore;
  /** Per deterministic fault kind: injected and found. */
  readonly deterministic: readonly {
    readonly kind: FaultKind;
    readonly injected: number;
    readonly found: number;
  }[];
  /** Per statistical fault kind, for the report. */
  readonly recallByKind: readonly {
    readonly kind: FaultKind;
    readonly injected: number;
    readonly found: number;
  }[];
  /** Whether each detection (same order as given) overlaps an injected fault. */
  readonly matched: readonly boolean[];
}

function overlaps(event: AnomalyEvent, fault: InjectedFault): boolean {
  return event.startMs < fault.endMs + TOLERANCE_MS && event.endMs > fault.startMs - TOLERANCE_MS;
}

export function evaluateRun(events: readonly AnomalyEvent[], faults: readonly InjectedFault[]): EvaluatedRun {
  const statisticalFaults = faults.filter((f) => STATISTICAL_FAULTS.has(f.kind));
  const statisticalEvents = events.filter((e) => STATISTICAL_KINDS.has(e.kind));
  const truePositives = statisticalEvents.filter((e) => statisticalFaults.some((f) => overlaps(e, f))).length;
  const recalledFaults = statisticalFaults.filter((f) => statisticalEvents.some((e) => overlaps(e, f)));
  const precision = statisticalEvents.length === 0 ? 1 : truePositives / statisticalEvents.length;
  const recall = statisticalFaults.length === 0 ? 1 : recalledFaults.length / statisticalFaults.length;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  const count = (kind: FaultKind, found: (f: InjectedFault) => boolean) => {
    const ofKind = faults.filter((f) => f.kind === kind);
    return { kind, injected: ofKind.length, found: ofKind.filter(found).length };
  };
  return {
    statistical: {
      detections: statisticalEvents.length,
      truePositives,
      faults: statisticalFaults.length,
      recalled: recalledFaults.length,
      precision,
      recall,
      f1,
    },
    deterministic: (Object.keys(DETERMINISTIC_MATCH) as FaultKind[]).map((kind) =>
      count(kind, (f) => events.some((e) => e.kind === DETERMINISTIC_MATCH[kind] && overlaps(e, f))),
    ),
    recallByKind: [...STATISTICAL_FAULTS].map((kind) =>
      count(kind, (f) => statisticalEvents.some((e) => overlaps(e, f))),
    ),
    matched: events.map((e) => faults.some((f) => overlaps(e, f))),
  };
}
