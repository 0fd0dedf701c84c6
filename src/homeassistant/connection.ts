/**
 * A home-assistant-js-websocket connection from Node 20, which has no global WebSocket (on by
 * default only from Node 22): the socket comes from the `ws` package, and this module performs
 * Home Assistant's handshake (developers.home-assistant.io, WebSocket API: auth_required → auth
 * {access_token} → auth_ok | auth_invalid) the way the library's own createSocket does
 * (dist/socket.js): it resolves an authenticated socket carrying `haVersion`, and rejects with
 * ERR_INVALID_AUTH or ERR_CANNOT_CONNECT, the numbers the library's reconnect logic branches on.
 *
 * The library retries a lost connection by itself (forever, except after auth_invalid), but
 * createConnection gives up on a first failure; connectHomeAssistant keeps trying with capped
 * backoff (ARCHITECTURE §8), so the add-on may start before Home Assistant does.
 *
 * The token stays a Secret until the one line that sends it: the library's Auth object
 * (createLongLivedTokenAuth) would keep it as a plain string in the connection's options for the
 * life of the process, and a custom createSocket does not need one.
 */
import {
  type Connection,
  createConnection,
  ERR_CANNOT_CONNECT,
  ERR_INVALID_AUTH,
  type HaWebSocket,
} from "home-assistant-js-websocket";
import WebSocket from "ws";
import type { HomeAssistantTarget } from "./target.js";
import { Secret } from "../util/secret.js";
import { Backoff, type BackoffOptions } from "../util/backoff.js";

/** The Supervisor's proxy to Core's websocket API for add-ons with homeassistant_api: true. */
const SUPERVISOR_WEBSOCKET_URL = "ws://supervisor/core/websocket";

/** HA closes a client that has not authenticated within 10 s (websocket_api/const.py AUTH_TIMEOUT). */
const HANDSHAKE_TIMEOUT_MS = 10_000;

/** A failure that retrying cannot mend: no token, a rejected token, an unusable URL. */
export class HomeAssistantRefused extends Error {
  override readonly name = "HomeAssistantRefused";
}

export interface ConnectHooks {
  readonly signal: AbortSignal;
  /** A first connection failed and will be tried again after `delayMs`. */
  readonly onRetry: (reason: string, delayMs: number) => void;
}

export interface ConnectOptions {
  readonly backoff?: BackoffOptions;
  readonly handshakeTimeoutMs?: number;
}

interface Endpoint {
  readonly url: string;
  readonly token: Secret<string>;
}

/**
 * Connects to the target, retrying until it answers or `hooks.signal` aborts. Rejects with
 * HomeAssistantRefused when retrying cannot help, and with the signal's reason when aborted.
 */
export async function connectHomeAssistant(
  target: HomeAssistantTarget,
  hooks: ConnectHooks,
  options: ConnectOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<Connection> {
  const endpoint = endpointFor(target, env);
  const failure = { last: "" };
  const open = () => openAuthenticated(endpoint, options.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS, failure);
  const backoff = new Backoff(options.backoff);
  for (;;) {
    hooks.signal.throwIfAborted();
    try {
      return await createConnection({ createSocket: open, setupRetry: 0 });
    } catch (error) {
      if (error === ERR_INVALID_AUTH) {
        throw new HomeAssistantRefused(
          `Home Assistant at ${endpoint.url} refused the access token (${failure.last})`,
        );
      }
      const delayMs = backoff.next();
      hooks.onRetry(
        `cannot reach Home Assistant at ${endpoint.url}: ${failure.last || String(error)}`,
        delayMs,
      );
      await pause(delayMs, hooks.signal);
    }
  }
}

function endpointFor(target: HomeAssistantTarget, env: NodeJS.ProcessEnv): Endpoint {
  switch (target.kind) {
    case "supervisor": {
      // The Supervisor injects SUPERVISOR_TOKEN (HASSIO_TOKEN in older releases) into add-ons.
      const token = env["SUPERVISOR_TOKEN"] || env["HASSIO_TOKEN"];
      if (!token) {
        throw new HomeAssistantRefused(
          "SUPERVISOR_TOKEN is not set: the add-on needs homeassistant_api: true to read prices from Home Assistant",
        );
      }
      return { url: SUPERVISOR_WEBSOCKET_URL, token: new Secret(token) };
    }
    case "url":
      return { url: webSocketUrl(target.url), token: target.token };
    case "none":
      throw new HomeAssistantRefused("no Home Assistant connection is configured");
  }
}

/**
 * Home Assistant's websocket endpoint for a base URL as users copy it from the browser
 * ("http://homeassistant.local:8123", "https://ha.example.org/"): http → ws, https → wss, path
 * /api/websocket appended (as the library's Auth.wsUrl does) unless it is already there.
 */
export function webSocketUrl(base: string): string {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new HomeAssistantRefused(`not a URL: ${JSON.stringify(base)}`);
  }
  const scheme = { "http:": "ws:", "https:": "wss:", "ws:": "ws:", "wss:": "wss:" }[url.protocol];
  if (!scheme) throw new HomeAssistantRefused(`${base} is not an http(s):// or ws(s):// URL`);
  const path = url.pathname.replace(/\/+$/, "");
  const tail = path.endsWith("/api/websocket") ? path : `${path}/api/websocket`;
  return `${scheme}//${url.host}${tail}`;
}

function openAuthenticated(
  endpoint: Endpoint,
  timeoutMs: number,
  failure: { last: string },
): Promise<HaWebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(endpoint.url);
    // ws is an EventEmitter: an "error" without a listener would throw out of the process. After
    // the handshake the library listens for "close" only, which ws emits after every error.
    socket.on("error", () => {});
    let settled = false;
    const fail = (code: number, why: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.removeAllListeners("message").removeAllListeners("close");
      failure.last = why;
      socket.terminate();
      reject(code);
    };
    const timer = setTimeout(() => fail(ERR_CANNOT_CONNECT, `no auth_ok within ${timeoutMs} ms`), timeoutMs);
    socket.on("error", (error) => fail(ERR_CANNOT_CONNECT, error.message));
    socket.on("close", (code) =>
      fail(ERR_CANNOT_CONNECT, `the connection closed during the handshake (${code})`),
    );
    socket.on("message", (data) => {
      const message = parseMessage(String(data));
      if (message?.["type"] === "auth_required") {
        socket.send(JSON.stringify({ type: "auth", access_token: endpoint.token.reveal() }));
      } else if (message?.["type"] === "auth_invalid") {
        fail(ERR_INVALID_AUTH, `auth_invalid: ${String(message["message"] ?? "")}`);
      } else if (message?.["type"] === "auth_ok") {
        settled = true;
        clearTimeout(timer);
        socket.removeAllListeners("message").removeAllListeners("close");
        const authenticated = Object.assign(socket, { haVersion: String(message["ha_version"] ?? "") });
        // As the library's createSocket: from 2022.9 ask for coalesced messages, always as id 1
        // (Connection starts its own ids at 2 for this reason).
        if (atLeast(authenticated.haVersion, 2022, 9)) {
          socket.send(
            JSON.stringify({ type: "supported_features", id: 1, features: { coalesce_messages: 1 } }),
          );
        }
        // ws's WebSocket offers the browser API the library uses (addEventListener with
        // MessageEvent.data as a string, send, close, readyState and OPEN).
        resolve(authenticated as unknown as HaWebSocket);
      }
    });
  });
}

function parseMessage(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function atLeast(version: string, major: number, minor: number): boolean {
  const [haMajor = 0, haMinor = 0] = version.split(".").map(Number);
  return haMajor > major || (haMajor === major && haMinor >= minor);
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
