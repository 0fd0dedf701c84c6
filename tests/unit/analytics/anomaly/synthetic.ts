/** A seeded synthetic household: daily cycle, weekly cycle and noise, UTC hours. */
import { seededRandom } from "../../../../src/analytics/anomaly/random.js";
import type { HourObservation } from "../../../../src/analytics/anomaly/types.js";

export const START = Date.parse("2024-01-01T00:00:00Z"); // a Monday
export const H = 3_600_000;

export function household(days: number, seed = 7): HourObservation[] {
  const random = seededRandom(seed);
  const hours: HourObservation[] = [];
  let register = 1000;
  for (let i = 0; i < days * 24; i++) {
    const hour = i % 24;
    const weekend = Math.floor(i / 24) % 7 >= 5;
    const evening = hour >= 17 && hour < 22 ? 0.6 : 0;
    const morning = hour >= 7 && hour < 9 && !weekend ? 0.3 : 0;
    const kwh = 0.2 + evening + morning + 0.05 * random();
    register += kwh;
    hours.push({ startMs: START + i * H, importKwh: kwh, importRegisterKwh: register });
  }
  return hours;
}
