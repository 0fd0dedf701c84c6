/**
 * Who may ask: in the add-on only the ingress proxy (by socket address, whatever the headers say);
 * standalone on a network address only with the password, failures limited per address; and no
 * answer ever contains the password or a key given to the inspector.
 */
import { afterEach, describe, expect, it } from "vitest";
import { Secret } from "../../../src/util/secret.js";
import { caseBytes, REAL_FRAMES } from "../../helpers/real-frames.js";
import { E450_PUSH } from "../../fixtures/mqtt/e450-snapshots.js";
import { type WebFixture, webFixture } from "./web-fixture.js";

const PASSWORD = "correct horse battery staple";
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

describe("access to the web server", () => {
  let web: WebFixture | undefined;
  afterEach(async () => {
    await web?.close();
    web = undefined;
  });

  it("in the add-on, answers the ingress proxy and refuses every other source with 403", async () => {
    web = await webFixture({ access: { kind: "ingress" } });
    const from = (remoteAddress: string, headers: Record<string, string> = {}) =>
      web!.app.inject({ url: "/api/meters", remoteAddress, headers });
    expect((await from("172.30.32.2")).statusCode).toBe(200);
    expect((await from("::ffff:172.30.32.2")).statusCode).toBe(200);
    for (const other of ["127.0.0.1", "172.30.32.1", "192.168.1.20", "::1"]) {
      const response = await from(other, {
        "x-forwarded-for": "172.30.32.2",
        "x-ingress-path": "/api/hassio_ingress/x",
      });
      expect([other, response.statusCode, response.json().error.code]).toEqual([other, 403, "forbidden"]);
    }
    // The panel too, not only the API.
    expect((await web.app.inject({ url: "/", remoteAddress: "192.168.1.20" })).statusCode).toBe(403);
  });

  it("standalone with a password: 401 without, 200 with Basic or Bearer, 429 after ten failures", async () => {
    web = await webFixture({ access: { kind: "password", password: new Secret(PASSWORD) } });
    const ask = (authorization?: string, remoteAddress = "192.168.1.50") =>
      web!.app.inject({ url: "/api/meters", remoteAddress, headers: authorization ? { authorization } : {} });

    const none = await ask();
    expect(none.statusCode).toBe(401);
    expect(none.headers["www-authenticate"]).toMatch(/^Basic realm="e450"/);
    expect(none.json().error.code).toBe("unauthorized");
    expect((await ask(basic("anyone", PASSWORD))).statusCode).toBe(200);
    expect((await ask(`Bearer ${PASSWORD.replaceAll(" ", "")}`)).statusCode).toBe(401);
    expect((await ask(basic("e450", `${PASSWORD}x`))).statusCode).toBe(401);

    // One unauthenticated and two wrong so far; seven more failures reach the limit of ten.
    for (let i = 0; i < 7; i++) expect((await ask(basic("e450", `guess ${i}`))).statusCode).toBe(401);
    const limited = await ask(basic("e450", "one more guess"));
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe("too-many-requests");
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    // Locked out: even the right password waits, so guessing cannot go on at speed.
    expect((await ask(basic("e450", PASSWORD))).statusCode).toBe(429);
    // Another address is not affected.
    expect((await ask(basic("e450", PASSWORD), "192.168.1.51")).statusCode).toBe(200);
  });

  it("takes a bearer token", async () => {
    web = await webFixture({ access: { kind: "password", password: new Secret("tok3n-abc") } });
    const response = await web.app.inject({
      url: "/api/meters",
      headers: { authorization: "Bearer tok3n-abc" },
    });
    expect(response.statusCode).toBe(200);
  });

  it("never returns the password or an inspector key in any answer", async () => {
    web = await webFixture({ access: { kind: "password", password: new Secret(PASSWORD) } });
    web.source.push(E450_PUSH);
    const ciphered = REAL_FRAMES.find((c) => c.key && c.expected !== "error")!;
    const authorization = basic("e450", PASSWORD);
    const answers: string[] = [];
    const paths = (await web.app.inject({ url: "/api/openapi.json", headers: { authorization } })).json()
      .paths;
    for (const path of Object.keys(paths)) {
      if (!paths[path].get || path === "/api/stream") continue;
      answers.push((await web.app.inject({ url: path, headers: { authorization } })).body);
    }
    for (const key of [ciphered.key!, "000102030405060708090A0B0C0D0E0F"]) {
      const inspected = await web.app.inject({
        method: "POST",
        url: "/api/inspect",
        headers: { authorization },
        payload: {
          hex: Buffer.from(caseBytes(ciphered)).toString("hex"),
          key,
          ...(ciphered.auth_key ? { auth_key: ciphered.auth_key } : {}),
        },
      });
      expect(inspected.statusCode).toBe(200);
      answers.push(inspected.body);
    }
    answers.push(
      (await web.app.inject({ url: "/api/meters", headers: { authorization: basic("x", "wrong") } })).body,
    );
    answers.push(
      (
        await web.app.inject({
          method: "POST",
          url: "/api/inspect",
          headers: { authorization },
          payload: { hex: "7e", key: "zz" },
        })
      ).body,
    );
    const secrets = [PASSWORD, ciphered.key!, ciphered.auth_key, "000102030405060708090A0B0C0D0E0F"].filter(
      (s): s is string => typeof s === "string" && s.length > 0,
    );
    expect(answers.length).toBeGreaterThan(10);
    for (const answer of answers)
      for (const secret of secrets) expect(answer.toLowerCase()).not.toContain(secret.toLowerCase());
  });
});
