/** What the live analytics are asked to do, as the options give it. */

/** How eagerly the anomaly detectors report: a factor on their thresholds (tests pin each level). */
export type AnomalySensitivity = "low" | "medium" | "high";

export interface AnalyticsOptions {
  /** Forecast entities (on unless switched off). */
  readonly forecast: boolean;
  /** Anomaly entities (on unless switched off). */
  readonly anomalies: boolean;
  readonly anomalySensitivity: AnomalySensitivity;
  /** Days the 1-minute samples of power, voltage and current are kept (intervals are kept for good). */
  readonly sampleRetentionDays: number;
}
