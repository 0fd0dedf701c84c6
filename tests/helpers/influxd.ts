/**
 * A real InfluxDB 1.x server for the tests (Debian's `influxdb` package, 1.6.7; CI installs it through
 * scripts/install-test-deps.sh): started on free loopback ports with a generated config whose meta,
 * data and WAL folders live in a temporary folder. `stop()`/`kill()` keep that folder, so `resume()`
 * brings the same data back on the same ports, as after a restart or a crash; `close()` removes it.
 *
 * With `auth`, the helper creates an admin user while none exists (the one statement InfluxDB 1.x
 * accepts without credentials then, docs.influxdata.com/influxdb/v1/administration/authentication_and_authorization/)
 * and uses it for its own queries; tests create their own users with `createUser`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitUntil } from "../integration/mqtt/mosquitto.js";
import { freePort } from "./free-port.js";

const CANDIDATES = ["/usr/bin/influxd", "/usr/local/bin/influxd"];
const START_TIMEOUT_MS = 10_000;
/** InfluxDB 1.6 closes its shards on SIGTERM; past this it is killed so a test never hangs on it. */
const STOP_TIMEOUT_MS = 10_000;
const PING_TIMEOUT_MS = 500;
const KEPT_OUTPUT_LINES = 200;
const ADMIN_USER = "admin";
/** Another process may take a port between `freePort()` and influxd's bind: new ports, a few times. */
const START_ATTEMPTS = 3;

/** One series of a query result, as InfluxDB 1.x's /query returns it. */
export interface InfluxSeries {
  /** Absent for statements that list no measurement (SHOW GRANTS, SHOW USERS). */
  readonly name?: string;
  readonly tags?: Record<string, string>;
  readonly columns: string[];
  readonly values: unknown[][];
}

interface InfluxGrant {
  readonly database: string;
  readonly privilege: "READ" | "WRITE" | "ALL";
}

interface QueryResponse {
  readonly error?: string;
  readonly results?: readonly { readonly error?: string; readonly series?: InfluxSeries[] }[];
}

function influxdBinary(): string {
  const found = CANDIDATES.find((path) => existsSync(path));
  if (!found) throw new Error("influxd is not installed: run scripts/install-test-deps.sh");
  return found;
}

async function twoFreePorts(): Promise<[number, number]> {
  const first = await freePort();
  let second = await freePort();
  while (second === first) second = await freePort();
  return [first, second];
}

/** InfluxQL identifiers in double quotes and strings in single quotes, with backslash escapes. */
function identifier(name: string): string {
  return `"${name.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

function literal(text: string): string {
  return `'${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** A statement as it may appear in an error message: never with a password in it. */
function redacted(statement: string): string {
  return statement.replace(/PASSWORD\s+'(?:[^'\\]|\\.)*'/gi, "PASSWORD [redacted]");
}

function withoutInfluxEnvironment(): NodeJS.ProcessEnv {
  // influxd lets INFLUXDB_* variables override its config file (e.g. INFLUXDB_HTTP_BIND_ADDRESS).
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("INFLUXDB_")));
}

export class Influxd {
  private process: { readonly child: ChildProcess; readonly closed: Promise<unknown> } | undefined;
  /** The server's last output lines (stdout and stderr), for the message of a failed start. */
  private output = "";
  private readonly folder: string;
  private readonly adminPassword: string | undefined;

  private constructor(
    private readonly auth: boolean,
    private rpcPort: number,
    private httpPort: number,
  ) {
    this.folder = mkdtempSync(join(tmpdir(), "e450-influxd-"));
    this.adminPassword = auth ? randomBytes(18).toString("base64url") : undefined;
  }

  static async start(options: { auth?: boolean } = {}): Promise<Influxd> {
    const server = new Influxd(options.auth ?? false, ...(await twoFreePorts()));
    try {
      for (let attempt = 1; ; attempt++) {
        server.writeConfig();
        try {
          await server.launch();
          break;
        } catch (error) {
          if (attempt >= START_ATTEMPTS || !server.portTaken()) throw error;
          [server.rpcPort, server.httpPort] = await twoFreePorts();
        }
      }
      if (server.adminPassword !== undefined) {
        await server.query(
          `CREATE USER ${identifier(ADMIN_USER)} WITH PASSWORD ${literal(server.adminPassword)} WITH ALL PRIVILEGES`,
        );
      }
    } catch (error) {
      await server.close();
      throw error;
    }
    return server;
  }

  /** The HTTP API's port. */
  get port(): number {
    return this.httpPort;
  }

  get url(): string {
    return `http://127.0.0.1:${this.httpPort}`;
  }

  /** Runs InfluxQL as the admin (when auth is on); the series of every statement, in order. */
  async query(statement: string, database?: string): Promise<InfluxSeries[]> {
    const form = new URLSearchParams({ q: statement });
    if (database !== undefined) form.set("db", database);
    const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
    if (this.adminPassword !== undefined) {
      headers["authorization"] =
        `Basic ${Buffer.from(`${ADMIN_USER}:${this.adminPassword}`).toString("base64")}`;
    }
    const response = await fetch(`${this.url}/query`, { method: "POST", headers, body: form });
    const text = await response.text();
    let body: QueryResponse;
    try {
      body = JSON.parse(text) as QueryResponse;
    } catch {
      throw new Error(`influxd answered ${response.status} to ${redacted(statement)}: ${text}`);
    }
    const errors = [body.error, ...(body.results ?? []).map((result) => result.error)].filter(
      (error) => error !== undefined,
    );
    if (errors.length > 0 || !response.ok) {
      throw new Error(
        `influxd answered ${response.status} to ${redacted(statement)}: ${errors.join("; ") || text}`,
      );
    }
    return (body.results ?? []).flatMap((result) => result.series ?? []);
  }

