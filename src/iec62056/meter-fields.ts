/**
 * The meter's identity and clock as a readout or telegram states them.
 */
import type { DataSet } from "./data-block.js";
import { localDateTime, parseP1Timestamp } from "./values.js";

/**
 * The meter's serial, by preference: C.1.0 (IEC 62056-21 readouts, e.g. the L+G E350), 0-0:96.1.1
 * then 0-0:96.1.0 (DSMR equipment identifier); null when none is present and non-empty.
 */
export function meterIdFrom(sets: readonly DataSet[]): string | null {
  for (const wanted of ["C.1.0", "0-0:96.1.1", "0-0:96.1.0"]) {
    const set = sets.find(
      (s) => s.address === wanted || (wanted === "C.1.0" && s.address.endsWith(":C.1.0")),
    );
    const written = set?.groups[0]?.value.trim();
    if (written) return wanted === "C.1.0" ? written : decodeHexAscii(written);
  }
  return null;
}

/**
 * DSMR writes the equipment identifier as hex-encoded ASCII ("4B38…" = "K8…", DSMR P1 5.0.2 §6.12
 * "Equipment identifier" Sn, n = 0..96). Decoded only when the result is printable and long enough that
 * a purely numeric serial is not mistaken for it.
 */
function decodeHexAscii(text: string): string {
  if (text.length < 16 || text.length % 2 !== 0 || !/^[0-9A-Fa-f]+$/.test(text)) return text;
  let decoded = "";
  for (let i = 0; i < text.length; i += 2) {
    const code = Number.parseInt(text.slice(i, i + 2), 16);
    if (code < 0x20 || code > 0x7e) return text;
    decoded += String.fromCharCode(code);
  }
  return decoded;
}

/**
 * The measurement time: 0-0:1.0.0 (P1 timestamp), else 0.9.1 time with 0.9.2 date as IEC readouts
 * write them (IEC 62056-61: C = 0, D = 9).
 */
export function meterTimeFrom(sets: readonly DataSet[]): string | null {
  const clock = sets.find((s) => s.address === "0-0:1.0.0");
  const stamp = clock?.groups[0] && parseP1Timestamp(clock.groups[0].value);
  if (stamp) return stamp;
  const time = findReduced(sets, "0.9.1");
  const date = findReduced(sets, "0.9.2");
  if (time === null || date === null) return null;
  return combineDateTime(date, time);
}

function findReduced(sets: readonly DataSet[], cde: string): string | null {
  const suffix = `:${cde}`;
  const set = sets.find((s) => s.address === cde || s.address.endsWith(suffix));
  return set?.groups[0]?.value.trim() ?? null;
}

/**
 * Dates seen in readouts: "170214" (YYMMDD), "1190714" (a leading century digit, 0 = 19xx, 1 = 20xx, as
 * EMH and L+G ZMD write it), "17-11-06"; times "155420" and "16:40:56".
 */
function combineDateTime(date: string, time: string): string | null {
  const d = /^([01])?(\d\d)-?(\d\d)-?(\d\d)$/.exec(date);
  const t = /^(\d\d):?(\d\d):?(\d\d)$/.exec(time);
  if (!d || !t) return null;
  const century = d[1] === "0" ? "19" : "20";
  return localDateTime(`${century}${d[2]}`, d[3]!, d[4]!, t[1]!, t[2]!, t[3]!);
}
