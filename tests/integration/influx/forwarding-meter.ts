/**
 * The real parts around the forwarder for the end-to-end tests: the built CLI's `e450 simulate` (the
 * virtual E450 as a TCP bridge, pushing fast) and `e450 run` reading it, with a counting bridge
 * between the two. The bridge keeps every byte it passed on, per connection, and `e450 decode` turns
 * those bytes into the pushes e450 was sent: the count the tests hold InfluxDB against. Both processes
 * run with TZ=UTC, so a push's meter time (its local time) is the UTC instant e450 writes.
 * Needs `npm run build` first (npm test does it).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const CLI = fileURLToPath(new URL("../../../dist/src/cli.js", import.meta.url));
/** The virtual meter of the default seed (swiss format): its serial, the `meter` tag. */
export const METER = "29076916";
/** A fixed meter start, so every run writes the same instants. */
export const METER_START = "2025-01-01T00:00:00Z";
const ENV = { ...process.env, TZ: "UTC", E450_MQTT_URL: "" };
/** How often a condition is polled: a query to InfluxDB or the queue file each time. */
const POLL_MS = 200;

/** Polls until `condition` holds; the error names what was awaited and, if given, what was seen. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
  seen: () => string = () => "",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      const detail = seen();
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail ? `; ${detail}` : ""}`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** A CLI child process with its stdout and stderr kept in order. */
export class CliProcess {
  private text = "";
  readonly exited: Promise<void>;

  constructor(readonly child: ChildProcess) {
    const keep = (chunk: Buffer) => {
      this.text += chunk.toString();
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    this.exited = new Promise((resolve) => child.once("close", () => resolve()));
  }

  get output(): string {
    return this.text;
  }

  /** e450's log lines (not the live readings it prints for each push). */
  get log(): string {
    return this.text
      .split("\n")
      .filter((line) => /^\d{4}-\d\d-\d\dT[\d:.]+Z /.test(line))
      .join("\n");
  }

  /** SIGTERM (a clean stop) or SIGKILL (a crash); resolves when the process is gone. */
  async end(signal: "SIGTERM" | "SIGKILL" = "SIGTERM"): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    await this.exited;
  }
}

/** Every process a test file started, to end in afterAll whatever happened. */
export class Processes {
  private readonly all: CliProcess[] = [];

  cli(args: readonly string[]): CliProcess {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"], env: ENV });
    const started = new CliProcess(child);
    this.all.push(started);
    return started;
  }

  /** `e450 simulate`: `pushesPerSecond` pushes every wall second, 2 s of meter time apart. */
  async simulator(pushesPerSecond: number): Promise<{ process: CliProcess; port: number }> {
    // Two meter seconds between pushes, so that no two pushes share a second of the meter's clock.
    const sim = this.cli([
      "simulate",
      ...["--interval", "2", "--speed", String(2 * pushesPerSecond), "--start", METER_START],
    ]);
    let port = 0;
    await waitFor(
      () => {
        port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(sim.output)?.[1] ?? 0);
        return port > 0 || sim.child.exitCode !== null;
      },
      15_000,
      "the simulator to listen",
    );
    if (port === 0) throw new Error(`the simulator did not start: ${sim.output}`);
    return { process: sim, port };
  }

  /** `e450 run` with the options in YAML, reading the meter at `meterPort`, the InfluxDB group as given. */
  run(folder: string, name: string, meterPort: number, influxdb: readonly string[]): CliProcess {
    const config = join(folder, `${name}.yaml`);
    writeFileSync(
      config,
      [
        "meter:",
        "  connection: tcp",
        "  tcp_host: 127.0.0.1",
        `  tcp_port: ${meterPort}`,
        "influxdb:",
        ...influxdb.map((line) => `  ${line}`),
        "",
      ].join("\n"),
    );
    return this.cli(["run", "--config", config, "--data-dir", join(folder, "data")]);
  }

  async endAll(): Promise<void> {
    await Promise.all(this.all.map((started) => started.end("SIGKILL")));
  }
}

/** One push as `e450 decode` reads it: its time (UTC ms, the meter's clock) and the import total. */
export interface Push {
  readonly meterTime: string;
  readonly timeMs: number;
  readonly importWh: number;
}

