/**
 * InfluxDB behind https with a certificate from a private CA (a home server, a reverse proxy): the
 * forwarder trusts it with influxdb.ca_file, refuses it without, and takes it with tls_insecure. The
 * server is node's own https server answering /write as InfluxDB does (204); the certificates are
 * made by openssl for each run.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { influxFromOptions } from "../../../src/config/influx-options.js";
import { HttpWriteEndpoint } from "../../../src/sinks/influx/http-writer.js";

let folder: string;
let server: Server;
let url: string;
const bodies: string[] = [];

function openssl(...args: string[]) {
  execFileSync("openssl", args, { cwd: folder, stdio: "pipe" });
}

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), "e450-influx-tls-"));
  openssl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "2",
    "-subj",
    "/CN=e450 test CA",
  );
  openssl(
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "server.key",
    "-out",
    "server.csr",
    "-subj",
    "/CN=localhost",
  );
  writeFileSync(join(folder, "san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  openssl(
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "server.pem",
    "-days",
    "2",
    "-extfile",
    "san.ext",
  );
  server = createServer(
    { key: readFileSync(join(folder, "server.key")), cert: readFileSync(join(folder, "server.pem")) },
    (request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => {
        bodies.push(`${request.url} ${body}`);
        response.writeHead(204).end();
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(folder, { recursive: true, force: true });
});

function endpoint(extra: Record<string, unknown>, ca?: Buffer) {
  const options = influxFromOptions({ url, database: "e450", gzip: false, measurements: [], ...extra });
  if (!options) throw new Error("forwarding should be on");
  return new HttpWriteEndpoint(options, ca);
}

describe("InfluxDB over https", () => {
  it("writes when influxdb.ca_file holds the CA that signed the server's certificate", async () => {
    const ca = readFileSync(join(folder, "ca.pem"));
    expect(await endpoint({ ca_file: join(folder, "ca.pem") }, ca).write(["m value=1 1000000000"])).toEqual({
      kind: "written",
    });
    expect(bodies.at(-1)).toBe("/write?db=e450&precision=ns m value=1 1000000000");
  });

  it("refuses a certificate it cannot verify, and keeps the lines (retried, not dropped)", async () => {
    const outcome = await endpoint({}).write(["m value=2 2000000000"]);
    expect(outcome).toMatchObject({ kind: "unreachable" });
    expect(outcome.kind === "unreachable" && outcome.reason).toMatch(
      /UNABLE_TO_VERIFY_LEAF_SIGNATURE|self.signed|unable to verify/i,
    );
  });

  it("writes without verifying with influxdb.tls_insecure", async () => {
    expect(await endpoint({ tls_insecure: true }).write(["m value=3 3000000000"])).toEqual({
      kind: "written",
    });
  });
});
