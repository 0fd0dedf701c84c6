/**
 * Per-phase supply voltage against EN 50160: 10-minute mean RMS within 230 V ± 10 % (207–253 V),
 * and phase imbalance for three-phase meters. EN 50160 bounds the negative-sequence unbalance at 2 %;
 * from magnitudes alone (all an E450 push list carries) the NEMA/IEEE 141 approximation is used:
 * the largest deviation from the mean of the three phases, divided by that mean.
 */
import { type AnomalyEvent, fmt } from "./types.js";

export interface VoltageSample {
  readonly timeMs: number;
  /** RMS volts per phase (one entry for single-phase meters); NaN when a phase is not reported. */
  readonly phases: readonly number[];
}

export interface VoltageOptions {
  readonly nominalV: number;
  readonly tolerance: number;
  readonly windowMs: number;
  readonly maxImbalance: number;
}

const EN_50160: VoltageOptions = {
  nominalV: 230,
  tolerance: 0.1,
  windowMs: 600_000,
  maxImbalance: 0.02,
};

export class VoltageDetector {
  private windowStart = Number.NaN;
  private sums: number[] = [];
  private counts: number[] = [];
  private readonly open = new Map<string, AnomalyEvent>();

  constructor(private readonly options: VoltageOptions = EN_50160) {}

  /** Samples in time order; events are returned when a deviation ends (see `flush`). */
  observe(sample: VoltageSample): AnomalyEvent[] {
    const start = sample.timeMs - (sample.timeMs % this.options.windowMs);
    const events = start !== this.windowStart && !Number.isNaN(this.windowStart) ? this.closeWindow() : [];
    if (start !== this.windowStart) {
      this.windowStart = start;
      this.sums = sample.phases.map(() => 0);
      this.counts = sample.phases.map(() => 0);
    }
    sample.phases.forEach((v, i) => {
      if (!Number.isNaN(v)) {
        this.sums[i] = (this.sums[i] ?? 0) + v;
        this.counts[i] = (this.counts[i] ?? 0) + 1;
      }
    });
    return events;
  }

  /** Closes the current window and any deviation still open. */
  flush(): AnomalyEvent[] {
    const events = Number.isNaN(this.windowStart) ? [] : this.closeWindow();
    events.push(...this.open.values());
    this.open.clear();
    this.windowStart = Number.NaN;
    return events;
  }

  private closeWindow(): AnomalyEvent[] {
    const means = this.sums.map((s, i) => (this.counts[i]! > 0 ? s / this.counts[i]! : Number.NaN));
    const endMs = this.windowStart + this.options.windowMs;
    const findings = new Map<string, Omit<AnomalyEvent, "startMs" | "endMs">>();
    const { nominalV, tolerance } = this.options;
    const low = nominalV * (1 - tolerance);
    const high = nominalV * (1 + tolerance);
    means.forEach((v, i) => {
      if (Number.isNaN(v) || (v >= low && v <= high)) return;
      const side = v > high ? "over" : "under";
      findings.set(`L${i + 1}-${side}`, {
        kind: "voltage-out-of-range",
        expected: nominalV,
        observed: v,
        unit: "V",
        score: Math.abs(v - nominalV) / (nominalV * tolerance),
        message: `L${i + 1} ${side}-voltage: 10-minute mean ${fmt(v, 1)} V is outside EN 50160's ${fmt(low, 0)}–${fmt(high, 0)} V.`,
      });
    });
    const present = means.filter((v) => !Number.isNaN(v));
    if (present.length === 3) {
      const mean = present.reduce((a, b) => a + b, 0) / 3;
      const imbalance = Math.max(...present.map((v) => Math.abs(v - mean))) / mean;
      if (imbalance > this.options.maxImbalance) {
        findings.set("imbalance", {
          kind: "phase-imbalance",
          expected: this.options.maxImbalance * 100,
          observed: imbalance * 100,
          unit: "%",
          score: imbalance / this.options.maxImbalance,
          message: `Phase voltages ${present.map((v) => fmt(v, 1)).join(" / ")} V are ${fmt(imbalance * 100, 1)} % unbalanced (EN 50160 allows 2 %).`,
        });
      }
    }
    return this.merge(findings, endMs);
  }

  /** Consecutive deviating windows form one event, reported when the deviation ends. */
  private merge(
    findings: Map<string, Omit<AnomalyEvent, "startMs" | "endMs">>,
    endMs: number,
  ): AnomalyEvent[] {
    const closed: AnomalyEvent[] = [];
    for (const [key, event] of this.open) {
      if (!findings.has(key)) {
        closed.push(event);
        this.open.delete(key);
      }
    }
    for (const [key, finding] of findings) {
      const previous = this.open.get(key);
      const worse = previous === undefined || finding.score > previous.score ? finding : previous;
      this.open.set(key, { ...worse, startMs: previous?.startMs ?? endMs - this.options.windowMs, endMs });
    }
    return closed;
  }
}
