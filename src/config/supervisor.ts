/**
 * The MQTT broker the Supervisor hands to add-ons that declare `services: ["mqtt:need"]`:
 * GET http://supervisor/services/mqtt with `Authorization: Bearer $SUPERVISOR_TOKEN`, answered as
 * {result: "ok", data: {host, port, ssl, protocol, username, password}} or
 * {result: "error", message} (supervisor/api/services.py, services/modules/mqtt.py @090ef31e).
 * No message from here ever contains the token or the broker password.
 */
import type { MqttBroker, MqttTarget, TlsSettings } from "./options.js";
import { redactText } from "./redact.js";
import { Secret } from "../util/secret.js";

const SUPERVISOR_URL = "http://supervisor";

export type SupervisorErrorCode =
  | "no-token" // SUPERVISOR_TOKEN missing: not running as an add-on, or the run script lacks with-contenv
  | "unreachable" // network error or timeout
  | "refused" // 401/403: token rejected, or config.yaml does not declare the mqtt service
  | "no-service" // no broker add-on provides MQTT ("Service not enabled")
  | "malformed"; // an answer this code does not understand

export class SupervisorError extends Error {
  override readonly name = "SupervisorError";
  constructor(
    readonly code: SupervisorErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface SupervisorLookup {
  /** SUPERVISOR_TOKEN; HASSIO_TOKEN is its legacy name. */
  readonly token: string | undefined;
  readonly baseUrl?: string;
  readonly timeoutMs?: number;
  /** CA file and verification choice from the options, used when the broker speaks TLS. */
  readonly tls?: TlsSettings;
}

export async function fetchSupervisorMqtt(lookup: SupervisorLookup): Promise<MqttBroker> {
  const token = lookup.token;
  if (token === undefined || token === "") {
    throw new SupervisorError(
      "no-token",
      "SUPERVISOR_TOKEN is not set, so the MQTT broker cannot be asked from the Supervisor; outside the add-on, use --mqtt URL or the mqtt options",
    );
  }
  const baseUrl = (lookup.baseUrl ?? SUPERVISOR_URL).replace(/\/+$/, "");
  const url = `${baseUrl}/services/mqtt`;
  const clean = (text: string): string => redactText(text, [token]);

  let response: Response;
  try {
    response = await fetch(url, {
      headers: { Authorization: `Bearer ${token}`, Accept: "application/json" },
      signal: AbortSignal.timeout(lookup.timeoutMs ?? 10_000),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new SupervisorError("unreachable", clean(`cannot reach the Supervisor at ${url}: ${cause}`));
  }

  const body = await response.json().catch(() => undefined);
  const said = clean(typeof messageOf(body) === "string" ? ` (Supervisor: ${messageOf(body)})` : "");
  if (response.status === 401 || response.status === 403) {
    throw new SupervisorError(
      "refused",
      `the Supervisor refused the MQTT lookup with HTTP ${response.status}${said}; config.yaml must declare services: ["mqtt:need"]`,
    );
  }
  if (!response.ok || (body as { result?: unknown } | undefined)?.result !== "ok") {
    throw new SupervisorError(
      "no-service",
      `the Supervisor has no MQTT service (HTTP ${response.status})${said}: install and start the Mosquitto broker add-on, or set mqtt.host in the options`,
    );
  }
  return brokerFrom((body as { data?: unknown }).data, lookup.tls ?? { insecure: false });
}

/** The broker a validated MqttTarget leads to; null when the program runs without MQTT. */
export async function resolveMqttBroker(
  target: MqttTarget,
  lookup: Omit<SupervisorLookup, "tls"> = {
    token: process.env["SUPERVISOR_TOKEN"] ?? process.env["HASSIO_TOKEN"],
  },
): Promise<MqttBroker | null> {
  switch (target.kind) {
    case "none":
      return null;
    case "broker":
      return target.broker;
    case "supervisor":
      return fetchSupervisorMqtt({ ...lookup, tls: target.tls });
  }
}

function brokerFrom(data: unknown, tls: TlsSettings): MqttBroker {
  const record = (typeof data === "object" && data !== null ? data : {}) as Record<string, unknown>;
  const { host, port, ssl, username, password, protocol } = record;
  if (typeof host !== "string" || host === "" || typeof port !== "number" || !Number.isInteger(port)) {
    throw new SupervisorError(
      "malformed",
      "the Supervisor's MQTT service answer has no usable host and port",
    );
  }
  const protocolVersion = PROTOCOL_VERSIONS[String(protocol)];
  return {
    host,
    port,
    tls: ssl === true ? tls : null,
    ...(typeof username === "string" && username !== "" ? { username } : {}),
    ...(typeof password === "string" && password !== "" ? { password: new Secret(password) } : {}),
    ...(protocolVersion === undefined ? {} : { protocolVersion }),
  };
}

/** The Supervisor reports the protocol as text, "3.1.1" by default (services/modules/mqtt.py). */
const PROTOCOL_VERSIONS: Record<string, 3 | 4 | 5> = { "3.1": 3, "3.1.1": 4, "5": 5, "5.0": 5 };

function messageOf(body: unknown): unknown {
  return typeof body === "object" && body !== null ? (body as { message?: unknown }).message : undefined;
}
