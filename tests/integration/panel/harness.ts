/**
 * What the panel tests run against: the built CLI (`e450 run --http`, the virtual meter) with a data
 * folder whose history store already holds a year of 15-minute energy, and in front of it a reverse
 * proxy that does what Home Assistant's ingress does (home-assistant/core
 * homeassistant/components/hassio/ingress.py: `/api/hassio_ingress/{token}/{path}` is forwarded as
 * `/{path}` with the query, and `X-Ingress-Path: /api/hassio_ingress/{token}` and X-Forwarded-For/
 * -Host/-Proto are added). The proxy keeps every byte it sent back, so a test can say what the
 * browser received, the live stream included.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer as createHttpServer, request as httpRequest, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { seededRandom } from "../../../src/analytics/anomaly/random.js";
import { virtualMeterKey } from "../../../src/cli/history-meter.js";
import { HistoryStore } from "../../../src/store/history-store.js";
import { historyFile } from "../../../src/store/location.js";
import type { StoredInterval } from "../../../src/store/types.js";
import { freePort } from "../../helpers/free-port.js";

const CLI = fileURLToPath(new URL("../../../dist/src/cli.js", import.meta.url));
const QUARTER_MS = 15 * 60_000;
const DAY_MS = 86_400_000;

/**
 * A household's quarter hour, as `e450 history import` would store it: a base load, mornings and
 * evenings, more in winter, and solar export around noon in summer. Only the shape matters: the
 * charts have something true-looking to draw, and a year of it is 35 040 points.
 */
function quarter(startMs: number, random: () => number): StoredInterval {
  const date = new Date(startMs);
  const hour = date.getUTCHours() + date.getUTCMinutes() / 60;
  const season = Math.cos(((date.getUTCMonth() + 0.5) / 12) * 2 * Math.PI); // 1 in winter, -1 in summer
  const bump = (centre: number, width: number) => Math.exp(-(((hour - centre) / width) ** 2));
  const demand = 0.06 + 0.1 * bump(7, 1.2) + 0.16 * bump(19, 2) + 0.03 * season + 0.04 * random();
  const sun = Math.max(0, Math.cos(((hour - 12.5) / 14) * 2 * Math.PI)) * (0.55 - 0.35 * season);
  const net = demand - sun * (0.8 + 0.2 * random());
  return {
    startMs,
    endMs: startMs + QUARTER_MS,
    importKwh: Math.max(0, net),
    exportKwh: Math.max(0, -net),
    source: "imported",
  };
}

/** Fills the store in `dataDir` with the virtual meter's last `days` days of quarter hours up to now. */
function fillHistory(dataDir: string, days: number, nowMs: number): number {
  const quiet = { debug() {}, info() {}, warn() {}, error() {} };
  const store = HistoryStore.open(historyFile(dataDir), quiet);
  const random = seededRandom(450);
  const lastQuarter = Math.floor(nowMs / QUARTER_MS) * QUARTER_MS - QUARTER_MS;
  const first = lastQuarter - days * DAY_MS;
  let count = 0;
  try {
    for (let day = first; day <= lastQuarter; day += DAY_MS) {
      const intervals: StoredInterval[] = [];
      for (let start = day; start < Math.min(day + DAY_MS, lastQuarter + 1); start += QUARTER_MS)
        intervals.push(quarter(start, random));
      store.writeIntervals(virtualMeterKey(), intervals);
      count += intervals.length;
    }
  } finally {
    store.close();
  }
  return count;
}

export interface RunningE450 {
  readonly port: number;
  readonly dataDir: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  stop(): void;
}

async function until(what: string, attempt: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await attempt()) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** `e450 run --http 127.0.0.1:PORT --data-dir DIR`, the contract of issue 10, once the meter has pushed. */
export async function startE450(historyDays: number): Promise<RunningE450> {
  const dataDir = mkdtempSync(join(tmpdir(), "e450-panel-"));
  fillHistory(dataDir, historyDays, Date.now());
  const port = await freePort();
  let output = "";
  const child: ChildProcess = spawn(
    process.execPath,
    [CLI, "run", "--http", `127.0.0.1:${port}`, "--data-dir", dataDir],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const stop = () => {
    child.kill("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await until(
      "the virtual meter's first push",
      async () => (await fetch(`http://127.0.0.1:${port}/api/readings/latest`)).ok,
      45_000,
    );
  } catch (error) {
    stop();
    throw new Error(`${(error as Error).message}; e450 said:\n${output}`);
  }
  return { port, dataDir, output: () => output, stop };
}

/** HTTP/1.1 hop-by-hop headers (RFC 9110 §7.6.1): a proxy does not forward them. */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "upgrade", "te", "trailer"]);

export class IngressProxy {
  /** The bytes of every response the proxy sent, by request line: what the browser received. */
  readonly received: { readonly request: string; body: Buffer[] }[] = [];
  /** Requests that did not start with the ingress prefix: Home Assistant would not route them. */
  readonly outside: string[] = [];
  private server: Server | null = null;
  port = 0;

  constructor(
    private readonly targetPort: number,
    readonly prefix: string,
  ) {}

  get entry(): string {
    return `http://127.0.0.1:${this.port}${this.prefix}/`;
  }

  async start(): Promise<void> {
    this.server = createHttpServer((incoming, outgoing) => {
      const url = incoming.url ?? "/";
      if (!url.startsWith(`${this.prefix}/`)) {
        this.outside.push(`${incoming.method} ${url}`);
        outgoing.writeHead(404).end();
        return;
      }
      const headers: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(incoming.headers))
        if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
      headers["x-ingress-path"] = this.prefix;
      headers["x-forwarded-for"] = incoming.socket.remoteAddress ?? "127.0.0.1";
      headers["x-forwarded-host"] = incoming.headers.host ?? "";
      headers["x-forwarded-proto"] = "http";
      const record = { request: `${incoming.method} ${url}`, body: [] as Buffer[] };
      this.received.push(record);
      const upstream = httpRequest(
        {
          host: "127.0.0.1",
          port: this.targetPort,
          method: incoming.method,
          path: url.slice(this.prefix.length),
          headers,
        },
        (response) => {
          const back: Record<string, string | string[]> = {};
          for (const [name, value] of Object.entries(response.headers))
            if (value !== undefined && !HOP_BY_HOP.has(name)) back[name] = value;
          outgoing.writeHead(response.statusCode ?? 502, back);
          // Chunk by chunk, so the event stream reaches the browser as it is written.
          response.on("data", (chunk: Buffer) => {
            record.body.push(chunk);
            outgoing.write(chunk);
          });
          response.on("end", () => outgoing.end());
        },
      );
      upstream.on("error", () => outgoing.headersSent || outgoing.writeHead(502).end());
      incoming.pipe(upstream);
      outgoing.on("close", () => upstream.destroy());
    });
    this.port = await freePort();
    const server = this.server;
    await new Promise<void>((resolve) => server.listen(this.port, "127.0.0.1", resolve));
  }

  /** Everything sent back so far as one text (latin1, so no byte is lost to decoding). */
  receivedText(): string {
    return this.received.map((record) => Buffer.concat(record.body).toString("latin1")).join("\n");
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server === null) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
