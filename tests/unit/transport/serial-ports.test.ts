/**
 * The list of serial ports named when a configured device does not exist, on a folder laid out as
 * /dev and /dev/serial/by-id are (real files and symlinks in a temporary folder).
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { describeSerialPorts, listSerialPorts } from "../../../src/transport/serial-ports.js";

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function fakeDev(nodes: readonly string[]) {
  const dev = mkdtempSync(join(tmpdir(), "e450-dev-"));
  folders.push(dev);
  for (const node of nodes) writeFileSync(join(dev, node), "");
  const byId = join(dev, "serial", "by-id");
  return { dev, byId };
}

describe("listSerialPorts", () => {
  it("names adapters by their by-id link and node, and leaves out the legacy ttyS placeholders", async () => {
    const { dev, byId } = fakeDev(["ttyUSB0", "ttyUSB1", "ttyACM0", "ttyS0", "ttyS31", "tty1", "null"]);
    mkdirSync(byId, { recursive: true });
    const ftdi = "usb-FTDI_FT232R_USB_UART_A10K4ABC-if00-port0";
    symlinkSync("../../ttyUSB1", join(byId, ftdi));
    symlinkSync("../../ttyUSB9", join(byId, "usb-gone-if00-port0")); // its adapter was pulled
    const ports = await listSerialPorts({ devDir: dev, byIdDir: byId, udevList: async () => [] });
    expect(ports).toEqual([
      { device: join(dev, "ttyACM0") },
      { device: join(dev, "ttyUSB0") },
      { device: join(dev, "ttyUSB1"), byId: join(byId, ftdi) },
    ]);
    expect(describeSerialPorts(ports)).toBe(
      `serial ports on this machine: ${join(dev, "ttyACM0")}, ${join(dev, "ttyUSB0")}, ${join(byId, ftdi)} (${join(dev, "ttyUSB1")})`,
    );
  });

  it("adds what udev lists, and survives a list that fails (no udevadm in the container)", async () => {
    const { dev, byId } = fakeDev(["ttyAMA0"]);
    const listed = await listSerialPorts({
      devDir: dev,
      byIdDir: byId,
      udevList: async () => ["/dev/ttyS4"],
    });
    expect(listed.map((port) => port.device)).toEqual(["/dev/ttyS4", join(dev, "ttyAMA0")]);
    const failing = await listSerialPorts({
      devDir: dev,
      byIdDir: byId,
      udevList: () => Promise.reject(new Error("spawn udevadm ENOENT")),
    });
    expect(failing).toEqual([{ device: join(dev, "ttyAMA0") }]);
  });

  it("says how to look when there is none", async () => {
    const { dev, byId } = fakeDev(["tty0", "console"]);
    const ports = await listSerialPorts({ devDir: dev, byIdDir: byId, udevList: async () => [] });
    expect(describeSerialPorts(ports)).toBe(
      "serial ports on this machine: none found — is the adapter plugged in, and passed to the add-on?",
    );
  });
});
