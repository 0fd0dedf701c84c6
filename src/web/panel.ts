/**
 * The browser panel: the files `npm run build` puts in dist/panel, served as they are, except
 * index.html, which gets `<base href>` set to the ingress prefix. Behind Home Assistant's ingress
 * the panel lives under /api/hassio_ingress/<token>/ and the proxy passes that prefix in
 * X-Ingress-Path (developers.home-assistant.io docs/add-ons/presentation "Ingress"); the panel's
 * URLs are relative, so with the base they resolve under the prefix, in the sidebar and through
 * Nabu Casa alike.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

/** dist/panel, from this file's place in the build (dist/src/web/panel.js). */
export const BUILT_PANEL_DIR = fileURLToPath(new URL("../../panel/", import.meta.url));

/**
 * Non-empty path segments of URL-safe characters only: the header's value goes into HTML, and "//host"
 * would make the base another site's (a protocol-relative URL, RFC 3986 §4.2).
 */
const INGRESS_PATH = /^(?:\/[A-Za-z0-9._~-]+)+\/?$/;

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>E450</title></head>
<body><h1>E450</h1><p>The web panel is not built: run <code>npm run build</code> in the e450 folder, then reload.
The API answers at <a href="api/openapi.json">api/openapi.json</a>.</p></body></html>
`;

export async function installPanel(app: FastifyInstance, panelDir: string): Promise<void> {
  const indexFile = join(panelDir, "index.html");
  if (!existsSync(indexFile)) {
    const notBuilt = (_request: FastifyRequest, reply: FastifyReply) =>
      reply.code(503).type("text/html; charset=utf-8").send(NOT_BUILT);
    app.get("/", { schema: { hide: true } }, notBuilt);
    return;
  }
  // Read once: the build does not change under a running server, and every ingress page load asks for it.
  const index = readFileSync(indexFile, "utf8");
  const page = (request: FastifyRequest, reply: FastifyReply) =>
    reply
      .type("text/html; charset=utf-8")
      .header("cache-control", "no-cache")
      .send(withBase(index, request.headers["x-ingress-path"]));
  app.get("/", { schema: { hide: true } }, page);
  app.get("/index.html", { schema: { hide: true } }, page);
  await app.register(fastifyStatic, {
    root: panelDir,
    prefix: "/",
    index: false,
    // Serves main.js.br or .gz next to main.js when the build wrote them and the browser takes them.
    preCompressed: true,
  });
}

export function withBase(html: string, ingressPath: string | string[] | undefined): string {
  if (typeof ingressPath !== "string" || !INGRESS_PATH.test(ingressPath)) return html;
  const base = `<base href="${ingressPath.replace(/\/+$/, "")}/">`;
  const head = /<head[^>]*>/i.exec(html);
  return head ? html.replace(head[0], `${head[0]}${base}`) : `${base}${html}`;
}
