/** The six value groups of an OBIS code as a logical_name octet-string (IEC 62056-61), from "A-B:C.D.E.F". */
export function obisBytes(code: string): Uint8Array {
  const match = /^(\d+)-(\d+):(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(code);
  const groups = match?.slice(1).map(Number) ?? [];
  if (groups.length !== 6 || groups.some((group) => group > 255)) throw new RangeError(`OBIS code "${code}"`);
  return Uint8Array.from(groups);
}
