/**
 * COSEM date-time, 12 bytes (Blue Book §4.1.6.1): year u16, month, day, weekday, hour, minute,
 * second, hundredths, deviation i16 (minutes; 0x8000 = not specified), clock status.
 * E450 clocks carry status 0x81/0x01 — the "invalid value" bit is always set — and no deviation, so
 * the status is ignored and the time is read as local time. Seen in every E450 capture with a clock
 * value (scs/smartmeter-datacollector lg_e450.py, rddl-network/EnergyAgent; tests/fixtures/real-frames).
 */
export interface CosemDateTime {
  /** ISO 8601 local date-time without offset, e.g. "2026-05-04T11:39:21". */
  readonly local: string;
  /** Minutes from local time to UTC as the meter states it (Green Book sign: UTC = local + deviation). */
  readonly deviation: number | null;
  readonly daylightSaving: boolean;
}

const NOT_SPECIFIED = 0x8000;

/** Null when the field is "not specified" (0xFFFF year, 0xFF date parts) or out of range. */
export function parseCosemDateTime(bytes: Uint8Array): CosemDateTime | null {
  if (bytes.length !== 12) return null;
  const year = (bytes[0]! << 8) | bytes[1]!;
  const [month, day, , hour, minute, second] = [
    bytes[2]!,
    bytes[3]!,
    bytes[4]!,
    bytes[5]!,
    bytes[6]!,
    bytes[7]!,
  ];
  if (year === 0xffff || year < 1970 || month < 1 || month > 12 || day < 1 || day > 31) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const rawDeviation = (bytes[9]! << 8) | bytes[10]!;
  const status = bytes[11]!;
  const pad = (value: number) => String(value).padStart(2, "0");
  const local = `${year}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}`;
  return {
    local,
    deviation: rawDeviation === NOT_SPECIFIED ? null : (rawDeviation << 16) >> 16,
    daylightSaving: status !== 0xff && (status & 0x80) !== 0,
  };
}

/** A 12-byte octet-string that parses as a date-time; E450 pushes send the clock this way. */
export function looksLikeDateTime(bytes: Uint8Array): boolean {
  return bytes.length === 12 && parseCosemDateTime(bytes) !== null;
}
