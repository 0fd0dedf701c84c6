import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "../../../src/cli/simulate.js";

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    out.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("latin1"));
    return true;
  });
  vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    err.push(String(chunk));
    return true;
  });
  return { out, err };
}

afterEach(() => vi.restoreAllMocks());

const KEY = "000102030405060708090A0B0C0D0E0F";

describe("e450 simulate", () => {
  it("prints one push as hex with --once --hex", async () => {
    const { out } = capture();
    const code = await main([
      "--format",
      "burgenland",
      "--once",
      "--hex",
      "--start",
      "2026-05-04T09:39:21Z",
      "--seed",
      "3",
    ]);
    expect(code).toBe(0);
    expect(out.join("")).toMatch(/^7EA076CEFF0313[0-9A-F]+7E\n$/);
  });

  it("writes the same push for the same seed and start", async () => {
    const { out } = capture();
    const args = ["--format", "swiss", "--once", "--hex", "--start", "2026-01-10T12:00:00Z", "--seed", "9"];
    await main(args);
    await main(args);
    expect(out[0]).toBe(out[1]);
  });

  it("never prints a key, not even a malformed one", async () => {
    const { out, err } = capture();
    expect(await main(["--format", "steiermark", "--key", `${KEY}FF`, "--auth-key", KEY, "--once"])).toBe(2);
    expect(await main(["--format", "steiermark", "--key", KEY, "--auth-key", KEY, "--once", "--hex"])).toBe(
      0,
    );
    const printed = (out.join("") + err.join("")).toUpperCase();
    expect(printed).toContain("--KEY: EXPECTED 32 HEXADECIMAL DIGITS");
    expect(printed).not.toContain(KEY);
  });

  it("reports every usage problem at once with exit code 2", async () => {
    const { err } = capture();
    const code = await main(["--format", "kamstrup", "--port", "70000", "--drop-bytes", "2", "--hex"]);
    expect(code).toBe(2);
    const message = err.join("");
    expect(message).toContain(
      '--format: expected one of swiss, steiermark, burgenland, wiener-netze, iec62056-21, got "kamstrup"',
    );
    expect(message).toContain("--port: expected a port 0–65535");
    expect(message).toContain("--drop-bytes: expected a probability from 0 to 1");
    expect(message).toContain("--hex: only together with --once");
  });

  it.each(["SIGINT", "SIGTERM"] as const)(
    "serves on a free port until %s, then stops cleanly",
    async (signal) => {
      const { out } = capture();
      const exit = main(["--format", "swiss", "--port", "0", "--speed", "1000"]);
      await vi.waitFor(() => expect(out.join("")).toMatch(/listening on 127\.0\.0\.1:\d+/));
      expect(out.join("")).not.toMatch(/keys:/); // an unencrypted format mentions no keys
      process.emit(signal, signal);
      await expect(exit).resolves.toBe(0);
      expect(process.listenerCount(signal)).toBe(0);
    },
  );

  it("says which keys it uses without printing them", async () => {
    const { out } = capture();
    const exit = main(["--format", "burgenland", "--port", "0", "--key", KEY]);
    await vi.waitFor(() => expect(out.join("")).toContain("keys: as given"));
    expect(out.join("").toUpperCase()).not.toContain(KEY);
    process.emit("SIGTERM", "SIGTERM");
    await expect(exit).resolves.toBe(0);
  });

  it("rejects unknown options", async () => {
    const { err } = capture();
    expect(await main(["--frobnicate"])).toBe(2);
    expect(err.join("")).toContain("usage: e450 simulate");
  });
});
