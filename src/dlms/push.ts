/**
 * One complete push APDU (after link framing and block transfer) to a Snapshot: decipher when
 * ciphered, parse the Data-Notification, recognise the layout, scale. Pure; throws DecodeError.
 */
import { DecodeError } from "../model/issue.js";
import type { Reading, Snapshot } from "../model/snapshot.js";
import { hex } from "../model/bytes.js";
import { type DataNotification, parseDataNotification } from "./apdu.js";
import {
  type CipheredApdu,
  counterModeDecrypt,
  decipher,
  initialisationVector,
  isCiphered,
  type Keys,
  parseCiphered,
  type TagCheck,
} from "./cipher.js";
import { parseCosemDateTime } from "./datetime.js";
import { readLayout } from "./layouts/detect.js";
import type { LayoutName, LayoutResult } from "./layouts/register.js";
import { toReadings } from "./values.js";

export interface PushOptions extends Keys {
  readonly layout?: string;
  readonly scalerOverrides?: ReadonlyMap<string, number>;
  /**
   * Keys per sender, by system title (16 upper-case hex digits), for a line that carries several
   * meters' pushes; a sender not listed is deciphered with the keys above.
   */
  readonly keysBySystemTitle?: ReadonlyMap<string, Keys>;
}

interface CipherInfo {
  readonly systemTitle: string;
  readonly frameCounter: number;
  readonly securityControl: number;
  readonly tagCheck: TagCheck;
}

export interface DecodedPush {
  readonly snapshot: Snapshot;
  readonly layout: LayoutName;
  readonly cipher: CipherInfo | null;
}

/** The header of a ciphered APDU, for frame-counter tracking even when deciphering fails. */
export function cipherHeader(apdu: Uint8Array): CipheredApdu | null {
  if (!isCiphered(apdu)) return null;
  try {
    return parseCiphered(apdu);
  } catch {
    return null;
  }
}

export function decodePush(apdu: Uint8Array, options: PushOptions = {}): DecodedPush {
  let plaintext = apdu;
  let cipher: CipherInfo | null = null;
  if (isCiphered(apdu)) {
    const ciphered = parseCiphered(apdu);
    const keys = options.keysBySystemTitle?.get(hex(ciphered.systemTitle)) ?? options;
    const deciphered = decipherOrExplain(ciphered, keys);
    plaintext = deciphered.plaintext;
    cipher = {
      systemTitle: hex(ciphered.systemTitle),
      frameCounter: ciphered.frameCounter,
      securityControl: ciphered.securityControl,
      tagCheck: deciphered.tagCheck,
    };
  }
  const notification = parseNotification(plaintext, cipher);
  let layout: LayoutResult;
  try {
    layout = readLayout(notification.body, options.layout);
  } catch (error) {
    if (error instanceof DecodeError && cipher)
      throw new DecodeError(error.code, `push decrypted, but ${error.message}`);
    throw error;
  }
  const manufacturer = cipher ? Buffer.from(cipher.systemTitle.slice(0, 6), "hex").toString("latin1") : null;
  const e450Defaults =
    manufacturer === "LGZ" || (manufacturer === null && layout.layout !== "scaler-unit-triplets");
  const readings = toReadings(layout.registers, {
    e450Defaults,
    ...(options.scalerOverrides ? { overrides: options.scalerOverrides } : {}),
  });
  return {
    layout: layout.layout,
    cipher,
    snapshot: {
      source: "dlms-push",
      // A list that does not name the meter must not name it by the system title either: the other
      // list names it by its serial, and one meter would become two.
      meterId:
        layout.identifiesMeter === false
          ? null
          : (meterIdOf(readings) ?? (cipher ? cipher.systemTitle : null)),
      meterTime: meterTimeOf(readings, notification, layout),
      ...(cipher ? { systemTitle: cipher.systemTitle, frameCounter: cipher.frameCounter } : {}),
      readings,
    },
  };
}

/**
 * Deciphers; when the tag fails, tells a wrong authentication key from a wrong encryption key by
 * looking at what counter mode yields (a well-formed APDU means only the tag check failed).
 */
function decipherOrExplain(
  ciphered: CipheredApdu,
  keys: Keys,
): { plaintext: Uint8Array; tagCheck: TagCheck } {
  try {
    return decipher(ciphered, keys);
  } catch (error) {
    if (!(error instanceof DecodeError) || error.code !== "auth-failed" || !keys.encryptionKey) throw error;
    if (
      parsesAsNotification(counterModeDecrypt(ciphered, initialisationVector(ciphered), keys.encryptionKey))
    ) {
      throw new DecodeError(
        "auth-failed",
        "the authentication key does not match this meter (the encryption key does)",
      );
    }
    throw new DecodeError(
      "auth-failed",
      "the encryption key does not match this meter (authentication tag check failed)",
    );
  }
}

function parsesAsNotification(plaintext: Uint8Array): boolean {
  try {
    parseDataNotification(plaintext);
    return true;
  } catch {
    return false;
  }
}

function parseNotification(plaintext: Uint8Array, cipher: CipherInfo | null): DataNotification {
  try {
    return parseDataNotification(plaintext);
  } catch (error) {
    // Deciphered without a verified tag, bytes that are no push mean the key is wrong; with a verified
    // tag the key is right and the push itself is malformed.
    if (cipher && cipher.tagCheck !== "verified") {
      throw new DecodeError(
        "garbage-plaintext",
        "the encryption key does not match this meter: the decrypted bytes are not a DLMS push",
      );
    }
    throw error;
  }
}

const ID_REGISTERS = ["0-0:96.1.0.255", "0-0:96.1.1.255", "0-0:42.0.0.255"];

function meterIdOf(readings: readonly Reading[]): string | null {
  for (const obis of ID_REGISTERS) {
    const reading = readings.find((candidate) => candidate.obis === obis);
    if (reading?.value.kind === "text" && reading.value.text.trim() !== "") return reading.value.text.trim();
  }
  return null;
}

function meterTimeOf(
  readings: readonly Reading[],
  notification: DataNotification,
  layout: LayoutResult,
): string | null {
  const clock = readings.find(
    (reading) => reading.obis.endsWith(":1.0.0.255") && reading.value.kind === "datetime",
  );
  if (clock?.value.kind === "datetime") return clock.value.local;
  if (notification.dateTime) return notification.dateTime.local;
  return layout.bodyTime ? (parseCosemDateTime(layout.bodyTime)?.local ?? null) : null;
}
