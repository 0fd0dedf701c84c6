/**
 * Who sent a snapshot. One key per physical meter keys the integrity guard's baselines, the MQTT
 * topics and Home Assistant's unique ids, so it must be the same in every push of that meter.
 */
import { toDecimalString } from "../model/exact-number.js";
import { parseObis } from "../obis/obis.js";
import { registerInfoFor } from "../obis/registry.js";
import type { MeterIdentity } from "../model/meter-identity.js";
import type { Reading, Snapshot } from "../model/snapshot.js";

const MAX_KEY_LENGTH = 64;

/** Lower-case and reduce to the characters a discovery topic allows ([a-zA-Z0-9_-], HA mqtt/discovery.py). */
export function toTopicSafeKey(text: string): string {
  const safe = text
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "_")
    .replace(/^_+|_+$/g, "");
  return safe.slice(0, MAX_KEY_LENGTH);
}

function textOf(reading: Reading | undefined): string | null {
  if (!reading) return null;
  const value = reading.value;
  const text =
    value.kind === "text" ? value.text : value.kind === "number" ? toDecimalString(value.exact) : "";
  return text.trim() || null;
}

function findByKey(snapshot: Snapshot, key: string): Reading | undefined {
  return snapshot.readings.find((reading) => registerInfoFor(reading.obis)?.key === key);
}

function findFirmware(snapshot: Snapshot): Reading | undefined {
  return snapshot.readings.find((reading) => {
    const code = parseObis(reading.obis);
    if (code) return code.a === 1 && code.c === 0 && code.d === 2 && code.e === 0;
    return reading.obis === "0.2.0";
  });
}

/**
 * The system title comes first because a ciphered E450 push carries it in every frame, while the
 * serial number is often only in some push lists (the Swiss minute list has it, the 5-second list not):
 * keying on the serial would make one meter flap between two identities.
 */
export function meterIdentityOf(snapshot: Snapshot, fallbackKey = "meter"): MeterIdentity {
  const systemTitle = snapshot.systemTitle?.trim().toUpperCase() || null;
  const serialNumber = snapshot.meterId?.trim() || textOf(findByKey(snapshot, "serial_number"));
  const logicalDeviceName = textOf(findByKey(snapshot, "logical_device_name"));
  const firmwareVersion = textOf(findFirmware(snapshot));
  const key = keyOf(systemTitle, serialNumber, logicalDeviceName) ?? (toTopicSafeKey(fallbackKey) || "meter");
  return { key, serialNumber, systemTitle, logicalDeviceName, firmwareVersion };
}

/** The key the snapshot itself names its meter by; null when it carries no identity at all. */
export function statedMeterKey(snapshot: Snapshot): string | null {
  const systemTitle = snapshot.systemTitle?.trim().toUpperCase() || null;
  const serialNumber = snapshot.meterId?.trim() || textOf(findByKey(snapshot, "serial_number"));
  return keyOf(systemTitle, serialNumber, textOf(findByKey(snapshot, "logical_device_name")));
}

function keyOf(systemTitle: string | null, serial: string | null, deviceName: string | null): string | null {
  const source = systemTitle ?? serial ?? deviceName;
  return (source && toTopicSafeKey(source)) || null;
}
