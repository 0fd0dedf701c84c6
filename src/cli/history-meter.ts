/**
 * Which meter an import belongs to. The store is keyed by the meter's identity key, the key of its
 * MQTT topics (meter/meter-identity.ts), so a user's serial or system title goes through the same
 * normalisation, and with an empty store the import goes to the meter `e450 run` reads by default.
 */
import { toTopicSafeKey } from "../meter/meter-identity.js";
import { createMeterState } from "../simulator/index.js";

/**
 * The key of the built-in virtual E450 with its default seed, as `e450 run` publishes it without an
 * encryption key: that meter sends the unencrypted Swiss push (service/virtual-meter.ts), which carries
 * no system title, so its key is its serial number (meterIdentityOf). With a key configured it sends
 * the Steiermark push and is keyed by its system title instead; `--meter` names that one.
 */
export function virtualMeterKey(): string {
  return toTopicSafeKey(createMeterState({ start: 0 }).identity.serialNumber);
}

export type MeterChoice =
  | { readonly ok: true; readonly key: string; readonly note: string | null }
  | { readonly ok: false; readonly message: string };

export function chooseMeter(given: string | undefined, stored: readonly string[]): MeterChoice {
  if (given !== undefined) {
    const key = toTopicSafeKey(given);
    if (key === "")
      return { ok: false, message: `--meter: "${given}" has no letter or digit to key a meter by` };
    const note =
      stored.length > 0 && !stored.includes(key)
        ? `meter ${key} is new to the store (it holds ${stored.join(", ")})`
        : null;
    return { ok: true, key, note };
  }
  const [only, ...others] = stored;
  if (only === undefined) return { ok: true, key: virtualMeterKey(), note: null };
  if (others.length === 0) return { ok: true, key: only, note: null };
  return { ok: false, message: `--meter: the store holds several meters (${stored.join(", ")}); name one` };
}
