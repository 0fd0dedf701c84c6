/**
 * A throwaway Mosquitto for the scale benchmark: Debian's broker on a free loopback port, no
 * persistence, config in the caller's folder. The tests have their own (tests/integration/mqtt/
 * mosquitto.ts); the build leaves tests/ out, so the benchmark starts one with only what it needs.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { join } from "node:path";
import { freePort } from "./influxd.js";

const CANDIDATES = ["/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto", "/usr/bin/mosquitto"];
const START_TIMEOUT_MS = 10_000;

export const mosquittoBinary = (): string | undefined => CANDIDATES.find((path) => existsSync(path));

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

export class BenchMosquitto {
  private constructor(
    private readonly child: ChildProcess,
    private readonly closed: Promise<unknown>,
    readonly url: string,
  ) {}

  /** Starts the broker; resolves once it accepts connections. */
  static async start(binary: string, folder: string): Promise<BenchMosquitto> {
    const port = await freePort();
    const config = join(folder, "mosquitto.conf");
    writeFileSync(config, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\n`);
    const child = spawn(binary, ["-c", config], { stdio: ["ignore", "ignore", "pipe"] });
    let output = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4_000);
    });
    const closed = new Promise((resolve) => child.once("close", resolve));
    const broker = new BenchMosquitto(child, closed, `mqtt://127.0.0.1:${port}`);
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (child.exitCode === null && Date.now() < deadline) {
      if (await accepts(port)) return broker;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await broker.stop();
    throw new Error(`mosquitto did not start on port ${port}; its last output:\n${output}`);
  }

  /** Resolves when the process is gone. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGTERM");
    await this.closed;
  }
}
