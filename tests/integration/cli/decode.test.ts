/** `e450 decode` as other tools call it: one JSON document, exit codes 0/1/2, every input form. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { REAL_FRAMES } from "../../helpers/real-frames.js";

const CLI = fileURLToPath(new URL("../../../dist/src/cli.js", import.meta.url));
const steiermark = REAL_FRAMES.find((c) => c.id === "e450-at-enc-gbt-auth-1")!;
const ekz = REAL_FRAMES.find((c) => c.id === "e450-ch-ekz-vse2026-hdlc-gbt")!;

function decode(args: string[], input?: string) {
  const result = spawnSync(process.execPath, [CLI, "decode", ...args], { input, encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("e450 decode", () => {
  it("prints exactly one JSON document with scaled numbers and string identifiers", () => {
    const { code, stdout } = decode(["--hex", ekz.payload, "--format", "json"]);
    expect(code).toBe(0);
    const document = JSON.parse(stdout);
    expect(Object.keys(document)).toEqual(["snapshots", "issues", "summary"]);
    const [snapshot] = document.snapshots;
    expect(snapshot.meterId).toBe("1909113");
    expect(snapshot.meterTime).toBe("2026-05-04T11:39:21");
    expect(snapshot.readings).toContainEqual(
      expect.objectContaining({ obis: "1-1:1.8.0.255", value: 482939, unit: "Wh", name: "Energy import" }),
    );
    expect(snapshot.readings).toContainEqual(
      expect.objectContaining({ obis: "1-0:31.7.0.255", value: 0.09, unit: "A" }),
    );
    expect(snapshot.readings).toContainEqual(
      expect.objectContaining({ obis: "0-0:96.1.1.255", value: "1909113" }),
    );
  });

  it("reads hex with whitespace and comments from a file and from stdin", () => {
    const spaced = `# EKZ push, 4 HDLC frames\n${ekz.payload.replace(/(.{32})/g, "$1\n")}`;
    const folder = mkdtempSync(join(tmpdir(), "e450-decode-"));
    writeFileSync(join(folder, "capture.hex"), spaced);
    writeFileSync(join(folder, "capture.bin"), Buffer.from(ekz.payload, "hex"));
    for (const result of [
      decode(["--file", join(folder, "capture.hex")]),
      decode(["--file", join(folder, "capture.bin")]),
      decode([], spaced),
    ]) {
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout).snapshots).toHaveLength(1);
    }
  });

  it("decrypts with the keys given and says plainly when the key is wrong", () => {
    const right = decode([
      "--hex",
      steiermark.payload,
      "--key",
      steiermark.key!,
      "--auth-key",
      steiermark.auth_key!,
    ]);
    expect(right.code).toBe(0);
    const wrong = decode(["--hex", steiermark.payload, "--key", "00112233445566778899AABBCCDDEEFF"]);
    expect(wrong.code).toBe(1);
    const document = JSON.parse(wrong.stdout);
    expect(document.snapshots).toEqual([]);
    expect(document.issues[0].message).toMatch(/encryption key does not match this meter/);
    expect(wrong.stdout + wrong.stderr).not.toContain("00112233445566778899AABBCCDDEEFF");
  });

  it("exits 2 on a usage error without echoing the key", () => {
    const badKey = decode(["--hex", steiermark.payload, "--key", "5C316162209EBB790B52EB0E7FC5B1"]);
    expect(badKey.code).toBe(2);
    expect(badKey.stderr).toMatch(/--key must be 32 hexadecimal digits/);
    expect(badKey.stderr).not.toContain("5C316162209EBB790B52EB0E7FC5B1");
    expect(decode(["--hex", "ABC"]).code).toBe(2);
    expect(decode(["--layout", "nonsense", "--hex", "00"]).code).toBe(2);
    expect(decode(["--bogus"]).code).toBe(2);
  });

  it("uses a named positional layout and refuses a body that does not fit it", () => {
    const burgenland = REAL_FRAMES.find((c) => c.id === "e450-at-burgenland-positional-gh501-1")!;
    const named = decode(["--hex", burgenland.payload, "--key", burgenland.key!, "--layout", "burgenland"]);
    expect(named.code).toBe(0);
    const misfit = decode([
      "--hex",
      burgenland.payload,
      "--key",
      burgenland.key!,
      "--layout",
      "wiener-netze",
    ]);
    expect(misfit.code).toBe(1);
    expect(JSON.parse(misfit.stdout).issues[0]).toMatchObject({ code: "unknown-layout" });
  });

  it("prints a readable table", () => {
    const { code, stdout } = decode(["--hex", ekz.payload, "--format", "table"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/1-1:1\.8\.0\.255\s+Energy import\s+482939 Wh/);
  });
});
