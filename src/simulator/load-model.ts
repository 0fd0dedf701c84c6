/**
 * The virtual meter's physics: household load and optional PV per phase, as a pure function of seed and
 * time, and energy registers that integrate the net power second by second. Integration runs on a fixed
 * one-second grid in integer watt-seconds, so the registers depend only on seed, start and the time
 * asked for — never on how often the model was asked — and no register ever goes down.
 */
import { householdLoad, type PhaseValues } from "./household.js";
import { centralEuropeanTime, hourOfDay, type MeterClock, type MeterClockReading } from "./local-time.js";
import { photovoltaicPower } from "./photovoltaic.js";
import { hashUnit, smoothNoise } from "./random.js";

export interface LoadModelOptions {
  readonly seed: number;
  /** Epoch milliseconds at which the meter starts counting. */
  readonly start: number;
  /** Peak power of a rooftop PV plant in W; absent or null for a household without PV. */
  readonly photovoltaicPeakWatts?: number | null;
  /**
   * Register counters a previous run ended with: the meter resumes from them (as a meter does after a
   * power cut) instead of from its seeded reading, so totals never go down across restarts.
   */
  readonly resumeFrom?: RegisterCounters;
  /** The meter's clock, which the household's day and the tariff follow; default Central European Time. */
  readonly clock?: MeterClock;
}

/** A register per tariff and their sum, as the E450 shows them (Steiermark: 1.8.0 = 1.8.1 + 1.8.2 exactly). */
interface TariffRegister {
  readonly t1: number;
  readonly t2: number;
  readonly total: number;
}

/** Wh for active energy, varh for reactive energy. */
export interface EnergyRegisters {
  readonly activeImport: TariffRegister;
  readonly activeExport: TariffRegister;
  readonly reactiveImport: TariffRegister;
  readonly reactiveExport: TariffRegister;
}

export interface PhaseMeasurement {
  /** Whole volts, as the E450 sends them (scs/smartmeter-datacollector test_lge450.py reads 236 V). */
  readonly voltage: number;
  /** Current in 0.01 A steps (E450 scaler −2). */
  readonly currentCentiamps: number;
  /** Net active power of the phase in W, negative while the phase feeds in. */
  readonly activePower: number;
}

export type Tariff = 1 | 2;

export interface Measurements {
  /** Epoch milliseconds of the measurement, on a whole second. */
  readonly at: number;
  readonly clock: MeterClockReading;
  readonly tariff: Tariff;
  readonly activePowerImport: number;
  readonly activePowerExport: number;
  readonly reactivePowerImport: number;
  readonly reactivePowerExport: number;
  readonly phases: readonly [PhaseMeasurement, PhaseMeasurement, PhaseMeasurement];
  /** Total power factor ×1000 (E450 scaler −3). */
  readonly powerFactorThousandths: number;
  readonly energy: EnergyRegisters;
}

/** Net flows of one second, the quantities the registers integrate. */
export interface InstantPower {
  readonly phaseActive: PhaseValues;
  readonly phaseReactive: PhaseValues;
  readonly activeImport: number;
  readonly activeExport: number;
  readonly reactiveImport: number;
  readonly reactiveExport: number;
  readonly photovoltaic: number;
}

type RegisterName = keyof EnergyRegisters;

/** Watt-seconds (var-seconds) per register, tariff 1 and tariff 2. */
export type RegisterCounters = Record<RegisterName, [number, number]>;
const REGISTER_NAMES: readonly RegisterName[] = [
  "activeImport",
  "activeExport",
  "reactiveImport",
  "reactiveExport",
];
const SECONDS_PER_HOUR = 3600;

/** Swiss and Austrian double tariff: high tariff Mon–Fri 07–20 h and Sat 07–13 h, low tariff otherwise. */
export function tariffAt(clock: MeterClockReading): Tariff {
  const hour = clock.local.hour;
  if (clock.weekday <= 5) return hour >= 7 && hour < 20 ? 1 : 2;
  if (clock.weekday === 6) return hour >= 7 && hour < 13 ? 1 : 2;
  return 2;
}

export class LoadModel {
  private readonly seed: number;
  private readonly clock: MeterClock;
  private readonly photovoltaicPeakWatts: number | null;
  /** Last integrated second (epoch seconds). */
  private integratedUntil: number;
  /** Watt-seconds (var-seconds) per register and tariff, including the seeded reading at start. */
  private readonly counters: RegisterCounters;

  constructor(options: LoadModelOptions) {
    this.seed = options.seed >>> 0;
    this.clock = options.clock ?? centralEuropeanTime;
    this.photovoltaicPeakWatts = options.photovoltaicPeakWatts ?? null;
    this.integratedUntil = Math.floor(options.start / 1000);
    this.counters = options.resumeFrom
      ? copyCounters(options.resumeFrom)
      : initialCounters(this.seed, this.photovoltaicPeakWatts !== null);
  }

  /** The counters now, to resume from in a later run. */
  counterState(): RegisterCounters {
    return copyCounters(this.counters);
  }

