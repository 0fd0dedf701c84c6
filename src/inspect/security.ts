/**
 * general-glo-ciphering (DB) and general-ded-ciphering (DC) with their security header (Green Book
 * §9.2.7.2.4, as dlms/cipher.ts reads it):
 *
 *   DB | 08 system-title | length | SC | FC(4) | ciphertext | [tag 12]
 *
 * The header is labelled field by field; the payload is deciphered with dlms/cipher.ts and, when it
 * is a push, its plaintext is labelled in the plaintext space.
 */
import { Reader } from "../dlms/axdr.js";
import {
  type CipheredApdu,
  counterModeDecrypt,
  DED_CIPHERING,
  decipher,
  initialisationVector,
  parseCiphered,
} from "../dlms/cipher.js";
import { parseDataNotification } from "../dlms/apdu.js";
import type { DecodedPush } from "../dlms/push.js";
import { hex } from "../model/bytes.js";
import { DecodeError } from "../model/issue.js";
import { found, unlessRejected, type WalkContext } from "./context.js";
import { flagId, manufacturerName } from "./manufacturers.js";
import { walkNotification } from "./notification.js";
import type { Region } from "./region.js";

/** Labels a ciphered APDU; `decoded` and `failure` are what the decoder made of it. */
export function walkCiphered(
  context: WalkContext,
  region: Region,
  depth: number,
  decoded: DecodedPush | null,
  failure: DecodeError | null,
): void {
  const { out } = context;
  const bytes = region.bytes;
  found(context.findings, "encrypted", true);
  out.group(region, 0, region.length, depth, {
    layer: "security",
    label: "ciphered APDU",
    value: `${region.length} bytes`,
  });
  const inner = depth + 1;
  const ded = bytes[0] === DED_CIPHERING;
  out.leaf(region, 0, 1, inner, {
    layer: "security",
    label: "security tag",
    value: ded ? "general-ded-ciphering (DC)" : "general-glo-ciphering (DB)",
    note: ded ? "dedicated key of an association" : "global key",
  });
  let apdu: CipheredApdu;
  let payloadStart: number;
  const reader = new Reader(bytes, 1);
  try {
    apdu = parseCiphered(bytes);
    reader.length();
    out.leaf(region, 1, 2, inner, { layer: "security", label: "system title length", value: "8 bytes" });
    walkSystemTitle(context, region, apdu.systemTitle, inner);
    reader.take(8);
    const lengthStart = reader.offset;
    const length = reader.length();
    out.leaf(region, lengthStart, reader.offset, inner, {
      layer: "security",
      label: "length",
      value: `${length} bytes`,
      note: "security control, frame counter, ciphertext and tag",
    });
    out.leaf(region, reader.offset, reader.offset + 1, inner, {
      layer: "security",
      label: "security control",
      value: hex(apdu.securityControl),
      note: securityControlNote(apdu.securityControl),
    });
    out.leaf(region, reader.offset + 1, reader.offset + 5, inner, {
      layer: "security",
      label: "frame counter",
      value: String(apdu.frameCounter),
      note: "invocation counter; the IV is system title ‖ frame counter",
    });
    payloadStart = reader.offset + 5;
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error;
    out.unparsed(region, 1, region.length, inner, {
      code: error.code,
      message: `security header: ${error.message}`,
    });
    return;
  }
  const payloadEnd = payloadStart + apdu.payload.length;
  const tagEnd = payloadEnd + (apdu.tag?.length ?? 0);
  const plaintext = walkPayload(context, region, apdu, payloadStart, inner, decoded, failure);
  if (apdu.tag) {
    out.leaf(region, payloadEnd, tagEnd, inner, {
      layer: "security",
      label: "authentication tag",
      value: hex(apdu.tag),
      note: tagNote(context, failure, plaintext !== null),
    });
  }
  if (tagEnd < region.length) {
    out.unparsed(region, tagEnd, region.length, inner, {
      code: "malformed",
      message: `${region.length - tagEnd} byte(s) after the ciphered content`,
    });
  }
}

