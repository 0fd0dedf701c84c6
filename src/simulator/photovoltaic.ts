/**
 * Rooftop PV output from the sun's elevation (season and time of day) and seeded clouds. The plant sits
 * at 47.4° N 8.5° E (Swiss Plateau); a three-phase inverter feeds the phases equally at power factor 1.
 */
import { hashUnit, smoothNoise } from "./random.js";

const LATITUDE = (47.4 * Math.PI) / 180;
const LONGITUDE_DEGREES = 8.5;
const DAY_MS = 86_400_000;
const RADIANS_PER_DEGREE = Math.PI / 180;

/** Sine of the sun's elevation; ≤ 0 between sunset and sunrise (Cooper's declination, no refraction). */
function sunElevationSine(epochMs: number): number {
  const date = new Date(epochMs);
  const startOfYear = Date.UTC(date.getUTCFullYear(), 0, 1);
  const dayOfYear = Math.floor((epochMs - startOfYear) / DAY_MS) + 1;
  const declination = -23.44 * RADIANS_PER_DEGREE * Math.cos((2 * Math.PI * (dayOfYear + 10)) / 365);
  const utcHours = (epochMs % DAY_MS) / 3_600_000;
  const solarHours = utcHours + LONGITUDE_DEGREES / 15;
  const hourAngle = 15 * (solarHours - 12) * RADIANS_PER_DEGREE;
  return (
    Math.sin(LATITUDE) * Math.sin(declination) +
    Math.cos(LATITUDE) * Math.cos(declination) * Math.cos(hourAngle)
  );
}

/** AC output in W of a plant with the given peak power; exactly 0 while the sun is down. */
export function photovoltaicPower(seed: number, epochMs: number, peakWatts: number): number {
  const elevation = sunElevationSine(epochMs);
  if (elevation <= 0) return 0;
  const day = Math.floor(epochMs / DAY_MS);
  const overcast = hashUnit(seed, 200, day) ** 2; // most days fairly clear, some grey
  const passingClouds = smoothNoise(seed, 201, epochMs / 1000, 900);
  const cloudCover = Math.min(1, overcast * 0.8 + passingClouds * 0.35);
  return peakWatts * elevation ** 1.2 * (1 - 0.8 * cloudCover);
}
