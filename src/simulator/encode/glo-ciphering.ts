/**
 * general-glo-ciphering (Green Book §9.2.7.2.4): DB | 08 system-title | length |
 * SC | frame counter u32 | ciphertext | [12-byte GCM tag]. AES-128-GCM with IV = system title ‖
 * frame counter. SC 0x30 (encrypted + authenticated, Steiermark, Burgenland) appends the tag computed
 * with AAD = SC ‖ AK; SC 0x20 (encryption only, Wiener Netze) sends the GCM ciphertext alone, which is
 * AES-CTR starting at counter block IV ‖ 00000002.
 */
import { concat } from "../../model/bytes.js";
import { createCipheriv } from "node:crypto";
import { encodeLength } from "./axdr.js";

const GENERAL_GLO_CIPHERING_TAG = 0xdb;
const TAG_LENGTH = 12;

type CipheringSecurity =
  | { readonly securityControl: 0x30; readonly authenticationKey: Uint8Array }
  | { readonly securityControl: 0x20 };

export interface GloCipheringParams {
  readonly systemTitle: Uint8Array;
  readonly frameCounter: number;
  readonly encryptionKey: Uint8Array;
  readonly security: CipheringSecurity;
}

export function encodeGeneralGloCiphering(plaintext: Uint8Array, params: GloCipheringParams): Uint8Array {
  const { systemTitle, frameCounter, encryptionKey, security } = params;
  if (systemTitle.length !== 8) throw new RangeError("a system title has 8 bytes");
  if (encryptionKey.length !== 16) throw new RangeError("an AES-128 key has 16 bytes");
  if (!Number.isInteger(frameCounter) || frameCounter < 0 || frameCounter > 0xffff_ffff) {
    throw new RangeError(`frame counter ${frameCounter}`);
  }
  const counter = new Uint8Array(4);
  new DataView(counter.buffer).setUint32(0, frameCounter);
  const cipher = createCipheriv("aes-128-gcm", encryptionKey, concat([systemTitle, counter]), {
    authTagLength: 16,
  });
  if (security.securityControl === 0x30) {
    if (security.authenticationKey.length !== 16) throw new RangeError("an authentication key has 16 bytes");
    cipher.setAAD(concat([Uint8Array.of(security.securityControl), security.authenticationKey]));
  }
  const ciphertext = concat([cipher.update(plaintext), cipher.final()]);
  const tag =
    security.securityControl === 0x30 ? cipher.getAuthTag().subarray(0, TAG_LENGTH) : new Uint8Array(0);
  const securedLength = 1 + counter.length + ciphertext.length + tag.length;
  return concat([
    Uint8Array.of(GENERAL_GLO_CIPHERING_TAG, systemTitle.length),
    systemTitle,
    encodeLength(securedLength),
    Uint8Array.of(security.securityControl),
    counter,
    ciphertext,
    tag,
  ]);
}
