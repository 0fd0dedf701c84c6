/**
 * `--mqtt mqtt://user:password@host:1883` or `mqtts://…` → MqttBroker. The credentials are
 * percent-decoded (RFC 3986 §2.1), so a password containing "@" or ":" is written %40 / %3A.
 */
import type { MqttBroker } from "./options.js";
import type { ConfigProblem } from "./problems.js";
import { redactUrl } from "./redact.js";
import { Secret } from "./secret.js";

/** IANA-registered MQTT ports (1883 plain, 8883 over TLS). */
const DEFAULT_PORTS = { "mqtt:": 1883, "mqtts:": 8883 } as const;
const EXPECTED = "expected mqtt://[user[:password]@]host[:port] or mqtts://…";

export type MqttUrlResult =
  | { readonly ok: true; readonly broker: MqttBroker }
  | { readonly ok: false; readonly problem: ConfigProblem };

export function parseMqttUrl(text: string, path = "--mqtt"): MqttUrlResult {
  const fail = (why: string): MqttUrlResult => ({
    ok: false,
    problem: { path, message: `${EXPECTED}, got ${JSON.stringify(redactUrl(text))} (${why})` },
  });
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return fail("not a URL");
  }
  if (url.protocol !== "mqtt:" && url.protocol !== "mqtts:")
    return fail(`the scheme ${url.protocol}// is not supported`);
  // IPv6 literals come back bracketed ("[::1]"); the MQTT client wants the bare address.
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (host === "") return fail("no host");
  if (url.pathname !== "" && url.pathname !== "/") return fail("a path is not allowed");
  if (url.search !== "" || url.hash !== "") return fail("a query or fragment is not allowed");
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
