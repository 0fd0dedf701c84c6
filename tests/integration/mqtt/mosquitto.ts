/**
 * A real Mosquitto broker for the tests: started on a free loopback port with a generated config in
 * a temporary folder, stopped (and the folder removed) after. CI installs the Debian package through
 * scripts/install-test-deps.sh.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../helpers/free-port.js";

const CANDIDATES = ["/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto", "/usr/bin/mosquitto"];
const START_TIMEOUT_MS = 10_000;

function mosquittoBinary(): string {
  const found = CANDIDATES.find((path) => existsSync(path));
  if (!found) throw new Error("mosquitto is not installed: run scripts/install-test-deps.sh");
  return found;
}

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

export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export class Mosquitto {
  private process: ChildProcess | undefined;
  private output = "";
  private readonly folder: string;

  private constructor(readonly port: number) {
    this.folder = mkdtempSync(join(tmpdir(), "e450-mosquitto-"));
    // No persistence: a restarted broker has lost every retained message, as after a crash.
    writeFileSync(
      join(this.folder, "mosquitto.conf"),
      [`listener ${port} 127.0.0.1`, "allow_anonymous true", "persistence false", "log_dest stderr", ""].join(
        "\n",
      ),
    );
  }

  static async start(): Promise<Mosquitto> {
    const broker = new Mosquitto(await freePort());
    await broker.resume();
    return broker;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  /** Starts the broker (again) on the same port. */
  async resume(): Promise<void> {
    const child = spawn(mosquittoBinary(), ["-c", join(this.folder, "mosquitto.conf")], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (chunk: Buffer) => {
      this.output += chunk.toString();
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      this.output += chunk.toString();
    });
    this.process = child;
    await waitUntil(
      async () => {
        if (child.exitCode !== null) throw new Error(`mosquitto exited:\n${this.output}`);
        return accepts(this.port);
      },
      START_TIMEOUT_MS,
      `mosquitto on port ${this.port}`,
    );
  }

  /** Stops the broker and waits until it has exited. */
  async halt(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }

  async stop(): Promise<void> {
    await this.halt();
    rmSync(this.folder, { recursive: true, force: true });
  }
}
