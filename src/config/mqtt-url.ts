/**
 * `--mqtt mqtt://user:password@host:1883` or `mqtts://…` → MqttBroker. The credentials are
 * percent-decoded (RFC 3986 §2.1), so a password containing "@" or ":" is written %40 / %3A.
 */
import type { MqttBroker } from "./options.js";
import type { ConfigProblem } from "./problems.js";
import { redactUrl } from "./redact.js";
import { Secret } from "../util/secret.js";

/** IANA-registered MQTT ports (1883 plain, 8883 over TLS). */
const DEFAULT_PORTS = { "mqtt:": 1883, "mqtts:": 8883 } as const;
const EXPECTED = "expected mqtt://[user[:password]@]host[:port] or mqtts://…";

export type MqttUrlResult =
  | { readonly ok: true; readonly broker: MqttBroker }
  | { readonly ok: false; readonly problem: ConfigProblem };

/**
 * A reserved character written plainly in the credentials ends the authority early (RFC 3986 §3.2),
 * which then fails as "not a URL", "a path" or "a query": say how to write it instead.
 */
const ENCODING_HINT =
  'in the user name and password, write "/" as %2F, "?" as %3F, "#" as %23 and "@" as %40, ' +
  "or give the password with --mqtt-password-file";

export function parseMqttUrl(text: string, path = "--mqtt"): MqttUrlResult {
  const hasUserinfo = /^\s*[a-z][a-z0-9+.-]*:\/\/\S*@/i.test(text);
  const fail = (why: string, hint = false): MqttUrlResult => ({
    ok: false,
    problem: {
      path,
      message: `${EXPECTED}, got ${JSON.stringify(redactUrl(text))} (${why}${hint && hasUserinfo ? `; ${ENCODING_HINT}` : ""})`,
    },
  });
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return fail("not a URL", true);
  }
  if (url.protocol !== "mqtt:" && url.protocol !== "mqtts:")
    return fail(`the scheme ${url.protocol}// is not supported`);
  // IPv6 literals come back bracketed ("[::1]"); the MQTT client wants the bare address.
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (host === "") return fail("no host");
  if (url.pathname !== "" && url.pathname !== "/") return fail("a path is not allowed", true);
  if (url.search !== "" || url.hash !== "") return fail("a query or fragment is not allowed", true);
  let username: string;
  let password: string;
  try {
    username = decodeURIComponent(url.username);
    password = decodeURIComponent(url.password);
  } catch {
    return fail("the credentials are not valid percent-encoding");
  }
  if (password !== "" && username === "") return fail("a password needs a user name");
  const broker: MqttBroker = {
    host,
    port: url.port === "" ? DEFAULT_PORTS[url.protocol] : Number(url.port),
    tls: url.protocol === "mqtts:" ? { insecure: false } : null,
    ...(username === "" ? {} : { username }),
    ...(password === "" ? {} : { password: new Secret(password) }),
  };
  return { ok: true, broker };
}

/** "mqtts://user@host:8883" — how a broker may appear in a log line (never with its password). */
export function describeBroker(broker: MqttBroker): string {
  const user = broker.username === undefined ? "" : `${encodeURIComponent(broker.username)}@`;
  const host = broker.host.includes(":") ? `[${broker.host}]` : broker.host;
  return `${broker.tls === null ? "mqtt" : "mqtts"}://${user}${host}:${broker.port}`;
}
