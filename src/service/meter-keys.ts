/** A configured meter's keys, revealed for the decoder or the setup assistant (and nothing else). */
import type { MeterOptions } from "../config/options.js";
import type { Keys } from "../dlms/cipher.js";

export function meterKeys(meter: Pick<MeterOptions, "encryptionKey" | "authenticationKey">): Keys {
  return {
    ...(meter.encryptionKey ? { encryptionKey: meter.encryptionKey.reveal() } : {}),
    ...(meter.authenticationKey ? { authenticationKey: meter.authenticationKey.reveal() } : {}),
  };
}
