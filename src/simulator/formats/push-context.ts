/** What a format needs to render one push: the measurements, the meter's identity, counters and keys. */
import { CLOCK_STATUS, type CosemTimestamp } from "../encode/cosem-date-time.js";
import type { Measurements } from "../load-model.js";
import type { MeterClockReading } from "../local-time.js";
import type { MeterIdentity } from "../meter-identity.js";

export interface MeterKeys {
  /** AES-128 global unicast encryption key (EK), 16 bytes. */
  readonly encryptionKey: Uint8Array;
  /** Authentication key (AK), 16 bytes; enters the GCM tag of SC 0x30 pushes. */
  readonly authenticationKey: Uint8Array;
}

/** What general-glo-ciphering needs besides the plaintext. */
export interface CipheringContext {
  readonly systemTitle: Uint8Array;
  readonly frameCounter: number;
  readonly keys: MeterKeys;
}

export interface PushContext {
  readonly measurements: Measurements;
  readonly identity: MeterIdentity;
  /** long-invoke-id-and-priority of the Data-Notification. */
  readonly invokeId: number;
  /** Frame counter (invocation counter) of ciphered pushes. */
  readonly frameCounter: number;
  /** The keys this push is ciphered with (a wrong-key fault swaps them before they get here). */
  readonly keys: MeterKeys;
}

/** Notification-header date-time status: 00 in every E450 capture (EKZ, Steiermark, Burgenland; observed). */
export const NOTIFICATION_HEADER_STATUS = 0x00;

export function headerTimestamp(clock: MeterClockReading): CosemTimestamp {
  return { local: clock.local, weekday: clock.weekday, status: NOTIFICATION_HEADER_STATUS };
}

/** Value of the E450 clock object: the "invalid" bit always set, DST bit in summer (81/01 in real-frames). */
export function meterClockTimestamp(clock: MeterClockReading): CosemTimestamp {
  return {
    local: clock.local,
    weekday: clock.weekday,
    status: CLOCK_STATUS.invalidValue | (clock.summerTime ? CLOCK_STATUS.daylightSaving : 0),
  };
}

/** Date-time inside Austrian bodies: DST bit only (Wiener Netze 80 in September, Steiermark 00 in February). */
export function daylightSavingTimestamp(clock: MeterClockReading): CosemTimestamp {
  return {
    local: clock.local,
    weekday: clock.weekday,
    status: clock.summerTime ? CLOCK_STATUS.daylightSaving : 0,
  };
}

export function cipheringOf(context: PushContext): CipheringContext {
  return {
    systemTitle: context.identity.systemTitle,
    frameCounter: context.frameCounter,
    keys: context.keys,
  };
}
