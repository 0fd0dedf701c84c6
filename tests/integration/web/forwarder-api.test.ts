/**
 * `/api/diagnostics` of the service as a user runs it (the built CLI, the virtual meter) with InfluxDB
 * forwarding to a real InfluxDB 1.6 with a login: the forwarder's report shows written lines, then the
 * error and the growing queue once the server is gone, and never the password. Needs `npm run build`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Influxd } from "../../helpers/influxd.js";
import { waitUntil } from "../mqtt/mosquitto.js";
import { freePort } from "../../helpers/free-port.js";

const CLI = fileURLToPath(new URL("../../../dist/src/cli.js", import.meta.url));
/** The forwarder reports every 10 s; the virtual meter pushes every 5 s. */
const REPORT_WAIT_MS = 40_000;

interface ForwarderFacts {
  readonly queuedLines: number;
  readonly writtenLines: number;
  readonly oldestQueuedAt: string | null;
  readonly lastError: string | null;
  readonly lastWriteAt: string | null;
  readonly reportedAt: string;
}

let influxd: Influxd;
let folder: string;
let child: ChildProcess | undefined;
let output = "";
let base: string;
const password = randomBytes(12).toString("base64url");

/** The diagnostics as text (to look for the password in) and as data. */
async function diagnostics(): Promise<{ text: string; forwarder: ForwarderFacts | null }> {
  const response = await fetch(`${base}/api/diagnostics`);
  const text = await response.text();
  if (!response.ok) throw new Error(`/api/diagnostics answered ${response.status}: ${text}`);
  return { text, forwarder: (JSON.parse(text) as { forwarder: ForwarderFacts | null }).forwarder };
}

/** Polls the diagnostics until `accept` holds for the forwarder's report; the last answer. */
async function diagnosticsUntil(what: string, accept: (forwarder: ForwarderFacts) => boolean) {
  let last: Awaited<ReturnType<typeof diagnostics>> | undefined;
  await waitUntil(
    async () => {
      try {
        last = await diagnostics();
      } catch {
        return false; // not listening yet
      }
      return last.forwarder !== null && accept(last.forwarder);
    },
    REPORT_WAIT_MS,
    `${what}\n${output}`,
  );
  if (!last) throw new Error(`no answer for ${what}`);
  return last;
}

beforeAll(async () => {
  influxd = await Influxd.start({ auth: true });
  await influxd.createDatabase("e450");
  await influxd.createUser("e450", password, { database: "e450", privilege: "WRITE" });
  folder = mkdtempSync(join(tmpdir(), "e450-forwarder-api-"));
  const config = join(folder, "options.yaml");
  writeFileSync(
    config,
    [
      "meter:",
      "  connection: virtual",
      "influxdb:",
      `  url: ${influxd.url}`,
      "  database: e450",
      "  username: e450",
      `  password: ${password}`,
      "",
    ].join("\n"),
  );
  base = `http://127.0.0.1:${await freePort()}`;
  child = spawn(
    process.execPath,
    [CLI, "run", "--config", config, "--http", base.slice("http://".length), "--data-dir", folder],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
}, 60_000);

afterAll(async () => {
  child?.kill("SIGKILL");
  await influxd?.close();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

describe("the forwarder in /api/diagnostics of e450 run", () => {
  it("shows written lines, then the error and the queue once InfluxDB is gone, never the password", async () => {
    const working = await diagnosticsUntil("written lines", (f) => f.writtenLines > 0);
    expect(working.forwarder).toMatchObject({ lastError: null, lastWriteAt: expect.any(String) });
    expect(working.forwarder?.reportedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
    expect(working.text).not.toContain(password);

    await influxd.stop();
    const failing = await diagnosticsUntil(
      "the error with lines queued",
      (f) => f.lastError !== null && f.queuedLines > 0,
    );
    expect(failing.forwarder?.lastError).toContain(influxd.url);
    expect(failing.forwarder?.oldestQueuedAt).toEqual(expect.any(String));
    expect(failing.text).not.toContain(password);
    expect(output).not.toContain(password);
  }, 90_000);
});
