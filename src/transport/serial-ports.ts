/**
 * The serial ports that do exist, for the message about one that does not: a mistyped or stale
 * device path is the most common first-run problem, and the right path is usually one of these.
 *
 * Three sources, merged: serialport's list (udev's database through `udevadm`), the device nodes in
 * /dev, and the stable names in /dev/serial/by-id resolved to their nodes. An add-on container has
 * the nodes it was given but often neither udevadm nor udev's database, so the list alone would say
 * "none" next to a working adapter.
 */
import { readdir, realpath } from "node:fs/promises";
import { join } from "node:path";

export interface SerialPortName {
  /** The device node, e.g. /dev/ttyUSB0. */
  readonly device: string;
  /** Its /dev/serial/by-id link, which survives re-plugging into another USB port. */
  readonly byId?: string;
}

export interface PortSources {
  readonly devDir?: string;
  readonly byIdDir?: string;
  /** Device paths as serialport lists them; failures count as none. */
  readonly udevList?: () => Promise<readonly string[]>;
}

/**
 * Adapters and UARTs (the node names serialport's Linux list accepts). Plain ttyS<n> is left out:
 * a PC has 32 of them whether or not a UART is fitted, and one in use shows through udev or by-id.
 */
const DEVICE_NAME = /^(tty(USB|ACM|AMA|WCH|XRUSB|MFD|O)\d+|rfcomm\d+)$/;
const UDEV_TIMEOUT_MS = 2_000;

async function udevPorts(): Promise<readonly string[]> {
  // Loaded on first use, as in serial.ts.
  const { SerialPort } = await import("serialport");
  const ports = await SerialPort.list();
  // Legacy ttyS placeholders carry no USB or platform details; real UARTs and adapters do.
  return ports
    .filter((port) => !/\/ttyS\d+$/.test(port.path) || port.pnpId || port.vendorId)
    .map((port) => port.path);
}

function withTimeout<T>(promise: Promise<T>, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), UDEV_TIMEOUT_MS);
    timer.unref();
  });
  return Promise.race([promise.catch(() => fallback), timeout]).finally(() => clearTimeout(timer));
}

async function names(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}

export async function listSerialPorts(sources: PortSources = {}): Promise<SerialPortName[]> {
  const devDir = sources.devDir ?? "/dev";
  const byIdDir = sources.byIdDir ?? "/dev/serial/by-id";
  const [listed, nodes, links] = await Promise.all([
    withTimeout((sources.udevList ?? udevPorts)(), [] as readonly string[]),
    names(devDir),
    names(byIdDir),
  ]);
  const devices = new Set<string>([
    ...listed,
    ...nodes.filter((name) => DEVICE_NAME.test(name)).map((name) => join(devDir, name)),
  ]);
  const byId = new Map<string, string>();
  for (const link of links.sort()) {
    const path = join(byIdDir, link);
    const device = await realpath(path).catch(() => null);
    if (!device) continue; // a dangling link: its adapter is gone
    devices.add(device);
    if (!byId.has(device)) byId.set(device, path);
  }
  return [...devices].sort().map((device) => {
    const link = byId.get(device);
    return link ? { device, byId: link } : { device };
  });
}

/** "…: /dev/serial/by-id/usb-FTDI_…-if00-port0 (/dev/ttyUSB0), /dev/ttyAMA0", or how to find none. */
export function describeSerialPorts(ports: readonly SerialPortName[]): string {
  if (ports.length === 0) {
    return "serial ports on this machine: none found — is the adapter plugged in, and passed to the add-on?";
  }
  const listed = ports.map((port) => (port.byId ? `${port.byId} (${port.device})` : port.device));
  return `serial ports on this machine: ${listed.join(", ")}`;
}
