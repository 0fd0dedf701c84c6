/**
 * The one table from OBIS register to meaning (ARCHITECTURE §4). Keys are C.D.E so that the Swiss
 * E450's B = 1 energies (1-1:1.8.0) and the Austrian B = 0 ones share an entry; A distinguishes
 * electricity (1) from abstract objects (0). Home Assistant classes follow sensor/const.py
 * (../shared/ha-schemas/sensor_device_classes.json).
 */
import { type ObisCode, parseObis } from "./obis.js";

export type HaDeviceClass =
  | "energy"
  | "reactive_energy"
  | "power"
  | "reactive_power"
  | "apparent_power"
  | "voltage"
  | "current"
  | "power_factor"
  | "frequency"
  | "timestamp"
  | "enum";

export type HaStateClass = "measurement" | "total" | "total_increasing";

type RegisterKind =
  | "energy"
  | "power"
  | "voltage"
  | "current"
  | "power-factor"
  | "frequency"
  | "identity"
  | "clock"
  | "tariff"
  | "status";

export interface RegisterInfo {
  /** Stable machine key, used in entity ids and topics. */
  readonly key: string;
  /** Short human name ("Energy import", "Voltage L1"). */
  readonly name: string;
  readonly kind: RegisterKind;
  /** The unit the E450 sends this register in, when the frame carries none. */
  readonly unit: string | null;
  /** Decimal places worth showing. */
  readonly precision: number;
  /** Scaler to assume when the meter sends none (E450: current ×0.01 A, power factor ×0.001; volts as sent). */
  readonly defaultScaler: number;
  readonly deviceClass?: HaDeviceClass;
  readonly stateClass?: HaStateClass;
}

type Entry = Omit<RegisterInfo, "key" | "defaultScaler"> & { defaultScaler?: number };

const PHASE_NAMES = ["", " L1", " L2", " L3"] as const;

function energy(name: string, unit: "Wh" | "varh" | "VAh"): Entry {
  const deviceClass: HaDeviceClass | undefined =
    unit === "Wh" ? "energy" : unit === "varh" ? "reactive_energy" : undefined;
  return { name, kind: "energy", unit, precision: 0, deviceClass, stateClass: "total_increasing" };
}

function power(name: string, unit: "W" | "var" | "VA"): Entry {
  const deviceClass: HaDeviceClass =
    unit === "W" ? "power" : unit === "var" ? "reactive_power" : "apparent_power";
  return { name, kind: "power", unit, precision: 0, deviceClass, stateClass: "measurement" };
}

/** Energy and power quantities by C (IEC 62056-61 table: 1 = +A, 2 = −A, 3 = +R, 4 = −R, 9 = +S, 10 = −S). */
const QUANTITIES: Record<
  number,
  { name: string; energyUnit: "Wh" | "varh" | "VAh"; powerUnit: "W" | "var" | "VA" }
> = {
  1: { name: "import", energyUnit: "Wh", powerUnit: "W" },
  2: { name: "export", energyUnit: "Wh", powerUnit: "W" },
  3: { name: "reactive import", energyUnit: "varh", powerUnit: "var" },
  4: { name: "reactive export", energyUnit: "varh", powerUnit: "var" },
  5: { name: "reactive Q1", energyUnit: "varh", powerUnit: "var" },
  6: { name: "reactive Q2", energyUnit: "varh", powerUnit: "var" },
  7: { name: "reactive Q3", energyUnit: "varh", powerUnit: "var" },
  8: { name: "reactive Q4", energyUnit: "varh", powerUnit: "var" },
  9: { name: "apparent import", energyUnit: "VAh", powerUnit: "VA" },
  10: { name: "apparent export", energyUnit: "VAh", powerUnit: "VA" },
  15: { name: "absolute", energyUnit: "Wh", powerUnit: "W" },
};