function walkSystemTitle(context: WalkContext, region: Region, title: Uint8Array, depth: number): void {
  const { out } = context;
  const id = flagId(title);
  const manufacturer = id ? manufacturerName(id) : null;
  found(context.findings, "systemTitle", hex(title));
  if (manufacturer) found(context.findings, "manufacturer", manufacturer);
  out.group(region, 2, 10, depth, {
    layer: "security",
    label: "system title",
    value: hex(title),
    ...(manufacturer ? { note: `made by ${manufacturer}` } : {}),
  });
  out.leaf(region, 2, 5, depth + 1, {
    layer: "security",
    label: "manufacturer (FLAG id)",
    value: id ?? hex(title.subarray(0, 3)),
    note: manufacturer ?? "not a FLAG manufacturer id",
  });
  out.leaf(region, 5, 10, depth + 1, {
    layer: "security",
    label: "device part",
    value: hex(title.subarray(3)),
    note: "the meter's own part of the system title",
  });
}

/**
 * The payload: plaintext as sent (authenticated only), deciphered into the plaintext space, or left
 * as ciphertext with the reason. Returns the plaintext region when a push was labelled in it.
 */
function walkPayload(
  context: WalkContext,
  region: Region,
  apdu: CipheredApdu,
  start: number,
  depth: number,
  decoded: DecodedPush | null,
  failure: DecodeError | null,
): Region | null {
  const { out } = context;
  const end = start + apdu.payload.length;
  const encrypted = (apdu.securityControl & 0x20) !== 0;
  if (!encrypted) {
    // Authenticated only: the APDU is in the clear, in the input itself.
    const clear = region.sub(start, end);
    walkNotificationOrUnparsed(context, clear, depth, decoded);
    return clear;
  }
  const plaintext = readablePlaintext(context, apdu, failure);
  out.leaf(region, start, end, depth, {
    layer: "security",
    label: "ciphertext",
    value: `${apdu.payload.length} bytes`,
    note: plaintext
      ? "decrypted: the plaintext layers follow the input's"
      : `not decrypted: ${failure?.message ?? "the bytes are not a push"}`,
  });
  if (!plaintext) return null;
  const placed = out.addPlaintext(plaintext);
  walkNotificationOrUnparsed(context, placed, 0, decoded);
  return placed;
}

/**
 * The deciphered payload when it is worth labelling: the push decoded, or only the tag failed and
 * counter mode still yields a push (a wrong authentication key, dlms/push.ts decipherOrExplain).
 * Garbage from a wrong encryption key is not shown as if it meant something.
 */
function readablePlaintext(
  context: WalkContext,
  apdu: CipheredApdu,
  failure: DecodeError | null,
): Uint8Array | null {
  const key = context.keys.encryptionKey;
  if (!key || failure?.code === "missing-key" || failure?.code === "garbage-plaintext") return null;
  if (failure?.code === "auth-failed") {
    const plaintext = counterModeDecrypt(apdu, initialisationVector(apdu), key);
    return unlessRejected(() => parseDataNotification(plaintext)) ? plaintext : null;
  }
  return unlessRejected(() => decipher(apdu, context.keys).plaintext);
}

function walkNotificationOrUnparsed(
  context: WalkContext,
  region: Region,
  depth: number,
  decoded: DecodedPush | null,
): void {
  if (region.bytes[0] === 0x0f) {
    walkNotification(context, region, depth, decoded);
    return;
  }
  context.out.unparsed(region, 0, region.length, depth, {
    code: "unsupported",
    message: `the deciphered APDU has tag 0x${hex(region.bytes[0] ?? 0)}, not a data-notification`,
  });
}

/** Green Book §9.2.7.2.4: bits 0–3 suite, 4 authentication, 5 encryption, 6 key set, 7 compression. */
function securityControlNote(sc: number): string {
  const parts = [
    `suite ${sc & 0x0f}${(sc & 0x0f) <= 1 ? " (AES-GCM-128)" : ""}`,
    sc & 0x10 ? "authenticated" : "not authenticated",
    sc & 0x20 ? "encrypted" : "not encrypted",
    sc & 0x40 ? "broadcast key" : "unicast key",
  ];
  if (sc & 0x80) parts.push("compressed");
  return parts.join(", ");
}

function tagNote(context: WalkContext, failure: DecodeError | null, readable: boolean): string {
  if (failure?.code === "auth-failed") return `does not verify: ${failure.message}`;
  if (!context.keys.authenticationKey)
    return "not checked: no authentication key given (some operators publish none)";
  if (!context.keys.encryptionKey) return "not checked: no encryption key given";
  return readable ? "verified with the keys given" : "not checked";
}
