/**
 * Tells when a device path appears: a USB adapter plugged back in gets its node (/dev/ttyUSB0) and
 * its udev links (/dev/serial/by-id/…) again, and the reconnect loop should open it at once rather
 * than after the rest of its backoff delay.
 *
 * Two ways, because neither is enough alone: a directory watch (inotify) sees the link the moment
 * udev creates it, but cannot watch a folder that is gone — udev removes /dev/serial/by-id with the
 * last adapter — and a container's /dev may not deliver events at all; a poll of the path covers both.
 */
import { existsSync, type FSWatcher, watch } from "node:fs";
import { basename, dirname } from "node:path";

/** How often the path is checked besides the directory watch. */
export const DEVICE_POLL_MS = 1_000;

/**
 * Calls `appeared` once when `path` goes from absent to present (a dangling link counts as absent).
 * A path that is present all along never fires: a device that exists but fails to open is retried
 * on the backoff's schedule, not in a loop. Returns what stops watching.
 */
export function watchForDevice(path: string, appeared: () => void): () => void {
  let present = existsSync(path);
  let done = false;
  let watcher: FSWatcher | null = null;
  const check = () => {
    if (done) return;
    const now = existsSync(path);
    if (now && !present) {
      stop();
      appeared();
      return;
    }
    present = now;
  };
  const poll = setInterval(check, DEVICE_POLL_MS);
  poll.unref();
  try {
    watcher = watch(dirname(path), { persistent: false }, (_event, name) => {
      // Some platforms report no name; then any change in the folder is worth a look.
      if (name === null || name === basename(path)) check();
    });
    watcher.on("error", () => watcher?.close());
  } catch {
    // The folder does not exist (no adapter plugged in at all) or cannot be watched: the poll covers it.
  }
  function stop() {
    done = true;
    clearInterval(poll);
    watcher?.close();
  }
  return stop;
}
