/**
 * An HTTP pass-through that notes each request's time, method, path, query and headers and whether
 * its body is gzip (magic bytes 1f 8b, RFC 1952 §2.3.1) before handing it on unchanged, for checking
 * what the forwarder sends on the wire and when: the servers keep the points, not the requests. While
 * the server behind it is away, a request's connection is reset, as a vanished server's would be.
 */
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface TappedRequest {
  /** When the request's body had arrived (epoch ms). */
  readonly atMs: number;
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly authorization: string | undefined;
  readonly contentEncoding: string | undefined;
  readonly gzipBody: boolean;
}

export class HttpTap {
  readonly requests: TappedRequest[] = [];

  private constructor(private readonly server: Server) {}

  static async start(target: string): Promise<HttpTap> {
    const upstream = new URL(target);
    const server = createServer();
    const tap = new HttpTap(server);
    server.on("request", (incoming, outgoing) => {
      const chunks: Buffer[] = [];
      incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
      incoming.on("end", () => {
        const body = Buffer.concat(chunks);
        const url = new URL(incoming.url ?? "/", upstream);
        tap.requests.push({
          atMs: Date.now(),
          method: incoming.method ?? "",
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          authorization: incoming.headers.authorization,
          contentEncoding: incoming.headers["content-encoding"],
          gzipBody: body[0] === 0x1f && body[1] === 0x8b,
        });
        const forwarded = request(url, { method: incoming.method, headers: incoming.headers }, (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        });
        forwarded.on("error", () => outgoing.destroy());
        forwarded.end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return tap;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
