/**
 * general-glo-ciphering (0xDB) and general-ded-ciphering (0xDC) with AES-128-GCM (Green Book
 * §9.2.7.2.4):
 *
 *   DB | 08 system-title | length | SC | FC(4) | ciphertext | [tag 12]
 *
 * SC: bits 0–3 suite (0 and 1 use AES-GCM-128), 0x10 authenticated, 0x20 encrypted. IV = system
 * title ‖ frame counter; AAD = SC ‖ AK. Some operators publish only the encryption key (Netz
 * Burgenland: tosog/nbsm nbsm.py needs no authentication key), so without an authentication key the
 * tag is skipped and the payload deciphered as AES-CTR from counter block IV ‖ 00000002, which is
 * what GCM does internally (NIST SP 800-38D §7.2).
 */
import { createCipheriv, createDecipheriv } from "node:crypto";
import { DecodeError } from "../model/issue.js";
import { Reader } from "./axdr.js";

export const GLO_CIPHERING = 0xdb;
export const DED_CIPHERING = 0xdc;
const TAG_LENGTH = 12;

export interface CipheredApdu {
  readonly systemTitle: Uint8Array;
  readonly securityControl: number;
  readonly frameCounter: number;
  /** Ciphertext (or plaintext when only authenticated), without the tag. */
  readonly payload: Uint8Array;
  readonly tag: Uint8Array | null;
}

export interface Keys {
  readonly encryptionKey?: Uint8Array;
  readonly authenticationKey?: Uint8Array;
}

export type TagCheck = "verified" | "skipped-no-authentication-key" | "absent";

export interface Deciphered {
  readonly plaintext: Uint8Array;
  readonly tagCheck: TagCheck;
}

export function isCiphered(apdu: Uint8Array): boolean {
  return apdu[0] === GLO_CIPHERING || apdu[0] === DED_CIPHERING;
}

export function parseCiphered(apdu: Uint8Array): CipheredApdu {
  const reader = new Reader(apdu);
  reader.u8();
  const titleLength = reader.length();
  if (titleLength !== 8)
    throw new DecodeError("malformed", `system title of ${titleLength} bytes, expected 8`);
  const systemTitle = reader.take(8);
  const length = reader.length();
  if (length < 5) throw new DecodeError("malformed", `ciphered content of ${length} bytes is too short`);
  reader.need(length);
  const securityControl = reader.u8();
  const frameCounter = reader.u32();
  const authenticated = (securityControl & 0x10) !== 0;
  const body = reader.take(length - 5);
  if (authenticated && body.length < TAG_LENGTH) {
    throw new DecodeError("truncated", "authenticated APDU shorter than its 12-byte tag");
  }
  return {
    systemTitle,
    securityControl,
    frameCounter,
    payload: authenticated ? body.subarray(0, body.length - TAG_LENGTH) : body,
    tag: authenticated ? body.subarray(body.length - TAG_LENGTH) : null,
  };
}

/** IV = system title ‖ frame counter (Green Book §9.2.7.2.4.1). */
export function initialisationVector(apdu: CipheredApdu): Buffer {
  const iv = Buffer.alloc(12);
  iv.set(apdu.systemTitle, 0);
  iv.writeUInt32BE(apdu.frameCounter, 8);
  return iv;
}

/** Deciphers and, when the authentication key is known, verifies. Throws DecodeError on failure. */
export function decipher(apdu: CipheredApdu, keys: Keys): Deciphered {
  const suite = apdu.securityControl & 0x0f;
  if (suite > 1)
    throw new DecodeError("unsupported", `security suite ${suite} (only suites 0 and 1, AES-128-GCM)`);
  if ((apdu.securityControl & 0x80) !== 0)
    throw new DecodeError("unsupported", "compressed APDUs are not supported");
  const encrypted = (apdu.securityControl & 0x20) !== 0;
  const iv = initialisationVector(apdu);
  if (!encrypted) {
    if (apdu.tag && keys.authenticationKey) {
      verifyTag(apdu, iv, keys.encryptionKey, keys.authenticationKey);
      return { plaintext: apdu.payload, tagCheck: "verified" };
    }
    return { plaintext: apdu.payload, tagCheck: apdu.tag ? "skipped-no-authentication-key" : "absent" };
  }
  if (!keys.encryptionKey) {
    throw new DecodeError("missing-key", "the push is encrypted and no encryption key is configured");
  }
  if (apdu.tag && keys.authenticationKey) {
    const gcm = createDecipheriv("aes-128-gcm", keys.encryptionKey, iv, { authTagLength: TAG_LENGTH });
    gcm.setAAD(additionalData(apdu.securityControl, keys.authenticationKey));
    gcm.setAuthTag(apdu.tag);
    const plaintext = gcm.update(apdu.payload);
    try {
      gcm.final();
    } catch {
      throw new DecodeError("auth-failed", "the authentication tag does not verify with the configured keys");
    }
    return { plaintext: new Uint8Array(plaintext), tagCheck: "verified" };
  }
  return {
    plaintext: counterModeDecrypt(apdu, iv, keys.encryptionKey),
    tagCheck: apdu.tag ? "skipped-no-authentication-key" : "absent",
  };
}

/** GCM's keystream: AES-CTR starting at IV ‖ 00000002 (counter 1 is reserved for the tag). */
export function counterModeDecrypt(apdu: CipheredApdu, iv: Uint8Array, key: Uint8Array): Uint8Array {
  const counter = Buffer.alloc(16);
  counter.set(iv, 0);
  counter.writeUInt32BE(2, 12);
  const ctr = createDecipheriv("aes-128-ctr", key, counter);
  return new Uint8Array(Buffer.concat([ctr.update(apdu.payload), ctr.final()]));
}

function additionalData(
  securityControl: number,
  authenticationKey: Uint8Array,
  plaintext?: Uint8Array,
): Buffer {
  return Buffer.concat([Buffer.of(securityControl), authenticationKey, ...(plaintext ? [plaintext] : [])]);
}

/** Authentication only (SC 0x10): the tag is GMAC over SC ‖ AK ‖ plaintext. */
function verifyTag(
  apdu: CipheredApdu,
  iv: Buffer,
  encryptionKey: Uint8Array | undefined,
  authenticationKey: Uint8Array,
): void {
  if (!encryptionKey)
    throw new DecodeError("missing-key", "checking the tag needs the encryption key as well");
  const gmac = createCipheriv("aes-128-gcm", encryptionKey, iv, { authTagLength: TAG_LENGTH });
  gmac.setAAD(additionalData(apdu.securityControl, authenticationKey, apdu.payload));
  gmac.final();
  if (!Buffer.from(gmac.getAuthTag()).equals(Buffer.from(apdu.tag!))) {
    throw new DecodeError("auth-failed", "the authentication tag does not verify with the configured keys");
  }
}
