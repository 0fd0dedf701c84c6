/**
 * Error accumulators for the rolling-origin backtest (measures as in Hyndman & Koehler, "Another
 * look at measures of forecast accuracy", IJF 2006). Means use
 * simple-statistics' `meanSimple`, the plain left-to-right sum: its `mean` sums with compensation,
 * which can move reported figures in the last digit.
 */
import { meanSimple } from "simple-statistics";

export class PointErrors {
  private absSum = 0;
  private sqSum = 0;
  private actualSum = 0;
  private n = 0;

  add(forecast: number, actual: number): void {
    const e = forecast - actual;
    this.absSum += Math.abs(e);
    this.sqSum += e * e;
    this.actualSum += actual;
    this.n++;
  }

  get count(): number {
    return this.n;
  }

  get mae(): number {
    return this.absSum / this.n;
  }

  get rmse(): number {
    return Math.sqrt(this.sqSum / this.n);
  }

  /** MAE as a share of the mean actual (NMAE); no hourly MAPE, because hours can be zero. */
  get nmae(): number {
    return this.absSum / this.actualSum;
  }

  get nrmse(): number {
    return this.rmse / (this.actualSum / this.n);
  }
}

/** Mean absolute percentage error over periods (days, months), where totals are never zero. */
export class PeriodErrors {
  private readonly apes: number[] = [];

  add(forecast: number, actual: number): void {
    if (actual > 0 && Number.isFinite(forecast)) this.apes.push(Math.abs(forecast - actual) / actual);
  }

  get count(): number {
    return this.apes.length;
  }

  get mape(): number {
    return this.apes.length === 0 ? Number.NaN : meanSimple(this.apes);
  }
}

export class IntervalScore {
  private covered = 0;
  private widthSum = 0;
  private n = 0;

  add(low: number, high: number, actual: number): void {
    if (actual >= low && actual <= high) this.covered++;
    this.widthSum += high - low;
    this.n++;
  }

  get count(): number {
    return this.n;
  }

  get coverage(): number {
    return this.covered / this.n;
  }

  get meanWidth(): number {
    return this.widthSum / this.n;
  }
}
