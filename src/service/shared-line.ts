/**
 * One line, several meters: a wired M-Bus on which several meters push, read by one reader. Each
 * configured meter names its sender (system title or serial number); a push is deciphered with its
 * sender's keys and its events carry that meter's id, so each meter gets its own name, area and
 * device although the line is one.
 */
import type { ConfiguredMeter } from "../config/options.js";
import type { Keys } from "../dlms/cipher.js";
import type { MeterIdentity } from "../model/meter-identity.js";
import { meterKeys } from "./meter-keys.js";

/** The keys of each meter on a shared line, by the system title its pushes carry. */
export function keysBySender(line: readonly ConfiguredMeter[]): ReadonlyMap<string, Keys> {
  const keys = new Map<string, Keys>();
  for (const meter of line) {
    const title = meter.sender?.systemTitle;
    if (title === undefined || meter.encryptionKey === undefined) continue;
    keys.set(title, meterKeys(meter));
  }
  return keys;
}

/** A physical meter on a shared line → the configured meter it is; the line's first when none says so. */
export function routeBySender(
  line: readonly [ConfiguredMeter, ...ConfiguredMeter[]],
): (identity: MeterIdentity) => string {
  return (identity) => {
    const title = identity.systemTitle?.toUpperCase();
    const match = line.find(
      ({ sender }) =>
        (sender?.systemTitle !== undefined && sender.systemTitle === title) ||
        (sender?.serialNumber !== undefined && sender.serialNumber === identity.serialNumber),
    );
    return (match ?? line[0]).id;
  };
}
