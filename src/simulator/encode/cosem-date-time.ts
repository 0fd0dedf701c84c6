/**
 * COSEM date-time, 12 bytes (Blue Book §4.1.6.1): year u16, month, day, weekday
 * (1 = Monday), hour, minute, second, hundredths, deviation int16, clock status.
 */
import type { LocalDateTime } from "../local-time.js";

/** Deviation 0x8000 = "not specified": every E450 capture sends it (tests/fixtures/real-frames). */
const DEVIATION_NOT_SPECIFIED = 0x8000;
const HUNDREDTHS_NOT_SPECIFIED = 0xff;

export const CLOCK_STATUS = {
  /** Bit 0: the meter flags its own time as invalid; E450 clock values always carry it (real-frames). */
  invalidValue: 0x01,
  /** Bit 7: daylight saving time active. */
  daylightSaving: 0x80,
} as const;

/** A date-time as a push carries it: local wall-clock time, ISO weekday and the clock-status byte. */
export interface CosemTimestamp {
  readonly local: LocalDateTime;
  /** 1 = Monday … 7 = Sunday. */
  readonly weekday: number;
  readonly status: number;
}

export function encodeCosemDateTime(timestamp: CosemTimestamp): Uint8Array {
  const { local, weekday, status } = timestamp;
  if (weekday < 1 || weekday > 7) throw new RangeError(`weekday ${weekday}`);
  if (status < 0 || status > 0xff) throw new RangeError(`clock status ${status}`);
  return Uint8Array.of(
    local.year >>> 8,
    local.year & 0xff,
    local.month,
    local.day,
    weekday,
    local.hour,
    local.minute,
    local.second,
    HUNDREDTHS_NOT_SPECIFIED,
    DEVIATION_NOT_SPECIFIED >>> 8,
    DEVIATION_NOT_SPECIFIED & 0xff,
    status,
  );
}
