/**
 * A throwaway InfluxDB 1.x for the forwarder benchmark: Debian's influxd on two free loopback ports,
 * its meta, data and WAL in the caller's folder. The tests have a fuller helper
 * (tests/helpers/influxd.ts, with auth, restarts and crashes); the build leaves tests/ out, so the
 * benchmark starts its own with only what it needs: start, query, stop.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { join } from "node:path";

const CANDIDATES = ["/usr/bin/influxd", "/usr/local/bin/influxd"];
const START_TIMEOUT_MS = 15_000;
/** influxd closes its shards on SIGTERM; past this it is killed so the benchmark never hangs on it. */
const STOP_TIMEOUT_MS = 10_000;
/** Another process may take a free port before influxd binds it: new ports, a few times. */
const START_ATTEMPTS = 3;

/** One series of a /query answer. */
interface InfluxSeries {
  readonly name?: string;
  readonly tags?: Record<string, string>;
  readonly columns: string[];
  readonly values: unknown[][];
}

export const influxdBinary = (): string | undefined => CANDIDATES.find((path) => existsSync(path));

/** A loopback port nobody listens on at the moment of asking. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function config(folder: string, rpcPort: number, httpPort: number): string {
  return [
    // Debian's 1.6 build reads reporting-enabled, upstream reporting-disabled; each ignores the other.
    "reporting-enabled = false",
    "reporting-disabled = true",
    `bind-address = "127.0.0.1:${rpcPort}"`,
    "[meta]",
    `  dir = "${join(folder, "meta")}"`,
    "  logging-enabled = false",
    "[data]",
    `  dir = "${join(folder, "data")}"`,
    `  wal-dir = "${join(folder, "wal")}"`,
    // The default, spelled out: a write is fsynced before it is acknowledged, as in production.
    `  wal-fsync-delay = "0s"`,
    "  query-log-enabled = false",
    "[monitor]",
    "  store-enabled = false",
    "[http]",
    `  bind-address = "127.0.0.1:${httpPort}"`,
    "  log-enabled = false",
    "[continuous_queries]",
    "  enabled = false",
    "[subscriber]",
    "  enabled = false",
    "[logging]",
    `  level = "warn"`,
    "  suppress-logo = true",
    "",
  ].join("\n");
}

export class BenchInfluxd {
  private constructor(
    private readonly child: ChildProcess,
    private readonly closed: Promise<unknown>,
    readonly url: string,
  ) {}

  /** Starts influxd with its files in `folder` (which the caller removes); resolves once /ping answers. */
  static async start(binary: string, folder: string): Promise<BenchInfluxd> {
    mkdirSync(folder, { recursive: true });
    for (let attempt = 1; ; attempt++) {
      const [rpcPort, httpPort] = [await freePort(), await freePort()];
      const file = join(folder, "influxdb.conf");
      writeFileSync(file, config(folder, rpcPort, httpPort));
      // influxd lets INFLUXDB_* variables override its config file.
      const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("INFLUXDB_")));
      const child = spawn(binary, ["run", "-config", file], { stdio: ["ignore", "pipe", "pipe"], env });
      let output = "";
      const keep = (chunk: Buffer) => {
        output = (output + chunk.toString()).slice(-4_000);
      };
      child.stdout?.on("data", keep);
      child.stderr?.on("data", keep);
      child.once("error", (error) => keep(Buffer.from(error.message)));
      const closed = new Promise((resolve) => child.once("close", resolve));
      const server = new BenchInfluxd(child, closed, `http://127.0.0.1:${httpPort}`);
      const deadline = Date.now() + START_TIMEOUT_MS;
      while (child.exitCode === null && Date.now() < deadline && !(await server.pings())) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      if (child.exitCode === null && (await server.pings())) return server;
      await server.stop();
      if (attempt < START_ATTEMPTS && output.includes("address already in use")) continue;
      throw new Error(`influxd did not start on port ${httpPort}; its last output:\n${output}`);
    }
  }

  /** Runs InfluxQL; the series of every statement, in order; throws on any error the server states. */
  async query(statement: string, database?: string): Promise<InfluxSeries[]> {
    const form = new URLSearchParams({ q: statement, ...(database === undefined ? {} : { db: database }) });
    const response = await fetch(`${this.url}/query`, { method: "POST", body: form });
    const text = await response.text();
    const body = JSON.parse(text) as {
      error?: string;
      results?: { error?: string; series?: InfluxSeries[] }[];
    };
    const errors = [body.error, ...(body.results ?? []).map((result) => result.error)].filter(Boolean);
    if (!response.ok || errors.length > 0) {
      throw new Error(`influxd answered ${response.status} to ${statement}: ${errors.join("; ") || text}`);
    }
    return (body.results ?? []).flatMap((result) => result.series ?? []);
  }

  /** The version the server states in its /ping answer. */
  async version(): Promise<string> {
    const response = await fetch(`${this.url}/ping`);
    return response.headers.get("x-influxdb-version") ?? "unknown";
  }

  /** SIGTERM, then SIGKILL if it has not closed in time; resolves when the process is gone. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), STOP_TIMEOUT_MS);
    await this.closed;
    clearTimeout(timer);
  }

  private async pings(): Promise<boolean> {
    try {
      const response = await fetch(`${this.url}/ping`, { signal: AbortSignal.timeout(500) });
      return response.status === 204;
    } catch {
      return false;
    }
  }
}
