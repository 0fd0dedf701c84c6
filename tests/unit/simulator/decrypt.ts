/**
 * Test-side decryption of general-glo-ciphering with node:crypto, written independently of both the
 * simulator's encoder and the project's decoder so that a fixture's plaintext can be recovered here.
 * AES-CTR from counter block IV ‖ 00000002 is the GCM keystream (research note §5).
 */
import { createCipheriv, createDecipheriv } from "node:crypto";

export interface Deciphered {
  readonly systemTitle: Uint8Array;
  readonly securityControl: number;
  readonly frameCounter: number;
  readonly plaintext: Uint8Array;
  readonly tag: Uint8Array | null;
}

export function decipherGlo(apdu: Uint8Array, encryptionKey: Uint8Array): Deciphered {
  if (apdu[0] !== 0xdb || apdu[1] !== 0x08) throw new Error("not general-glo-ciphering");
  const systemTitle = apdu.subarray(2, 10);
  let offset = 10;
  let length = apdu[offset++]!;
  if (length === 0x81) length = apdu[offset++]!;
  else if (length === 0x82) {
    length = (apdu[offset]! << 8) | apdu[offset + 1]!;
    offset += 2;
  }
  const securityControl = apdu[offset]!;
  const counterBytes = apdu.subarray(offset + 1, offset + 5);
  const secured = apdu.subarray(offset + 5, offset + length);
  const hasTag = (securityControl & 0x10) !== 0;
  const ciphertext = hasTag ? secured.subarray(0, secured.length - 12) : secured;
  const iv = Buffer.concat([systemTitle, counterBytes, Buffer.of(0, 0, 0, 2)]);
  const ctr = createDecipheriv("aes-128-ctr", encryptionKey, iv);
  return {
    systemTitle,
    securityControl,
    frameCounter: Buffer.from(counterBytes).readUInt32BE(0),
    plaintext: Uint8Array.from(Buffer.concat([ctr.update(ciphertext), ctr.final()])),
    tag: hasTag ? secured.subarray(secured.length - 12) : null,
  };
}

/** The 12-byte GCM tag over a plaintext with AAD = SC ‖ AK, for checking a tag independently. */
export function gcmTag(d: Deciphered, encryptionKey: Uint8Array, authenticationKey: Uint8Array): Uint8Array {
  const counter = Buffer.alloc(4);
  counter.writeUInt32BE(d.frameCounter);
  const cipher = createCipheriv("aes-128-gcm", encryptionKey, Buffer.concat([d.systemTitle, counter]));
  cipher.setAAD(Buffer.concat([Buffer.of(d.securityControl), authenticationKey]));
  cipher.update(d.plaintext);
  cipher.final();
  return Uint8Array.from(cipher.getAuthTag().subarray(0, 12));
}

/** Splits a stream of well-formed HDLC frames (test input only) and joins their APDU parts: LLC and GBT headers removed. */
export function hdlcApdu(stream: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  let offset = 0;
  while (offset < stream.length) {
    if (stream[offset] !== 0x7e) throw new Error(`no flag at ${offset}`);
    const length = ((stream[offset + 1]! & 0x07) << 8) | stream[offset + 2]!;
    let information = stream.subarray(offset + 1 + 8, offset + 1 + length - 2);
    if (information[0] === 0xe6) information = information.subarray(3);
    if (information[0] === 0xe0) information = information.subarray(7, 7 + information[6]!);
    parts.push(information);
    offset += length + 2;
  }
  return Uint8Array.from(Buffer.concat(parts));
}

export function hdlcFrames(stream: Uint8Array): Uint8Array[] {
  const frames: Uint8Array[] = [];
  let offset = 0;
  while (offset < stream.length) {
    const length = ((stream[offset + 1]! & 0x07) << 8) | stream[offset + 2]!;
    frames.push(stream.subarray(offset, offset + length + 2));
    offset += length + 2;
  }
  return frames;
}
