import { describe, expect, it } from "vitest";
import { Secret } from "../../../src/util/secret.js";
import { credentialOf, PasswordHash } from "../../../src/web/password.js";

describe("the password check", () => {
  it("matches the password only, keeping no copy of it", async () => {
    const hash = new PasswordHash(new Secret("Grüezi 42"));
    expect(await hash.matches("Grüezi 42")).toBe(true);
    // The same text in another Unicode form (NFD) is the same password.
    expect(await hash.matches("Gru\u0308ezi 42")).toBe(true);
    expect(await hash.matches("Grüezi 43")).toBe(false);
    expect(await hash.matches("")).toBe(false);
    expect(JSON.stringify(Object.values(hash))).not.toContain("Gr");
  });

  it("reads HTTP Basic (any user) and Bearer credentials", () => {
    expect(credentialOf(`Basic ${Buffer.from("user:pa:ss").toString("base64")}`)).toBe("pa:ss");
    expect(credentialOf(`basic ${Buffer.from(":secret").toString("base64")}`)).toBe("secret");
    expect(credentialOf("Bearer abc.def-123")).toBe("abc.def-123");
    expect(credentialOf(`Basic ${Buffer.from("no colon").toString("base64")}`)).toBeNull();
    expect(credentialOf("Digest username=x")).toBeNull();
    expect(credentialOf(undefined)).toBeNull();
  });
});