interface DecodedSnapshot {
  readonly meterTime: string | null;
  readonly readings: readonly { readonly obis: string; readonly value: unknown }[];
}

/**
 * The pushes in a byte stream, decoded by `e450 decode` (the same decoder, a separate process); not
 * spawnSync, which would stop every other case of the file (and its timers) meanwhile.
 */
async function decodePushes(bytes: Buffer): Promise<Push[]> {
  if (bytes.length === 0) return [];
  const decoder = spawn(process.execPath, [CLI, "decode", "--format", "json"], { env: ENV });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  decoder.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
  decoder.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
  const status = new Promise<number | null>((resolve) => decoder.once("close", resolve));
  decoder.stdin.end(bytes);
  if ((await status) !== 0) throw new Error(`e450 decode failed: ${Buffer.concat(stderr).toString()}`);
  const { snapshots } = JSON.parse(Buffer.concat(stdout).toString()) as { snapshots: DecodedSnapshot[] };
  return snapshots.map((snapshot) => {
    const total = snapshot.readings.find((reading) => reading.obis === "1-1:1.8.0.255");
    if (snapshot.meterTime === null || typeof total?.value !== "number") {
      throw new Error(`a push without clock or import total: ${JSON.stringify(snapshot)}`);
    }
    return {
      meterTime: snapshot.meterTime,
      timeMs: Date.parse(`${snapshot.meterTime}Z`),
      importWh: total.value,
    };
  });
}

/** Whether e450 has published the push: it prints a live line, starting with the meter's clock, for each. */
export const printed = (run: CliProcess, push: Push) => run.output.includes(`${push.meterTime}+00:00  meter`);

/** How many pushes e450 has published (live lines printed). */
export const publishedCount = (run: CliProcess) => run.output.match(/^\S+\+00:00 {2}meter /gm)?.length ?? 0;

/**
 * A TCP bridge between the simulator and e450 that keeps what it passed on: one session per e450
 * connection, each with its own connection to the simulator. `cut()` ends the sessions' upstream side,
 * so no push follows the ones counted, and turns new connections away (e450 reconnects after a minute
 * of silence) until `reopen()`.
 */
export class MeterBridge {
  readonly sessions: Buffer[][] = [];
  private readonly sockets = new Set<Socket>();
  private readonly upstreams = new Set<Socket>();
  private passing = true;

  private constructor(
    private readonly server: Server,
    private readonly upstreamPort: number,
  ) {}

  static async start(upstreamPort: number): Promise<MeterBridge> {
    const server = createServer();
    const bridge = new MeterBridge(server, upstreamPort);
    server.on("connection", (socket) => bridge.accept(socket));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return bridge;
  }

  get port(): number {
    const address = this.server.address();
    return typeof address === "object" && address ? address.port : 0;
  }

  /** The pushes e450 was sent in session `index` (its n-th connection). */
  pushes(index: number): Promise<Push[]> {
    return decodePushes(Buffer.concat(this.sessions[index] ?? []));
  }

  /** The simulator's side of every session closes: nothing more reaches e450. */
  cut(): void {
    this.passing = false;
    for (const upstream of this.upstreams) upstream.destroy();
  }

  /** New connections get a session again (for the next e450 process). */
  reopen(): void {
    this.passing = true;
  }

  async close(): Promise<void> {
    for (const socket of [...this.sockets, ...this.upstreams]) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(downstream: Socket): void {
    if (!this.passing) {
      downstream.destroy();
      return;
    }
    const captured: Buffer[] = [];
    this.sessions.push(captured);
    this.sockets.add(downstream);
    const upstream = createConnection({ host: "127.0.0.1", port: this.upstreamPort });
    this.upstreams.add(upstream);
    upstream.on("data", (chunk: Buffer) => {
      if (downstream.destroyed) return;
      captured.push(chunk);
      downstream.write(chunk);
    });
    const end = () => {
      this.upstreams.delete(upstream);
      upstream.destroy();
    };
    upstream.on("error", end);
    upstream.on("close", end);
    downstream.on("error", () => downstream.destroy());
    downstream.on("close", () => {
      this.sockets.delete(downstream);
      end();
    });
  }
}
