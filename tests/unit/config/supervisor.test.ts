/** The Supervisor MQTT lookup against a real HTTP server on a free loopback port. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fetchSupervisorMqtt, resolveMqttBroker, SupervisorError } from "../../../src/config/supervisor.js";

const TOKEN = "sup3r-s3cret-t0ken-0123456789";

type Handler = (request: IncomingMessage, response: ServerResponse) => void;
let handler: Handler;
const requests: { url: string | undefined; authorization: string | undefined }[] = [];
let server: Server;
let baseUrl: string;

function reply(status: number, body: unknown): Handler {
  return (_request, response) => {
    response.writeHead(status, { "content-type": "application/json" });
    response.end(JSON.stringify(body));
  };
}

beforeAll(async () => {
  server = createServer((request, response) => {
    requests.push({ url: request.url, authorization: request.headers.authorization });
    handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  requests.length = 0;
});

async function failure(promise: Promise<unknown>): Promise<SupervisorError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(SupervisorError);
  const supervisorError = error as SupervisorError;
  expect(supervisorError.message).not.toContain(TOKEN);
  return supervisorError;
}

describe("fetchSupervisorMqtt", () => {
  it("asks GET /services/mqtt with the bearer token and maps the answer", async () => {
    handler = reply(200, {
      result: "ok",
      data: {
        host: "core-mosquitto",
        port: 1883,
        ssl: false,
        protocol: "3.1.1",
        username: "addons",
        password: "pw",
        addon: "core_mosquitto",
      },
    });
    const broker = await fetchSupervisorMqtt({ token: TOKEN, baseUrl });
    expect(requests).toEqual([{ url: "/services/mqtt", authorization: `Bearer ${TOKEN}` }]);
    expect({ ...broker, password: broker.password?.reveal() }).toEqual({
      host: "core-mosquitto",
      port: 1883,
      tls: null,
      username: "addons",
      password: "pw",
      protocolVersion: 4,
    });
  });

  it("applies the options' TLS settings when the broker speaks TLS", async () => {
    handler = reply(200, {
      result: "ok",
      data: { host: "core-mosquitto", port: 8883, ssl: true, protocol: "5" },
    });
    const broker = await resolveMqttBroker(
      { kind: "supervisor", tls: { caFile: "/ssl/ca.pem", insecure: false } },
      { token: TOKEN, baseUrl },
    );
    expect(broker).toEqual({
      host: "core-mosquitto",
      port: 8883,
      tls: { caFile: "/ssl/ca.pem", insecure: false },
      protocolVersion: 5,
    });
  });

  it("says what to do when no broker add-on provides MQTT", async () => {
    handler = reply(400, { result: "error", message: "Service not enabled" });
    const error = await failure(fetchSupervisorMqtt({ token: TOKEN, baseUrl }));
    expect(error.code).toBe("no-service");
    expect(error.message).toBe(
      "the Supervisor has no MQTT service (HTTP 400) (Supervisor: Service not enabled): install and start the Mosquitto broker add-on, or set mqtt.host in the options",
    );
  });

  it("explains a refusal, without echoing a token the Supervisor repeats", async () => {
    handler = reply(403, { result: "error", message: `token ${TOKEN} may not access /services/mqtt` });
    const error = await failure(fetchSupervisorMqtt({ token: TOKEN, baseUrl }));
    expect(error.code).toBe("refused");
    expect(error.message).toContain('config.yaml must declare services: ["mqtt:need"]');
  });

  it("rejects an answer without host and port", async () => {
    handler = reply(200, { result: "ok", data: { host: "", port: "1883" } });
    expect((await failure(fetchSupervisorMqtt({ token: TOKEN, baseUrl }))).code).toBe("malformed");
  });

  it("rejects a body that is not JSON as no service", async () => {
    handler = (_request, response) => response.end("<html>502</html>");
    expect((await failure(fetchSupervisorMqtt({ token: TOKEN, baseUrl }))).code).toBe("no-service");
  });

  it("reports an unreachable Supervisor", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await failure(fetchSupervisorMqtt({ token: TOKEN, baseUrl: `http://127.0.0.1:${port}` }));
    expect(error.code).toBe("unreachable");
    expect(error.message).toBe(
      `cannot reach the Supervisor at http://127.0.0.1:${port}/services/mqtt: ECONNREFUSED`,
    );
  });

  it("gives up after the timeout", async () => {
    handler = () => {}; // never answers
    const error = await failure(fetchSupervisorMqtt({ token: TOKEN, baseUrl, timeoutMs: 100 }));
    expect(error.code).toBe("unreachable");
  });

  it("needs a token, and says where it comes from", async () => {
    const error = await failure(fetchSupervisorMqtt({ token: undefined, baseUrl }));
    expect(error.code).toBe("no-token");
    expect(requests).toEqual([]);
  });
});

describe("resolveMqttBroker", () => {
  it("needs no Supervisor for a configured broker or for no broker", async () => {
    const broker = { host: "h", port: 1883, tls: null };
    expect(await resolveMqttBroker({ kind: "broker", broker }, { token: undefined })).toBe(broker);
    expect(await resolveMqttBroker({ kind: "none" }, { token: undefined })).toBeNull();
    expect(requests).toEqual([]);
  });
});
