/**
 * The one redaction helper (ARCHITECTURE §9: never log secrets). Everything the program logs —
 * option objects, error messages, broker URLs — passes through here first.
 *
 * Three layers, because each catches what the others cannot:
 * 1. Secret instances (secret.ts) and values under secret-looking names are replaced by REDACTED;
 * 2. URL credentials ("mqtt://user:pw@host") and bearer tokens inside any string are masked;
 * 3. a Redactor also masks known secret values wherever they appear in free text, e.g. a key that a
 *    library echoed inside an error message.
 */
import { REDACTED, Secret } from "../util/secret.js";

export { REDACTED };

/** Names whose values are secrets: the options' encryption_key/authentication_key/password, tokens. */
const SECRET_NAME = /(?:password|passwd|passphrase|secret|token|key|authorization|credentials?)$/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name.replace(/[^A-Za-z]/g, ""));
}

/**
 * scheme://user:password@ → scheme://«redacted»@ (RFC 3986 §3.2.1 userinfo). The whole userinfo goes,
 * and it runs to the last "@" of the word: a password holding "/", "?", "#" or "@" that was not
 * percent-encoded ends the authority early for a URL parser (§3.2), so where the user name ends and
 * the password begins cannot be told. A userinfo without ":" is a user name alone and stays.
 */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)(\S*)@/gi;
/** RFC 6750 §2.1 "Authorization: Bearer <token>". */
const BEARER_TOKEN = /\b(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi;

/** A URL or any text containing URLs, with every userinfo that holds a password masked. */
export function redactUrl(text: string): string {
  return text.replace(URL_USERINFO, (whole, scheme: string, userinfo: string) =>
    userinfo.includes(":") ? `${scheme}${REDACTED}@` : whole,
  );
}

/** Masks URL passwords, bearer tokens, and every occurrence of the given secret values (any letter case). */
export function redactText(text: string, knownSecrets: Iterable<string> = []): string {
  let result = redactUrl(text).replace(BEARER_TOKEN, `$1${REDACTED}`);
  for (const secret of knownSecrets) {
    // Shorter strings would mask ordinary words; real keys and tokens are far longer.
    if (secret.length < 4) continue;
    result = result.replace(new RegExp(escapeRegExp(secret), "gi"), REDACTED);
  }
  return result;
}

/** A deep copy of `value` fit for a log line: secrets replaced, strings masked, cycles cut. */
export function redactValue(value: unknown, knownSecrets: Iterable<string> = []): unknown {
  const secrets = [...knownSecrets];
  const seen = new WeakSet<object>();
  const visit = (item: unknown, name: string | undefined): unknown => {
    if (item instanceof Secret) return REDACTED;
    if (name !== undefined && isSecretName(name) && item !== undefined && item !== null && item !== "") {
      return REDACTED;
    }
    if (typeof item === "string") return redactText(item, secrets);
    if (typeof item !== "object" || item === null) return item;
    if (seen.has(item)) return "[circular]";
    seen.add(item);
    if (item instanceof Error) return { name: item.name, message: redactText(item.message, secrets) };
    if (item instanceof Map)
      return Object.fromEntries([...item].map(([k, v]) => [String(k), visit(v, String(k))]));
    if (ArrayBuffer.isView(item)) return `[${item.byteLength} bytes]`;
    if (Array.isArray(item)) return item.map((element) => visit(element, undefined));
    return Object.fromEntries(Object.entries(item).map(([key, inner]) => [key, visit(inner, key)]));
  };
  return visit(value, undefined);
}

/** Every secret value inside `sources` (Secret instances and values under secret names), as text. */
export function collectSecrets(...sources: unknown[]): string[] {
  const found = new Set<string>();
  const seen = new WeakSet<object>();
  const add = (raw: unknown): void => {
    if (typeof raw === "string" && raw !== "") found.add(raw);
    else if (raw instanceof Uint8Array && raw.length > 0) found.add(Buffer.from(raw).toString("hex"));
  };
  const visit = (item: unknown, name: string | undefined): void => {
    if (item instanceof Secret) {
      add(item.reveal());
      return;
    }
    if (name !== undefined && isSecretName(name)) add(item);
    if (typeof item !== "object" || item === null || seen.has(item) || ArrayBuffer.isView(item)) return;
    seen.add(item);
    const entries = item instanceof Map ? [...item] : Object.entries(item);
    for (const [key, inner] of entries) visit(inner, Array.isArray(item) ? undefined : String(key));
  };
  for (const source of sources) visit(source, undefined);
  return [...found];
}

export interface Redactor {
  text(text: string): string;
  value(value: unknown): unknown;
}

/**
 * A redactor that also knows the secret values in `sources` — pass the validated options and the
 * Supervisor token once at start, then route every log line through it.
 */
export function createRedactor(...sources: unknown[]): Redactor {
  const secrets = collectSecrets(...sources);
  return {
    text: (text) => redactText(text, secrets),
    value: (value) => redactValue(value, secrets),
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