  async createDatabase(name: string): Promise<void> {
    await this.query(`CREATE DATABASE ${identifier(name)}`);
  }

  async createUser(
    name: string,
    password: string,
    grants: InfluxGrant | readonly InfluxGrant[],
  ): Promise<void> {
    await this.query(`CREATE USER ${identifier(name)} WITH PASSWORD ${literal(password)}`);
    for (const grant of Array.isArray(grants) ? grants : [grants]) {
      await this.query(`GRANT ${grant.privilege} ON ${identifier(grant.database)} TO ${identifier(name)}`);
    }
  }

  /** Starts the server again on the same ports with the same data (after `stop()` or `kill()`). */
  async resume(): Promise<void> {
    // The ports were ours a moment ago; if the old process's sockets linger, wait them out.
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      try {
        await this.launch();
        return;
      } catch (error) {
        if (!this.portTaken() || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  /** SIGTERM, as a service manager stops it; the data stays for `resume()`. */
  async stop(): Promise<void> {
    await this.end("SIGTERM");
  }

  /** SIGKILL, as a crash or a power cut; the data stays for `resume()`. */
  async kill(): Promise<void> {
    await this.end("SIGKILL");
  }

  /** Stops the server and removes its data. */
  async close(): Promise<void> {
    await this.stop();
    rmSync(this.folder, { recursive: true, force: true });
  }

  private writeConfig(): void {
    const config = [
      // Debian's build names the switch reporting-enabled (off by default), upstream's reporting-disabled;
      // influxd ignores the key it does not know, so both keep it from calling home.
      "reporting-enabled = false",
      "reporting-disabled = true",
      // The RPC (backup/restore) listener: on a free loopback port, never the default 8088.
      `bind-address = "127.0.0.1:${this.rpcPort}"`,
      "[meta]",
      `  dir = "${join(this.folder, "meta")}"`,
      "  logging-enabled = false",
      "[data]",
      `  dir = "${join(this.folder, "data")}"`,
      `  wal-dir = "${join(this.folder, "wal")}"`,
      // An acknowledged write is on disk before the answer (the default, spelled out: kill() relies on it).
      `  wal-fsync-delay = "0s"`,
      "  query-log-enabled = false",
      "[monitor]",
      "  store-enabled = false",
      "[http]",
      `  bind-address = "127.0.0.1:${this.httpPort}"`,
      `  auth-enabled = ${this.auth}`,
      "  log-enabled = false",
      "  pprof-enabled = false",
      "[continuous_queries]",
      "  enabled = false",
      "[retention]",
      "  enabled = false",
      "[shard-precreation]",
      "  enabled = false",
      "[subscriber]",
      "  enabled = false",
      "[logging]",
      `  level = "warn"`,
      "  suppress-logo = true",
      "",
    ].join("\n");
    writeFileSync(join(this.folder, "influxdb.conf"), config);
  }

  private async launch(): Promise<void> {
    this.output = "";
    const child = spawn(influxdBinary(), ["run", "-config", join(this.folder, "influxdb.conf")], {
      stdio: ["ignore", "pipe", "pipe"],
      env: withoutInfluxEnvironment(),
    });
    const keep = (chunk: Buffer) => {
      const lines = (this.output + chunk.toString()).split("\n");
      this.output = lines.slice(-KEPT_OUTPUT_LINES).join("\n");
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    let spawnError: Error | undefined;
    child.once("error", (error) => {
      spawnError = error;
    });
    // "close" comes after "exit" and after the last output: what a failed start said is all there then.
    this.process = { child, closed: new Promise((resolve) => child.once("close", resolve)) };
    try {
      await waitUntil(
        async () => {
          if (spawnError) throw spawnError;
          if (child.exitCode !== null || child.signalCode !== null) {
            throw new Error(`influxd exited (${child.exitCode ?? child.signalCode})`);
          }
          return this.pings();
        },
        START_TIMEOUT_MS,
        `influxd on port ${this.httpPort}`,
      );
    } catch (error) {
      await this.end("SIGKILL");
      throw new Error(`${(error as Error).message}; its last output:\n${this.output}`);
    }
  }

  private async pings(): Promise<boolean> {
    try {
      // Bounded: whatever holds the port while influxd cannot bind it may never answer.
      const response = await fetch(`${this.url}/ping`, { signal: AbortSignal.timeout(PING_TIMEOUT_MS) });
      return response.status === 204;
    } catch {
      return false;
    }
  }

  private portTaken(): boolean {
    return this.output.includes("address already in use");
  }

  private async end(signal: "SIGTERM" | "SIGKILL"): Promise<void> {
    const running = this.process;
    this.process = undefined;
    if (!running) return;
    const { child, closed } = running;
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
    await closed;
    clearTimeout(timer);
  }
}
