/**
 * IEC 62056-21 mode C readout (IEC 62056-21 §6.4.3). No E450 mode C capture is public, so the shape
 * follows the nearest L+G one, the E350 ZMF100AC (saliWd/strommesser main_measure.py): the same lines in
 * the same order and number formats, identification with baud character 5 (9600 Bd).
 */
import {
  encodeIdentification,
  encodeReadout,
  type Identification,
  type ReadoutLine,
} from "../encode/iec62056-21-readout.js";
import type { Measurements } from "../load-model.js";
import type { MeterIdentity } from "../meter-identity.js";
import { type OutgoingFrame, readoutOutgoing, uncheckedOutgoing } from "./outgoing-frame.js";

const SIMULATOR_IDENTIFICATION: Identification = {
  manufacturer: "LGZ",
  baudCharacter: "5",
  identifier: "E450.SIM",
};

/** Firmware version shown in 0.2.0; "SIM" marks the virtual meter. */
const FIRMWARE = "SIM";

/** "042951.721": kWh with three decimals from Wh, six integer digits as the E350 writes them. */
export function kilowattHours(wattHours: number): string {
  const whole = String(Math.floor(wattHours / 1000)).padStart(6, "0");
  return `${whole}.${String(wattHours % 1000).padStart(3, "0")}`;
}

/** "000.35" from 35 hundredths of an ampere. */
export function amperes(centiamps: number): string {
  return `${String(Math.floor(centiamps / 100)).padStart(3, "0")}.${String(centiamps % 100).padStart(2, "0")}`;
}

function readoutLines(m: Measurements, identity: MeterIdentity): ReadoutLine[] {
  const e = m.energy;
  return [
    { code: "F.F", value: "00" },
    { code: "0.0", value: identity.serialNumber.slice(-6).padStart(16, " ") },
    { code: "C.1.0", value: identity.serialNumber },
    { code: "C.1.1", value: " ".repeat(8) },
    { code: "1.8.1", value: kilowattHours(e.activeImport.t1), unit: "kWh" },
    { code: "1.8.2", value: kilowattHours(e.activeImport.t2), unit: "kWh" },
    { code: "2.8.1", value: kilowattHours(e.activeExport.t1), unit: "kWh" },
    { code: "2.8.2", value: kilowattHours(e.activeExport.t2), unit: "kWh" },
    { code: "1.8.0", value: kilowattHours(e.activeImport.total), unit: "kWh" },
    { code: "2.8.0", value: kilowattHours(e.activeExport.total), unit: "kWh" },
    { code: "15.8.0", value: kilowattHours(e.activeImport.total + e.activeExport.total), unit: "kWh" },
    { code: "C.7.0", value: "0000" },
    { code: "32.7", value: String(m.phases[0].voltage), unit: "V" },
    { code: "52.7", value: String(m.phases[1].voltage), unit: "V" },
    { code: "72.7", value: String(m.phases[2].voltage), unit: "V" },
    { code: "31.7", value: amperes(m.phases[0].currentCentiamps), unit: "A" },
    { code: "51.7", value: amperes(m.phases[1].currentCentiamps), unit: "A" },
    { code: "71.7", value: amperes(m.phases[2].currentCentiamps), unit: "A" },
    { code: "82.8.1", value: "0000" },
    { code: "82.8.2", value: "0000" },
    { code: "0.2.0", value: FIRMWARE },
    { code: "C.5.0", value: "0400" },
  ];
}

export function identificationFrame(
  identification: Identification = SIMULATOR_IDENTIFICATION,
): OutgoingFrame {
  return uncheckedOutgoing(encodeIdentification(identification));
}

export function readoutFrame(m: Measurements, identity: MeterIdentity): OutgoingFrame {
  return readoutOutgoing(encodeReadout(readoutLines(m, identity)));
}
