import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import {
  collectSecrets,
  createRedactor,
  isSecretName,
  REDACTED,
  redactText,
  redactUrl,
  redactValue,
} from "../../../src/config/redact.js";
import { Secret } from "../../../src/util/secret.js";

describe("Secret", () => {
  const secret = new Secret("hunter2");
  it("never prints its value, however it is printed", () => {
    expect(`${secret}`).toBe(REDACTED);
    expect(JSON.stringify({ secret })).toBe(`{"secret":"${REDACTED}"}`);
    expect(inspect({ secret })).not.toContain("hunter2");
  });
  it("gives the value to an explicit reveal()", () => {
    expect(secret.reveal()).toBe("hunter2");
  });
});

describe("redactUrl / redactText", () => {
  it.each([
    ["mqtt://e450:hunter2@broker:1883", `mqtt://${REDACTED}@broker:1883`],
    ["connect mqtts://u:p%40ss@h failed", `connect mqtts://${REDACTED}@h failed`],
    ["mqtt://e450@broker", "mqtt://e450@broker"],
    ["no url here: a:b@c", "no url here: a:b@c"],
    // Reserved characters written plainly: a URL parser ends the userinfo early, the mask does not.
    ["mqtt://user:Sec/Ret7x@host", `mqtt://${REDACTED}@host`],
    ['got "mqtt://user:Sec/Ret7x@host:1883" (not a URL)', `got "mqtt://${REDACTED}@host:1883" (not a URL)`],
    ["mqtt://user:a#b?c@d@host", `mqtt://${REDACTED}@host`],
    ["mqtt://us/er:pw@host", `mqtt://${REDACTED}@host`],
    ["mqtt://a:pw1@h1,mqtt://b:pw2@h2 x", `mqtt://${REDACTED}@h2 x`],
  ])("%s", (input, expected) => {
    expect(redactUrl(input)).toBe(expected);
  });

  it("masks bearer tokens and the given secrets in any letter case", () => {
    const text = "Authorization: Bearer abc.DEF-123 key=00112233AABBCCDD00112233aabbccdd";
    expect(redactText(text, ["00112233aabbccdd00112233AABBCCDD"])).toBe(
      `Authorization: Bearer ${REDACTED} key=${REDACTED}`,
    );
  });

  it("leaves very short 'secrets' alone rather than masking ordinary words", () => {
    expect(redactText("a cat", ["a"])).toBe("a cat");
  });
});

describe("redactValue", () => {
  it("replaces secrets by name and by type, deeply, and keeps the rest", () => {
    const circular: Record<string, unknown> = { name: "loop" };
    circular["self"] = circular;
    const value = {
      meter: { encryption_key: "00112233445566778899aabbccddeeff", connection: "serial" },
      mqtt: { password: "pw", username: "e450", url: "mqtt://e450:pw@h" },
      encryptionKey: new Secret(new Uint8Array(16)),
      accessToken: "t0k3n",
      unset_password: undefined,
      frame: new Uint8Array([1, 2, 3]),
      overrides: new Map([["1-0:32.7.0.255", -1]]),
      error: new Error("login mqtt://e450:pw@h refused"),
      circular,
    };
    expect(redactValue(value)).toEqual({
      meter: { encryption_key: REDACTED, connection: "serial" },
      mqtt: { password: REDACTED, username: "e450", url: `mqtt://${REDACTED}@h` },
      encryptionKey: REDACTED,
      accessToken: REDACTED,
      unset_password: undefined,
      frame: "[3 bytes]",
      overrides: { "1-0:32.7.0.255": -1 },
      error: { name: "Error", message: `login mqtt://${REDACTED}@h refused` },
      circular: { name: "loop", self: "[circular]" },
    });
  });

  it("recognises secret names in snake_case and camelCase", () => {
    for (const name of [
      "encryption_key",
      "authenticationKey",
      "password",
      "SUPERVISOR_TOKEN",
      "apiKey",
      "Authorization",
    ]) {
      expect(isSecretName(name), name).toBe(true);
    }
    for (const name of ["host", "username", "connection", "keyboard", "obis"])
      expect(isSecretName(name), name).toBe(false);
  });
});

describe("createRedactor", () => {
  it("masks the secret values of the options wherever they show up in free text", () => {
    const options = {
      meter: { encryptionKey: new Secret(Uint8Array.from({ length: 16 }, (_, i) => i)) },
      mqtt: { password: "pw-123456" },
    };
    expect(collectSecrets(options, { token: "sup3r-t0ken" }).sort()).toEqual(
      ["000102030405060708090a0b0c0d0e0f", "pw-123456", "sup3r-t0ken"].sort(),
    );
    const redactor = createRedactor(options, { token: "sup3r-t0ken" });
    expect(
      redactor.text("decrypt with 000102030405060708090A0B0C0D0E0F failed; pw-123456; sup3r-t0ken"),
    ).toBe(`decrypt with ${REDACTED} failed; ${REDACTED}; ${REDACTED}`);
    expect(redactor.value({ note: "pw-123456 leaked" })).toEqual({ note: `${REDACTED} leaked` });
  });
});
