/** Shape tests on decoded A-XDR values, shared by the layout recognisers. */
import type { DlmsData } from "../axdr.js";
import { looksLikeDateTime } from "../datetime.js";
import { type ObisCode, obisFromBytes } from "../../obis/obis.js";
import type { ScalerUnit } from "./register.js";

/**
 * A 6-byte octet-string that reads as an OBIS code: A names a medium (0 abstract, 1 electricity,
 * up to 15) and F is 255 or a billing-period index. Serial numbers of six digits would be ASCII
 * (0x30–0x39) in A and fail this test.
 */
export function asObis(data: DlmsData | undefined): ObisCode | null {
  if (data?.type !== "octet-string" || data.bytes.length !== 6) return null;
  const code = obisFromBytes(data.bytes);
  if (!code || code.a > 15 || (code.f !== 255 && code.f > 99)) return null;
  return code;
}

/** {integer scaler, enum unit}, the scaler_unit of a COSEM register (class 3 attribute 3). */
export function asScalerUnit(data: DlmsData | undefined): ScalerUnit | null {
  if (data?.type !== "structure" || data.items.length !== 2) return null;
  const [scaler, unit] = data.items;
  if (scaler?.type !== "integer" || scaler.tag !== 0x0f || unit?.type !== "enum") return null;
  return { scaler: Number(scaler.value), unit: unit.value };
}

export function isDateTimeOctets(
  data: DlmsData | undefined,
): data is { type: "octet-string"; bytes: Uint8Array } {
  return data?.type === "octet-string" && looksLikeDateTime(data.bytes);
}

export function isUnsigned(data: DlmsData | undefined, tag: number): boolean {
  return data?.type === "integer" && data.tag === tag;
}

/** Printable ASCII, as serial numbers and logical device names are. */
export function isPrintable(bytes: Uint8Array): boolean {
  return bytes.length > 0 && bytes.every((byte) => (byte >= 0x20 && byte < 0x7f) || byte === 0);
}
