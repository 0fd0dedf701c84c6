/**
 * Recognises an APDU given without HDLC or M-Bus framing: bare (first byte a push APDU tag), or in
 * the DLMS/COSEM wrapper of IEC 62056-47 (version 0x0001, source and destination wPort, length),
 * as DLMS over UDP/TCP carries it.
 */
import { GBT_TAG } from "./gbt.js";
import { DATA_NOTIFICATION } from "./apdu.js";
import { DED_CIPHERING, GLO_CIPHERING } from "./cipher.js";

const APDU_TAGS: ReadonlySet<number> = new Set([DATA_NOTIFICATION, GLO_CIPHERING, DED_CIPHERING, GBT_TAG]);
const WRAPPER_HEADER = 8;

export function unframedApdu(bytes: Uint8Array): Uint8Array | null {
  if (bytes.length > WRAPPER_HEADER && bytes[0] === 0x00 && bytes[1] === 0x01) {
    const length = (bytes[6]! << 8) | bytes[7]!;
    if (length === bytes.length - WRAPPER_HEADER && APDU_TAGS.has(bytes[WRAPPER_HEADER]!))
      return bytes.subarray(WRAPPER_HEADER);
  }
  return bytes.length > 0 && APDU_TAGS.has(bytes[0]!) ? bytes : null;
}
