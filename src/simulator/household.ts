/**
 * A household's consumption per phase, as a pure function of seed and local time: a standby base load,
 * lighting/cooking/TV activity with morning and evening peaks, and appliances that switch on and off
 * (fridge compressor cycles, kettle, cooktop thermostat, washing machine, dishwasher). Reactive power:
 * motors are inductive (+var), switched-mode electronics slightly capacitive (−var), heaters resistive.
 */
import { hashUnit, smoothNoise } from "./random.js";

export type PhaseValues = readonly [number, number, number];

export interface PhaseLoad {
  /** Active power drawn per phase, W (never negative). */
  readonly active: PhaseValues;
  /** Reactive power per phase, var (positive inductive, negative capacitive). */
  readonly reactive: PhaseValues;
}

export interface HouseholdTime {
  /** Whole days since the epoch in local time; selects the day's appliance schedule. */
  readonly dayNumber: number;
  /** Local hour of day, 0 ≤ h < 24. */
  readonly hour: number;
  /** 1 = Monday … 7 = Sunday. */
  readonly weekday: number;
  /** Seconds since the epoch, for sub-minute effects (thermostat cycling, noise). */
  readonly second: number;
}

interface Appliance {
  readonly id: number;
  readonly phase: 0 | 1 | 2;
  /** W drawn while on, at this moment; 0 while off. */
  readonly power: (seed: number, time: HouseholdTime) => number;
  /** Reactive power per watt drawn (tan φ). */
  readonly reactivePerWatt: number;
}

const DAY_HOURS = 24;

/** A run of `durationHours` starting at a seeded time in [earliest, latest) on days picked with `probability`. */
function dailyRun(
  seed: number,
  id: number,
  time: HouseholdTime,
  window: { earliest: number; latest: number; durationHours: number; probability: number },
): number | null {
  const { dayNumber, hour } = time;
  if (hashUnit(seed, id, dayNumber, 1) >= window.probability) return null;
  const start = window.earliest + hashUnit(seed, id, dayNumber, 2) * (window.latest - window.earliest);
  const elapsed = hour - start;
  return elapsed >= 0 && elapsed < window.durationHours ? elapsed : null;
}

const APPLIANCES: readonly Appliance[] = [
  {
    id: 1, // fridge compressor: about 15 minutes on in every 50
    phase: 0,
    reactivePerWatt: 0.75,
    power: (seed, time) => ((time.second / 60 + hashUnit(seed, 1) * 50) % 50 < 15 ? 95 : 0),
  },
  {
    id: 2, // kettle at breakfast
    phase: 1,
    reactivePerWatt: 0,
    power: (seed, time) =>
      dailyRun(seed, 2, time, { earliest: 6.3, latest: 8, durationHours: 0.05, probability: 0.85 }) === null
        ? 0
        : 2000,
  },
  {
    id: 3, // cooktop: thermostat cycles 40 s on / 20 s off
    phase: 1,
    reactivePerWatt: 0,
    power: (seed, time) =>
      dailyRun(seed, 3, time, { earliest: 17.75, latest: 19.25, durationHours: 0.6, probability: 0.8 }) !==
        null && time.second % 60 < 40
        ? 1800
        : 0,
  },
  {
    id: 4, // washing machine: heating 15 min, then the drum motor
    phase: 2,
    reactivePerWatt: 0.6,
    power: (seed, time) => {
      const elapsed = dailyRun(seed, 4, time, {
        earliest: 9,
        latest: 16,
        durationHours: 1.5,
        probability: time.weekday >= 6 ? 0.7 : 0.3,
      });
      if (elapsed === null) return 0;
      return elapsed < 0.25 ? 2100 : 280;
    },
  },
  {
    id: 5, // dishwasher after dinner: heating 20 min, pump the rest
    phase: 0,
    reactivePerWatt: 0.3,
    power: (seed, time) => {
      const elapsed = dailyRun(seed, 5, time, {
        earliest: 20,
        latest: 22,
        durationHours: 1.6,
        probability: 0.6,
      });
      if (elapsed === null) return 0;
      return elapsed < 0.33 ? 1950 : 120;
    },
  },
];

/** Gaussian bump centred on `centre` (hours) with width `width`. */
function bump(hour: number, centre: number, width: number): number {
  const distance = Math.min(Math.abs(hour - centre), DAY_HOURS - Math.abs(hour - centre));
  return Math.exp(-((distance / width) ** 2) / 2);
}

/** Lighting, TV, computers, cooking small appliances: W, before noise. */
function activity(time: HouseholdTime): number {
  const weekend = time.weekday >= 6;
  const morning = bump(time.hour, weekend ? 8.75 : 7.1, 0.8) * (weekend ? 450 : 380);
  const midday = bump(time.hour, 12.4, 1.2) * (weekend ? 350 : 120);
  const evening = bump(time.hour, 19.6, 1.6) * 650;
  return morning + midday + evening;
}

export function householdLoad(seed: number, time: HouseholdTime): PhaseLoad {
  const base = 150 + hashUnit(seed, 100) * 150; // standby of this household, 150–300 W
  const wobble = 0.7 + 0.6 * smoothNoise(seed, 101, time.second, 600);
  const spread = activity(time) * wobble + base;
  const active: [number, number, number] = [spread * 0.5, spread * 0.3, spread * 0.2];
  // switched-mode power supplies of the standby and electronics load: slightly capacitive
  const reactive: [number, number, number] = [-0.12 * active[0], -0.12 * active[1], -0.12 * active[2]];
  for (const appliance of APPLIANCES) {
    const watts = appliance.power(seed, time);
    active[appliance.phase] += watts;
    reactive[appliance.phase] += watts * appliance.reactivePerWatt;
  }
  return { active, reactive };
}
