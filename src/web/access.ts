/**
 * Who may use the server, decided before any route runs:
 * - inside the add-on only Home Assistant's ingress proxy (172.30.32.2, developers.home-assistant.io
 *   docs/add-ons/presentation "Ingress": "only connections from 172.30.32.2 should be allowed"),
 *   judged by the socket's address, never by a header a client can write;
 * - standalone on loopback, everyone on this machine (the contract's `--http 127.0.0.1:PORT`);
 * - standalone on any other address, whoever presents the password (HTTP Basic or Bearer), with
 *   failures limited per address so that the password cannot be guessed at speed.
 */
import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Secret } from "../util/secret.js";
import { sendError } from "./errors.js";
import { credentialOf, PasswordHash } from "./password.js";

const INGRESS_PROXY_ADDRESS = "172.30.32.2";

export type WebAccess =
  | { readonly kind: "ingress" }
  | { readonly kind: "loopback" }
  | { readonly kind: "password"; readonly password: Secret<string> };

/** Failed logins allowed per address and minute; the eleventh and every later one answers 429. */
const FAILURES_PER_MINUTE = 10;

export async function installAccess(app: FastifyInstance, access: WebAccess): Promise<void> {
  switch (access.kind) {
    case "loopback":
      return;
    case "ingress":
      app.addHook("onRequest", async (request, reply) => {
        if (peerAddress(request) !== INGRESS_PROXY_ADDRESS)
          return sendError(reply, 403, "forbidden", "only Home Assistant's ingress proxy may use this panel");
      });
      return;
    case "password":
      return installPassword(app, new PasswordHash(access.password));
  }
}

async function installPassword(app: FastifyInstance, hash: PasswordHash): Promise<void> {
  // Not global: successful requests are never counted, only failed logins (checked below).
  await app.register(rateLimit, { global: false });
  const failures = app.createRateLimit({
    max: FAILURES_PER_MINUTE,
    timeWindow: 60_000,
    keyGenerator: (request) => peerAddress(request),
  });
  app.addHook("onRequest", async (request, reply) => {
    const tooMany = (seconds: number) => {
      reply.header("retry-after", String(seconds));
      return sendError(
        reply,
        429,
        "too-many-requests",
        "too many failed logins from this address; try again later",
      );
    };
    // A locked-out address is refused before its guess is checked, right or wrong.
    const locked = await failures(request, { increment: false });
    if (!locked.isAllowed && locked.isExceeded) return tooMany(locked.ttlInSeconds);
    const credential = credentialOf(request.headers.authorization);
    if (credential !== null && (await hash.matches(credential))) return;
    const counted = await failures(request);
    if (!counted.isAllowed && counted.isExceeded) return tooMany(counted.ttlInSeconds);
    reply.header("www-authenticate", 'Basic realm="e450", charset="UTF-8"');
    return sendError(reply, 401, "unauthorized", "this server needs the password set in http.password");
  });
}

/** The socket's peer, with an IPv4-mapped IPv6 address ("::ffff:172.30.32.2") written as IPv4. */
function peerAddress(request: FastifyRequest): string {
  return (request.socket.remoteAddress ?? "").replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, "");
}