function buildTable(): Map<string, RegisterInfo> {
  const table = new Map<string, RegisterInfo>();
  const add = (cde: string, key: string, entry: Entry) =>
    table.set(cde, { ...entry, key, defaultScaler: entry.defaultScaler ?? 0 });

  // Totals and tariffs (x.8.0 … x.8.4), instantaneous power (x.7.0), per phase (C + 20/40/60).
  for (const [cText, q] of Object.entries(QUANTITIES)) {
    const c = Number(cText);
    const slug = q.name.replaceAll(" ", "_");
    add(`${c}.8.0`, `energy_${slug}`, energy(`Energy ${q.name}`, q.energyUnit));
    for (let tariff = 1; tariff <= 4; tariff++) {
      add(
        `${c}.8.${tariff}`,
        `energy_${slug}_t${tariff}`,
        energy(`Energy ${q.name} T${tariff}`, q.energyUnit),
      );
    }
    add(`${c}.7.0`, `power_${slug}`, power(`Power ${q.name}`, q.powerUnit));
    for (let phase = 1; phase <= 3; phase++) {
      add(
        `${c + 20 * phase}.7.0`,
        `power_${slug}_l${phase}`,
        power(`Power ${q.name}${PHASE_NAMES[phase]}`, q.powerUnit),
      );
      // Per-phase totals (Kamstrup Omnipower lists 21.8.0, 41.8.0, 61.8.0 …).
      add(
        `${c + 20 * phase}.8.0`,
        `energy_${slug}_l${phase}`,
        energy(`Energy ${q.name}${PHASE_NAMES[phase]}`, q.energyUnit),
      );
    }
  }
  // IEC 62056-61: 1-0:0.2.0 is the active firmware identifier (the E350 readout sends "M26").
  add("0.2.0", "firmware_version", { name: "Firmware version", kind: "identity", unit: null, precision: 0 });
  for (let phase = 1; phase <= 3; phase++) {
    const offset = 20 * (phase - 1);
    add(`${32 + offset}.7.0`, `voltage_l${phase}`, {
      name: `Voltage${PHASE_NAMES[phase]}`,
      kind: "voltage",
      unit: "V",
      precision: 1,
      deviceClass: "voltage",
      stateClass: "measurement",
    });
    add(`${31 + offset}.7.0`, `current_l${phase}`, {
      name: `Current${PHASE_NAMES[phase]}`,
      kind: "current",
      unit: "A",
      precision: 2,
      defaultScaler: -2,
      deviceClass: "current",
      stateClass: "measurement",
    });
    add(`${33 + offset}.7.0`, `power_factor_l${phase}`, {
      name: `Power factor${PHASE_NAMES[phase]}`,
      kind: "power-factor",
      unit: null,
      precision: 3,
      defaultScaler: -3,
      deviceClass: "power_factor",
      stateClass: "measurement",
    });
  }
  add("13.7.0", "power_factor", {
    name: "Power factor",
    kind: "power-factor",
    unit: null,
    precision: 3,
    defaultScaler: -3,
    deviceClass: "power_factor",
    stateClass: "measurement",
  });
  add("14.7.0", "frequency", {
    name: "Frequency",
    kind: "frequency",
    unit: "Hz",
    precision: 2,
    deviceClass: "frequency",
    stateClass: "measurement",
  });
  add("91.7.0", "current_neutral", {
    name: "Current N",
    kind: "current",
    unit: "A",
    precision: 2,
    defaultScaler: -2,
    deviceClass: "current",
    stateClass: "measurement",
  });
  // Signed active power, import minus export: C = 16 in total, 36/56/76 per phase (IEC 62056-6-1,
  // value group C, "Σ Li active power (abs(QI+QIV) − abs(QII+QIII))").
  for (let phase = 0; phase <= 3; phase++) {
    add(`${16 + 20 * phase}.7.0`, phase === 0 ? "power_net" : `power_net_l${phase}`, {
      name: `Power net${PHASE_NAMES[phase]}`,
      kind: "power",
      unit: "W",
      precision: 0,
      deviceClass: "power",
      stateClass: "measurement",
    });
  }
  return table;
}

