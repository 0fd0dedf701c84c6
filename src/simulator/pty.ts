/**
 * The virtual meter on a pseudo-terminal, so that e450's serial transport reads it exactly as it reads
 * a USB adapter. Node has no pty API; socat (Debian package socat) bridges a pty to the simulator's
 * TCP port. Where socat is missing the simulator still serves TCP, and this says so plainly.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";

export interface PtyBridge {
  /** The pty's stable path (a symlink socat keeps while it runs). */
  readonly path: string;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 5_000;

export async function startPtyBridge(
  target: { host: string; port: number },
  link: string,
): Promise<PtyBridge> {
  const child: ChildProcess = spawn(
    "socat",
    [`PTY,link=${link},raw,echo=0`, `TCP:${target.host}:${target.port}`],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let errors = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    errors += chunk.toString();
  });
  const failed = new Promise<never>((_, reject) => {
    child.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          error.code === "ENOENT"
            ? "a pseudo-terminal needs socat (apt-get install socat); TCP still works"
            : error.message,
        ),
      ),
    );
    child.once("exit", (code) => reject(new Error(`socat exited (${code}): ${errors.trim()}`)));
  });
  const ready = (async () => {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!existsSync(link)) {
      if (Date.now() > deadline)
        throw new Error(`socat did not create ${link} within ${READY_TIMEOUT_MS / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  try {
    await Promise.race([ready, failed]);
  } catch (error) {
    child.kill();
    throw error;
  }
  failed.catch(() => {}); // after start, an exit is reported by the serial side as a closed port
  return {
    path: link,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
