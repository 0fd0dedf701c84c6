/**
 * The contract other checks rely on: `e450 run --http 127.0.0.1:PORT --data-dir DIR` (the built CLI,
 * the virtual meter) serves the panel at / and the API at /api/… without a password on loopback.
 * Also: a network address without a password is refused at start. Needs `npm run build` first.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { caseBytes, REAL_FRAMES } from "../../helpers/real-frames.js";
import { freePort } from "../../helpers/free-port.js";

const CLI = fileURLToPath(new URL("../../../dist/src/cli.js", import.meta.url));

async function until<T>(what: string, attempt: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await attempt();
      if (value !== undefined) return value;
    } catch {
      // not yet listening
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

let folder: string;
let child: ChildProcess;
let output = "";
let base: string;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), "e450-run-web-"));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  child = spawn(process.execPath, [CLI, "run", "--http", `127.0.0.1:${port}`, "--data-dir", folder], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  await until("the API", async () => ((await fetch(`${base}/api/meters`)).ok ? true : undefined));
}, 60_000);

afterAll(() => {
  child?.kill("SIGKILL");
  rmSync(folder, { recursive: true, force: true });
});

describe("e450 run --http against the virtual meter", () => {
  it("serves the panel at /", async () => {
    const response = await fetch(`${base}/`, { headers: { "x-ingress-path": "/api/hassio_ingress/abc" } });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toMatch(/<html/i);
    expect(html).toContain('<base href="/api/hassio_ingress/abc/">');
  });

  it("lists the virtual meter and its live readings, which change between pushes", async () => {
    const meters = await until("a meter", async () => {
      const body = (await (await fetch(`${base}/api/meters`)).json()) as {
        meters: { key: string; online: boolean }[];
      };
      return body.meters.some((m) => m.online) ? body.meters : undefined;
    });
    expect(meters[0]).toMatchObject({ online: true, link: "up" });
    const read = async () => {
      const response = await fetch(`${base}/api/readings/latest`);
      expect(response.status).toBe(200);
      return (await response.json()) as {
        receivedAt: string;
        readings: { key: string | null; value: unknown }[];
      };
    };
    const first = await read();
    expect(first.readings.some((r) => r.key === "power_import")).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    const second = await read();
    expect(second.receivedAt).not.toBe(first.receivedAt);
    // The virtual household's power moves by the minute; the meter's clock moves with every push.
    const clock = (r: typeof first) => r.readings.find((x) => x.key === "meter_clock")?.value;
    expect(clock(first)).toEqual(expect.any(String));
    expect(clock(second)).not.toBe(clock(first));
  }, 40_000);

  it("shows the frames the meter sent", async () => {
    const body = (await (await fetch(`${base}/api/frames?limit=5`)).json()) as {
      frames: { hex: string; readings: number; protocol: string }[];
    };
    expect(body.frames.length).toBeGreaterThan(0);
    expect(body.frames[0]!.hex).toMatch(/^[0-9a-f]+$/);
    expect(body.frames.some((f) => f.readings > 0)).toBe(true);
  });

  it("documents every route in /api/openapi.json", async () => {
    const body = (await (await fetch(`${base}/api/openapi.json`)).json()) as {
      paths: Record<string, object>;
    };
    expect(Object.keys(body.paths).sort()).toEqual(
      [
        "/api/anomalies",
        "/api/building",
        "/api/costs",
        "/api/data",
        "/api/diagnostics",
        "/api/diagnostics/reset-guard",
        "/api/forecast",
        "/api/frames",
        "/api/inspect",
        "/api/meters",
        "/api/readings/latest",
        "/api/setup",
        "/api/stream",
      ].sort(),
    );
  });

  it("streams snapshots over Server-Sent Events", async () => {
    const controller = new AbortController();
    const response = await fetch(`${base}/api/stream`, { signal: controller.signal });
    const reader = response.body!.getReader();
    let text = "";
    const decoder = new TextDecoder();
    while (!/event: snapshot\ndata: .*\n\n/.test(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    controller.abort();
    const data = JSON.parse(/event: snapshot\ndata: (.*)\n\n/.exec(text)![1]!);
    expect(data.readings.length).toBeGreaterThan(5);
  }, 20_000);

  it("inspects a real captured frame with its key", async () => {
    const ciphered = REAL_FRAMES.find(
      (c) => c.key && Array.isArray(c.expected) && c.expected.some((e) => e.obis),
    )!;
    const response = await fetch(`${base}/api/inspect`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        hex: Buffer.from(caseBytes(ciphered)).toString("hex"),
        key: ciphered.key,
        ...(ciphered.auth_key ? { auth_key: ciphered.auth_key } : {}),
      }),
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text.toLowerCase()).not.toContain(ciphered.key!.toLowerCase());
    const body = JSON.parse(text) as {
      layers: unknown[];
      readings: { obis: string }[];
      summary: { encrypted: boolean };
    };
    expect(body.summary.encrypted).toBe(true);
    expect(body.layers.length).toBeGreaterThan(5);
    expect(body.readings.length).toBeGreaterThan(0);
    expect(output.toLowerCase()).not.toContain(ciphered.key!.toLowerCase());
  });

  it("refuses to start on a network address without a password, naming the option", async () => {
    const refused = spawn(process.execPath, [CLI, "run", "--http", "0.0.0.0:1", "--data-dir", folder], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let text = "";
    refused.stderr?.on("data", (chunk: Buffer) => (text += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => refused.on("exit", resolve));
    expect(code).toBe(1);
    expect(text).toContain("http.password: required when --http listens on 0.0.0.0");
  });
});