const ELECTRICITY = buildTable();

/** Abstract objects (A = 0), keyed by C.D.E. */
const ABSTRACT: Record<string, Omit<RegisterInfo, "defaultScaler">> = {
  "42.0.0": {
    key: "logical_device_name",
    name: "Logical device name",
    kind: "identity",
    unit: null,
    precision: 0,
  },
  "96.1.0": { key: "serial_number", name: "Serial number", kind: "identity", unit: null, precision: 0 },
  "96.1.1": { key: "device_id_2", name: "Device ID 2", kind: "identity", unit: null, precision: 0 },
  "96.1.2": { key: "device_id_3", name: "Device ID 3", kind: "identity", unit: null, precision: 0 },
  "1.0.0": {
    key: "meter_clock",
    name: "Meter clock",
    kind: "clock",
    unit: null,
    precision: 0,
    deviceClass: "timestamp",
  },
  "96.14.0": { key: "current_tariff", name: "Current tariff", kind: "tariff", unit: null, precision: 0 },
  "96.3.10": {
    key: "disconnect_state",
    name: "Disconnect control state",
    kind: "status",
    unit: null,
    precision: 0,
  },
  "25.9.0": { key: "push_setup", name: "Push setup", kind: "identity", unit: null, precision: 0 },
  "96.13.0": { key: "consumer_message", name: "Consumer message", kind: "status", unit: null, precision: 0 },
};

/** Reduced codes of IEC 62056-21 readouts whose C is a letter (C.1.0 = meter serial, F.F = error register). */
const LETTER_CODES: Record<string, Omit<RegisterInfo, "defaultScaler">> = {
  "C.1.0": { key: "serial_number", name: "Serial number", kind: "identity", unit: null, precision: 0 },
  "C.1.1": { key: "device_id_2", name: "Device ID 2", kind: "identity", unit: null, precision: 0 },
  "0.0": { key: "device_address", name: "Device address", kind: "identity", unit: null, precision: 0 },
  "F.F": { key: "error_register", name: "Error register", kind: "status", unit: null, precision: 0 },
  "C.7.0": { key: "power_failures", name: "Power failures", kind: "status", unit: null, precision: 0 },
};

/** Looks up a register by full code. Unknown registers return undefined and are passed on generically. */
export function registerInfo(code: ObisCode): RegisterInfo | undefined {
  const cde = `${code.c}.${code.d}.${code.e}`;
  if (code.a === 1) return ELECTRICITY.get(cde);
  if (code.a === 0) {
    const entry = ABSTRACT[cde];
    return entry && { ...entry, defaultScaler: 0 };
  }
  return undefined;
}

/**
 * Looks up any written code: full ("1-0:32.7.0.255"), full without F ("1-0:1.8.0"), or reduced as in
 * IEC 62056-21 readouts ("1.8.1", "32.7" = 32.7.0, "C.1.0").
 */
export function registerInfoFor(written: string): RegisterInfo | undefined {
  const full = parseObis(written);
  if (full) return registerInfo(full);
  const letter = LETTER_CODES[written];
  if (letter) return { ...letter, defaultScaler: 0 };
  const reduced = /^(\d{1,3})\.(\d{1,3})(?:\.(\d{1,3}))?(?:[*&](\d{1,3}))?$/.exec(written);
  if (!reduced) return undefined;
  return ELECTRICITY.get(`${reduced[1]}.${reduced[2]}.${reduced[3] ?? "0"}`);
}

/** A readable name for any code, registered or not. */
export function registerName(written: string): string {
  // "#10": a value a positional push carries without any code (dlms/layouts/positional.ts).
  if (written.startsWith("#")) return `Unlabelled value at position ${written.slice(1)}`;
  return registerInfoFor(written)?.name ?? `OBIS ${written}`;
}
