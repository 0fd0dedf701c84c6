/**
 * watchForDevice on real files in a temporary folder; the poll runs on fake timers. The directory
 * watch itself is exercised on a pty in tests/integration/transport/serial-pty.test.ts.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DEVICE_POLL_MS, watchForDevice } from "../../../src/transport/device-watch.js";

let root: string;
const stops: (() => void)[] = [];

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
  root = mkdtempSync(join(tmpdir(), "e450-watch-"));
});

afterEach(() => {
  for (const stop of stops.splice(0)) stop();
  vi.useRealTimers();
  rmSync(root, { recursive: true, force: true });
});

function watched(path: string) {
  const appeared = vi.fn();
  stops.push(watchForDevice(path, appeared));
  return appeared;
}

describe("watchForDevice", () => {
  it("sees a by-id link whose folder did not exist yet (udev removes it with the last adapter)", () => {
    const byId = join(root, "serial", "by-id");
    const link = join(byId, "usb-FTDI_FT232R-if00-port0");
    const appeared = watched(link);
    vi.advanceTimersByTime(5 * DEVICE_POLL_MS);
    expect(appeared).not.toHaveBeenCalled();

    writeFileSync(join(root, "ttyUSB0"), "");
    mkdirSync(byId, { recursive: true });
    symlinkSync("../../ttyUSB0", link);
    vi.advanceTimersByTime(DEVICE_POLL_MS);
    expect(appeared).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(5 * DEVICE_POLL_MS);
    expect(appeared).toHaveBeenCalledTimes(1);
  });

  it("takes a dangling link for an absent device", () => {
    const link = join(root, "ttyE450");
    symlinkSync(join(root, "pts-gone"), link);
    const appeared = watched(link);
    vi.advanceTimersByTime(DEVICE_POLL_MS);
    expect(appeared).not.toHaveBeenCalled();
    writeFileSync(join(root, "pts-gone"), "");
    vi.advanceTimersByTime(DEVICE_POLL_MS);
    expect(appeared).toHaveBeenCalledTimes(1);
  });

  it("never fires for a device that is there all along (it failed to open for another reason)", () => {
    const node = join(root, "ttyUSB0");
    writeFileSync(node, "");
    const appeared = watched(node);
    vi.advanceTimersByTime(10 * DEVICE_POLL_MS);
    expect(appeared).not.toHaveBeenCalled();
    // Gone and back: that is a reappearance.
    unlinkSync(node);
    vi.advanceTimersByTime(DEVICE_POLL_MS);
    writeFileSync(node, "");
    vi.advanceTimersByTime(DEVICE_POLL_MS);
    expect(appeared).toHaveBeenCalledTimes(1);
  });
});
