/** `e450 run --http` and the http options: where the panel listens and when a password is required. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isLoopback, parseHttpFlag } from "../../../src/config/http-server.js";
import { loadOptions } from "../../../src/config/load.js";
import { readRepoYaml } from "../addon/repo-files.js";

describe("--http [HOST:]PORT", () => {
  it.each([
    ["8099", { host: "127.0.0.1", port: 8099 }],
    ["0.0.0.0:80", { host: "0.0.0.0", port: 80 }],
    ["[::1]:8099", { host: "::1", port: 8099 }],
    ["localhost:8099", { host: "localhost", port: 8099 }],
  ])("reads %s", (text, listen) => {
    expect(parseHttpFlag(text)).toEqual({ ok: true, listen });
  });

  it.each(["", "0", "70000", "host:", "http://127.0.0.1:8099", "::1:8099"])(
    "refuses %j naming --http",
    (text) => {
      const result = parseHttpFlag(text);
      expect(result.ok === false && result.problem.path).toBe("--http");
    },
  );

  it("knows loopback addresses", () => {
    expect(["127.0.0.1", "127.1.2.3", "::1", "localhost"].every(isLoopback)).toBe(true);
    expect(["0.0.0.0", "192.168.1.2", "::", "example.org"].some(isLoopback)).toBe(false);
  });
});

describe("the http options", () => {
  let folder: string;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), "e450-http-"));
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  const load = (yaml: string, http?: { host: string; port: number }) => {
    const config = join(folder, "e450.yaml");
    writeFileSync(config, yaml);
    return loadOptions({ configFile: config, dataDir: folder, ...(http ? { http } : {}) });
  };

  it("serves loopback without a password, and nothing without --http", async () => {
    const on = await load("meter:\n  connection: virtual\n", { host: "127.0.0.1", port: 8099 });
    expect(on.ok && on.options.http).toEqual({ kind: "standalone", host: "127.0.0.1", port: 8099 });
    const off = await load("meter:\n  connection: virtual\n");
    expect(off.ok && off.options.http).toEqual({ kind: "off" });
  });

  it("refuses a network address without a password, naming http.password", async () => {
    const result = await load("meter:\n  connection: virtual\n", { host: "0.0.0.0", port: 8099 });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems).toEqual([
      { path: "http.password", message: expect.stringContaining("0.0.0.0, which is not loopback") },
    ]);
  });

  it("takes the password from http.password_file, relative to the options file, never showing it", async () => {
    writeFileSync(join(folder, "web-password"), "s3cret-pass\n");
    const result = await load("meter:\n  connection: virtual\nhttp:\n  password_file: web-password\n", {
      host: "0.0.0.0",
      port: 8099,
    });
    expect(result.ok).toBe(true);
    if (!result.ok || result.options.http.kind !== "standalone")
      throw new Error("expected a standalone server");
    expect(result.options.http.password?.reveal()).toBe("s3cret-pass");
    expect(JSON.stringify(result.options)).not.toContain("s3cret-pass");
  });

  it("wants the password once", async () => {
    const result = await load("meter:\n  connection: virtual\nhttp:\n  password: a\n  password_file: b\n");
    expect(!result.ok && result.problems.map((p) => p.path)).toContain("http.password_file");
  });

  it("listens inside the add-on where config.yaml sends the ingress proxy", async () => {
    const config = readRepoYaml("config.yaml");
    expect(config["ingress"]).toBe(true);
    const options = join(folder, "options.json");
    writeFileSync(options, JSON.stringify({ meter: { connection: "virtual" } }));
    const result = await loadOptions({ addonOptionsFile: options, dataDir: folder });
    // The Supervisor's default ingress port when config.yaml names none (supervisor/apps/validate.py).
    expect(result.ok && result.options.http).toEqual({
      kind: "ingress",
      port: config["ingress_port"] ?? 8099,
    });
  });
});
