/** The inspector and the setup assistant behind the API, on real captured frames (tests/fixtures/real-frames). */
import { afterEach, describe, expect, it } from "vitest";
import { caseBytes, type ExpectedReading, REAL_FRAMES } from "../../helpers/real-frames.js";
import { type WebFixture, webFixture } from "./web-fixture.js";

const ciphered = REAL_FRAMES.find(
  (c) => c.key && c.transport === "hdlc" && Array.isArray(c.expected) && c.expected.some((e) => e.obis),
)!;
const hexOf = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

describe("the inspector and setup routes", () => {
  let web: WebFixture | undefined;
  afterEach(async () => {
    await web?.close();
    web = undefined;
  });

  it("annotates a real frame and decodes it with the key given for this request", async () => {
    web = await webFixture();
    const inspect = (payload: object) => web!.app.inject({ method: "POST", url: "/api/inspect", payload });
    // As pasted: upper case, spaced, over lines.
    const spaced = hexOf(caseBytes(ciphered))
      .toUpperCase()
      .replace(/(..)/g, "$1 ")
      .replace(/(.{48})/g, "$1\n");
    const right = await inspect({
      hex: spaced,
      key: ciphered.key,
      ...(ciphered.auth_key ? { auth_key: ciphered.auth_key } : {}),
    });
    expect(right.statusCode).toBe(200);
    const body = right.json();
    expect(body.summary).toMatchObject({ protocol: "hdlc", encrypted: true });
    expect(body.layers).toContainEqual(
      expect.objectContaining({ layer: "hdlc", label: expect.any(String), start: 0 }),
    );
    const expectedObis = (ciphered.expected as readonly ExpectedReading[]).find((e) => e.obis)!.obis!;
    expect(JSON.stringify(body.readings)).toContain(expectedObis.replace(/\.255$/, ""));

    const wrong = (await inspect({ hex: hexOf(caseBytes(ciphered)), key: "00".repeat(16) })).json();
    expect(wrong.readings).toEqual([]);
    expect(wrong.issues.length).toBeGreaterThan(0);
  });

  it("refuses what is not hex or not a key, without echoing it", async () => {
    web = await webFixture();
    for (const payload of [
      { hex: "7e a0 zz" },
      { hex: "7ea" },
      { hex: "7e", key: "not-a-key-0123456789abcdef012345" },
      {},
    ]) {
      const response = await web.app.inject({ method: "POST", url: "/api/inspect", payload });
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().error.code).toBe("invalid-parameter");
      expect(response.body).not.toContain("not-a-key");
    }
  });

  it("tells from the line's recent frames what it carries and what to do next", async () => {
    web = await webFixture();
    web.source.link("up");
    const now = Date.now();
    web.source.bus.emit("frame", { meter: "meter", protocol: "hdlc", raw: caseBytes(ciphered), at: now });
    web.source.bus.emit("issue", {
      meter: "meter",
      issue: { code: "missing-key", message: "the push is encrypted" },
      at: now,
    });
    const response = await web.app.inject("/api/setup");
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ framing: "hdlc", encrypted: true, serialFormat: null });
    expect(body.bytesPerSecond).toBeGreaterThan(0);
    expect(body.advice.length).toBeGreaterThan(0);
    expect(body.advice[0]).toEqual({
      level: expect.stringMatching(/^(ok|warn|error)$/),
      code: expect.any(String),
      text: expect.any(String),
    });
  });

  it("has no line to report on before the service knows one", async () => {
    web = await webFixture();
    const response = await web.app.inject("/api/setup");
    expect([response.statusCode, response.json().error.code]).toEqual([404, "unknown-meter"]);
  });
});
