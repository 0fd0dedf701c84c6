/**
 * The web panel's address and who may use it. Inside the add-on it listens where Home Assistant's
 * ingress proxy connects: config.yaml's `ingress_port`, left at the Supervisor's default 8099
 * (the add-on linter refuses a key set to its default). Standalone it listens where `--http` says,
 * on loopback by default; any other address exposes the meter's data to the network, so there a
 * password (`http.password` or `http.password_file`) is required.
 */
import type { HttpServerOptions } from "./options.js";
import type { ConfigProblem } from "./problems.js";
import type { Secret } from "../util/secret.js";

/** supervisor/apps/validate.py: ATTR_INGRESS_PORT defaults to 8099. */
const ADDON_INGRESS_PORT = 8099;
const DEFAULT_HOST = "127.0.0.1";

export interface HttpListen {
  readonly host: string;
  readonly port: number;
}

export type HttpFlagResult =
  | { readonly ok: true; readonly listen: HttpListen }
  | { readonly ok: false; readonly problem: ConfigProblem };

/** `--http PORT`, `--http HOST:PORT` or `--http [IPv6]:PORT`. */
export function parseHttpFlag(text: string): HttpFlagResult {
  const match = /^(?:(?:\[([0-9A-Fa-f:.]+)\]|([^\s:/@[\]]+)):)?(\d{1,5})$/.exec(text.trim());
  const port = Number(match?.[3]);
  if (!match || !(port >= 1 && port <= 65535)) {
    return {
      ok: false,
      problem: {
        path: "--http",
        message: `expected [HOST:]PORT such as 8099, 127.0.0.1:8099 or 0.0.0.0:8099, got "${text}"`,
      },
    };
  }
  return { ok: true, listen: { host: match[1] ?? match[2] ?? DEFAULT_HOST, port } };
}

/** 127.0.0.0/8 (RFC 1122 §3.2.1.3), ::1 (RFC 4291 §2.5.3), and the name that means them. */
export function isLoopback(host: string): boolean {
  return /^127(?:\.\d{1,3}){3}$/.test(host) || host === "::1" || host.toLowerCase() === "localhost";
}

export function resolveHttpServer(
  listen: HttpListen | undefined,
  addon: boolean,
  password: Secret<string> | undefined,
): HttpServerOptions {
  if (listen !== undefined) return { kind: "standalone", ...listen, ...(password ? { password } : {}) };
  return addon ? { kind: "ingress", port: ADDON_INGRESS_PORT } : { kind: "off" };
}

/** Checked once the password file is read: a network address without a password is refused. */
export function checkHttpServer(listen: HttpListen | undefined, hasPassword: boolean): ConfigProblem[] {
  if (listen === undefined || isLoopback(listen.host) || hasPassword) return [];
  return [
    {
      path: "http.password",
      message: `required when --http listens on ${listen.host}, which is not loopback: set http.password or http.password_file (or listen on 127.0.0.1)`,
    },
  ];
}

/** `http`: the password once, inline or from a file. */
export function checkHttpOptions(document: unknown): ConfigProblem[] {
  const http = (document as { http?: { password?: unknown; password_file?: unknown } } | null)?.http;
  if (http?.password === undefined || http.password_file === undefined) return [];
  return [{ path: "http.password_file", message: "not together with http.password: give the password once" }];
}
