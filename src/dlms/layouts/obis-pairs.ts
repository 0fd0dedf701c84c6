/**
 * Bodies that name each value by OBIS code. Steiermark E450s send date-time + (OBIS, value) pairs
 * (martink173/smartmeter-datacollector hdlc_dlms_parser.py; esphome-libs/dlms_parser
 * tests/expected/hdlc_landis_gyr_e450.h); Kaifa, Iskra and Aidon add a scaler_unit (their dumps in
 * esphome-libs/dlms_parser tests/expected/), either flat (OBIS, value, {scaler, unit}) or nested
 * {OBIS, value, {scaler, unit}}. Elements that carry no
 * code keep their position: a leading date-time is the measurement time (Steiermark), a trailing
 * printable octet-string is the meter number (Netz NÖ Kaifa; esphome dlms_meter reads it so).
 */
import type { DlmsData } from "../axdr.js";
import { parseObis } from "../../obis/obis.js";
import { asObis, asScalerUnit, isDateTimeOctets, isPrintable } from "./obis-shape.js";
import type { LayoutResult, RawRegister } from "./register.js";

const METER_NUMBER = parseObis("0-0:96.1.0.255")!;

/** One flat token: a body element, or the parts of a nested {OBIS, value[, scaler_unit]} structure. */
function flatten(body: DlmsData): DlmsData[] {
  if (body.type !== "structure" && body.type !== "array") return [body];
  const tokens: DlmsData[] = [];
  for (const item of body.items) {
    if (
      item.type === "structure" &&
      item.items.length >= 2 &&
      item.items.length <= 3 &&
      asObis(item.items[0])
    ) {
      tokens.push(...item.items);
    } else {
      tokens.push(item);
    }
  }
  return tokens;
}

export function readObisPairs(body: DlmsData): LayoutResult | null {
  const tokens = flatten(body);
  const registers: RawRegister[] = [];
  const unlabelled: { index: number; data: DlmsData }[] = [];
  let labelled = 0;
  let withScaler = 0;
  for (let i = 0; i < tokens.length; i++) {
    const code = asObis(tokens[i]);
    const value = tokens[i + 1];
    if (code && value && !asObis(value) && !asScalerUnit(value)) {
      const scalerUnit = asScalerUnit(tokens[i + 2]);
      registers.push(
        scalerUnit
          ? { label: { kind: "obis", code }, data: value, scalerUnit }
          : { label: { kind: "obis", code }, data: value },
      );
      labelled++;
      if (scalerUnit) withScaler++;
      i += scalerUnit ? 2 : 1;
    } else {
      unlabelled.push({ index: i, data: tokens[i]! });
    }
  }
  if (labelled === 0) return null;
  let bodyTime: Uint8Array | undefined;
  for (const [position, { index, data }] of unlabelled.entries()) {
    if (position === 0 && index === 0 && isDateTimeOctets(data)) {
      bodyTime = data.bytes;
    } else if (index === tokens.length - 1 && data.type === "octet-string" && isPrintable(data.bytes)) {
      registers.push({ label: { kind: "obis", code: METER_NUMBER }, data });
    } else {
      registers.push({ label: { kind: "position", index }, data });
    }
  }
  return {
    layout: withScaler > 0 ? "scaler-unit-triplets" : "obis-pairs",
    registers,
    ...(bodyTime ? { bodyTime } : {}),
  };
}
