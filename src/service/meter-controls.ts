/**
 * What the web panel may ask of the running meters, bound late: plugins start before the meters
 * (so no event is missed), so the panel gets this registry, which the service fills as meters start.
 */
import type { MeterRuntime } from "../meter/runtime.js";

export class MeterControls {
  private readonly runtimes: MeterRuntime[] = [];

  add(runtime: MeterRuntime): void {
    this.runtimes.push(runtime);
  }

  /** Resets the integrity guard's baselines of the physical meter `meterKey` (its identity key). */
  resetGuard(meterKey: string): void {
    const reset = this.runtimes.map((runtime) => runtime.resetGuard(meterKey)).some(Boolean);
    if (!reset) throw new Error(`the integrity guard holds no totals of meter ${meterKey}`);
  }
}
