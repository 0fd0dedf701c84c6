/**
 * The standalone server's password (or token), kept only as a scrypt hash with a random salt:
 * a memory dump of the web server shows no password, and a check costs an attacker as much as it
 * costs us. Comparison is constant-time (crypto.timingSafeEqual), so how many leading bytes of a
 * guess were right cannot be timed. Parameters: RFC 7914 §2 (N = 2^14, r = 8, p = 1, the
 * interactive-login choice), a 16-byte salt and a 32-byte key.
 */
import { createHmac, randomBytes, scrypt, scryptSync, timingSafeEqual } from "node:crypto";
import type { Secret } from "../util/secret.js";

const KEY_BYTES = 32;
const COST = { N: 2 ** 14, r: 8, p: 1 } as const;

export class PasswordHash {
  private readonly salt = randomBytes(16);
  private readonly hash: Buffer;

  constructor(password: Secret<string>) {
    this.hash = scryptSync(password.reveal().normalize("NFC"), this.salt, KEY_BYTES, COST);
  }

  /**
   * A keyed digest of the credential that last passed scrypt. The panel sends the same credential
   * with every request (Basic auth, SSE reconnects); scrypt each time cost 50–130 ms a request on a
   * Raspberry-class machine. A different credential still pays the full scrypt (and the rate limit);
   * the digest's key lives and dies with the process.
   */
  private readonly digestKey = randomBytes(32);
  private verified: Buffer | null = null;

  /** Whether `candidate` is the password; off the event loop (libuv's pool), as scrypt takes milliseconds. */
  async matches(candidate: string): Promise<boolean> {
    const digest = createHmac("sha256", this.digestKey).update(candidate.normalize("NFC")).digest();
    if (this.verified !== null && timingSafeEqual(digest, this.verified)) return true;
    const derived = await new Promise<Buffer>((resolve, reject) =>
      scrypt(candidate.normalize("NFC"), this.salt, KEY_BYTES, COST, (error, key) =>
        error ? reject(error) : resolve(key),
      ),
    );
    const matches = timingSafeEqual(derived, this.hash);
    if (matches) this.verified = digest;
    return matches;
  }
}

/**
 * The credential of an `Authorization` header: HTTP Basic (RFC 7617; any user name, the password
 * counts) or a bearer token (RFC 6750 §2.1). Null when the header holds neither.
 */
export function credentialOf(header: string | undefined): string | null {
  if (header === undefined) return null;
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (basic) {
    const decoded = Buffer.from(basic[1]!, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    return colon >= 0 ? decoded.slice(colon + 1) : null;
  }
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return bearer ? bearer[1]! : null;
}
