/**
 * Proves to the container health check that the event loop still turns: rootfs/usr/bin/e450-healthcheck
 * requires a touch of this file within 180 s when it exists.
 */
import { mkdir, utimes, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { Logger } from "../logging/logger.js";

const HEARTBEAT_FILE = "/run/e450/heartbeat";
const HEARTBEAT_EVERY_MS = 60_000;

/** Starts touching the heartbeat file; returns what stops it. */
export async function startHeartbeat(logger: Logger, file = HEARTBEAT_FILE): Promise<() => void> {
  const touch = async () => {
    const now = new Date();
    await utimes(file, now, now).catch(() => writeFile(file, ""));
  };
  try {
    await mkdir(dirname(file), { recursive: true });
    await touch();
  } catch (error) {
    logger.debug(`no health-check heartbeat: ${(error as Error).message}`);
    return () => {};
  }
  const timer = setInterval(() => void touch().catch(() => {}), HEARTBEAT_EVERY_MS);
  return () => clearInterval(timer);
}
