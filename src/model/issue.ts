/**
 * The one error class the pure decoding core throws (ARCHITECTURE §3). Callers branch on `code`,
 * never on the message; messages are for people and never contain key material.
 */
export type DecodeErrorCode =
  | "truncated" // the data ends before a declared length
  | "malformed" // a structure that cannot be what it claims (bad tag, impossible length)
  | "unsupported" // valid but not a kind this decoder reads (another APDU, a security suite we lack)
  | "missing-key" // ciphered APDU and no encryption key configured
  | "auth-failed" // GCM tag does not verify with the configured keys
  | "garbage-plaintext" // decrypted bytes are not an APDU: a wrong encryption key, most likely
  | "unknown-layout" // a body whose shape no known push layout explains
  | "checksum"; // BCC or CRC of a readout or telegram does not match

export class DecodeError extends Error {
  override readonly name = "DecodeError";
  constructor(
    readonly code: DecodeErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** A problem to tell the user about: stable code, plain sentence. */
export interface Issue {
  readonly code: string;
  readonly message: string;
}