  /** Flows during the second ending at `epochSecond`. */
  powerAt(epochSecond: number): InstantPower {
    const clock = this.clock(epochSecond * 1000);
    const load = householdLoad(this.seed, {
      dayNumber: Math.floor(Date.UTC(clock.local.year, clock.local.month - 1, clock.local.day) / 86_400_000),
      hour: hourOfDay(clock.local),
      weekday: clock.weekday,
      second: epochSecond,
    });
    const photovoltaic =
      this.photovoltaicPeakWatts === null
        ? 0
        : photovoltaicPower(this.seed, epochSecond * 1000, this.photovoltaicPeakWatts);
    const perPhase = photovoltaic / 3; // three-phase inverter
    const phaseActive: PhaseValues = [
      load.active[0] - perPhase,
      load.active[1] - perPhase,
      load.active[2] - perPhase,
    ];
    const netActive = Math.round(phaseActive[0] + phaseActive[1] + phaseActive[2]);
    const netReactive = Math.round(load.reactive[0] + load.reactive[1] + load.reactive[2]);
    return {
      phaseActive,
      phaseReactive: load.reactive,
      activeImport: Math.max(netActive, 0),
      activeExport: Math.max(-netActive, 0),
      reactiveImport: Math.max(netReactive, 0),
      reactiveExport: Math.max(-netReactive, 0),
      photovoltaic,
    };
  }

  /** Integrates up to `epochMs` and returns what the meter shows then. Time never runs backwards. */
  advanceTo(epochMs: number): Measurements {
    const target = Math.floor(epochMs / 1000);
    if (target < this.integratedUntil) {
      throw new RangeError(
        `the meter is already at ${this.integratedUntil * 1000}; cannot go back to ${epochMs}`,
      );
    }
    for (let second = this.integratedUntil + 1; second <= target; second++) {
      const power = this.powerAt(second);
      const slot = tariffAt(this.clock(second * 1000)) === 1 ? 0 : 1;
      this.counters.activeImport[slot] += power.activeImport;
      this.counters.activeExport[slot] += power.activeExport;
      this.counters.reactiveImport[slot] += power.reactiveImport;
      this.counters.reactiveExport[slot] += power.reactiveExport;
    }
    this.integratedUntil = target;
    return this.measure(target);
  }

  private measure(second: number): Measurements {
    const clock = this.clock(second * 1000);
    const power = this.powerAt(second);
    const phases = [0, 1, 2].map((phase) =>
      this.phase(second, clock, power, phase),
    ) as unknown as Measurements["phases"];
    const net = power.activeImport - power.activeExport;
    const reactive = power.reactiveImport - power.reactiveExport;
    const apparent = Math.hypot(net, reactive);
    return {
      at: second * 1000,
      clock,
      tariff: tariffAt(clock),
      activePowerImport: power.activeImport,
      activePowerExport: power.activeExport,
      reactivePowerImport: power.reactiveImport,
      reactivePowerExport: power.reactiveExport,
      phases,
      powerFactorThousandths: apparent === 0 ? 1000 : Math.round((Math.abs(net) / apparent) * 1000),
      energy: this.registers(),
    };
  }

  /** 228–240 V: a seeded offset per phase, the evening sag, drop under load, rise while feeding in. */
  private phase(
    second: number,
    clock: MeterClockReading,
    power: InstantPower,
    phase: number,
  ): PhaseMeasurement {
    const active = power.phaseActive[phase]!;
    const reactive = power.phaseReactive[phase]!;
    const hour = hourOfDay(clock.local);
    const eveningSag = 3 * Math.exp(-(((hour - 19.5) / 2.5) ** 2) / 2);
    const jitter = (smoothNoise(this.seed, 300 + phase, second, 20) - 0.5) * 3;
    const offset = (hashUnit(this.seed, 310 + phase) - 0.5) * 2;
    const volts = 235 + offset - eveningSag - (0.6 * active) / 1000 + jitter;
    const voltage = Math.min(240, Math.max(228, Math.round(volts)));
    return {
      voltage,
      currentCentiamps: Math.round((Math.hypot(active, reactive) / voltage) * 100),
      activePower: Math.round(active),
    };
  }

  private registers(): EnergyRegisters {
    const result = {} as Record<RegisterName, TariffRegister>;
    for (const name of REGISTER_NAMES) {
      const [t1, t2] = this.counters[name].map((wattSeconds) =>
        Math.floor(wattSeconds / SECONDS_PER_HOUR),
      ) as [number, number];
      result[name] = { t1, t2, total: t1 + t2 };
    }
    return result;
  }
}

function copyCounters(counters: RegisterCounters): RegisterCounters {
  return {
    activeImport: [...counters.activeImport],
    activeExport: [...counters.activeExport],
    reactiveImport: [...counters.reactiveImport],
    reactiveExport: [...counters.reactiveExport],
  };
}

/** A meter that has been in service a few years: seeded readings in Wh, held as watt-seconds. */
function initialCounters(seed: number, withPhotovoltaic: boolean): RegisterCounters {
  const kWh = (low: number, high: number, key: number) =>
    Math.round((low + hashUnit(seed, 400, key) * (high - low)) * 1000) * SECONDS_PER_HOUR;
  return {
    activeImport: [kWh(4_000, 16_000, 1), kWh(2_500, 9_000, 2)],
    activeExport: withPhotovoltaic ? [kWh(1_500, 6_000, 3), kWh(50, 400, 4)] : [0, 0],
    reactiveImport: [kWh(400, 1_600, 5), kWh(200, 800, 6)],
    reactiveExport: [kWh(300, 1_200, 7), kWh(150, 600, 8)],
  };
}
