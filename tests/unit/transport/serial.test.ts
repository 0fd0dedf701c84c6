/**
 * SerialTransport's line-format changes against serialport's own mock binding (SerialPortMock),
 * where the races a pty cannot time are easy to pose: a write still draining when the rate changes, stop() in the middle of a reopen, a change while the link is down.
 */
import { SerialPort, SerialPortMock } from "serialport";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SerialTransport } from "../../../src/transport/serial.js";
import type { LinkState } from "../../../src/model/link-state.js";
import type { SerialFormat } from "../../../src/model/serial-format.js";
import { SERIAL_PRESETS } from "../../../src/transport/transport.js";

type OpenOptions = Parameters<typeof SerialPort.binding.open>[0];
interface Binding<Port> {
  open(options: OpenOptions): Promise<Port>;
}
/** What is used here of binding-mock's port. */
interface MockPort {
  readonly openOptions: Required<OpenOptions>;
  readonly isOpen: boolean;
  readonly lastWrite: Buffer | null;
  update(options: { baudRate: number }): Promise<void>;
  drain(): Promise<void>;
  write(buffer: Buffer): Promise<void>;
}
/** serialport's own mock of the OS layer (@serialport/binding-mock, re-exported by serialport). */
const MockBinding = SerialPortMock.binding as unknown as Binding<MockPort> & {
  reset(): void;
  createPort(path: string): void;
};

const PATH = "/dev/ttyMOCK0";
const MBUS = SERIAL_PRESETS.mbus;
const MBUS_9600: SerialFormat = { ...MBUS, baudRate: 9600 };
const IEC_7E1 = SERIAL_PRESETS["iec62056-21"];

let ports: MockPort[];
let log: string[];

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  MockBinding.reset();
  ports = [];
  log = [];
  // Only the OS layer is replaced; serialport's stream and the transport are the real ones.
  vi.spyOn(SerialPort.binding as unknown as Binding<MockPort>, "open").mockImplementation(
    async (options: OpenOptions) => {
      const port = await MockBinding.open(options);
      ports.push(port);
      const { update, drain, write } = port;
      port.update = (o) => {
        log.push(`update ${o.baudRate}`);
        return update.call(port, o);
      };
      port.drain = () => {
        log.push("drain");
        return drain.call(port);
      };
      port.write = (b) => {
        log.push(`write ${b.toString("latin1").trim()}`);
        return write.call(port, b);
      };
      return port;
    },
  );
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

function transportOnMock(format: SerialFormat = MBUS) {
  const transport = new SerialTransport({
    path: PATH,
    format,
    backoff: { initialMs: 100, maxMs: 100, random: () => 1 },
  });
  const states: LinkState[] = [];
  transport.on("state", (state) => states.push(state));
  return { transport, states };
}

describe("SerialTransport.setFormat", () => {
  it("changes the rate alone on the open port and reopens it for a new character frame", async () => {
    MockBinding.createPort(PATH);
    const { transport, states } = transportOnMock();
    await transport.start();

    await transport.setFormat(MBUS_9600);
    expect(ports).toHaveLength(1);
    expect(log).toEqual(["update 9600"]);

    await transport.setFormat({ ...IEC_7E1, baudRate: 9600 });
    expect(ports).toHaveLength(2);
    expect(ports[0]?.isOpen).toBe(false);
    expect(ports[1]?.openOptions).toMatchObject({ baudRate: 9600, dataBits: 7, parity: "even", stopBits: 1 });
    expect(states).toEqual(["connecting", "up"]);

    await transport.write(Uint8Array.of(0x2f, 0x3f, 0x21, 0x0d, 0x0a));
    expect(ports[1]?.lastWrite?.toString("latin1")).toBe("/?!\r\n");
    await transport.stop();
  });

  it("lets a write drain before the rate changes (update() flushes what is still queued)", async () => {
    MockBinding.createPort(PATH);
    const { transport } = transportOnMock(IEC_7E1);
    await transport.start();
    // The mode C ACK and the change-over to 9600 Bd it announces, issued without waiting (pipeline).
    const ack = transport.write(new TextEncoder().encode("\x06050\r\n"));
    const change = transport.setFormat({ ...IEC_7E1, baudRate: 9600 });
    await Promise.all([ack, change]);
    expect(log).toEqual(["write \x06050", "drain", "update 9600"]);
    await transport.stop();
  });

  it("sends a write issued after a frame change on the reopened port", async () => {
    MockBinding.createPort(PATH);
    const { transport } = transportOnMock();
    await transport.start();
    const change = transport.setFormat(IEC_7E1);
    const signOn = transport.write(new TextEncoder().encode("/?!\r\n"));
    await Promise.all([change, signOn]);
    expect(ports[0]?.lastWrite).toBeNull();
    expect(ports[1]?.lastWrite?.toString("latin1")).toBe("/?!\r\n");
    await transport.stop();
  });

  it("rejects a rate the port refuses and keeps the link up", async () => {
    MockBinding.createPort(PATH);
    const { transport, states } = transportOnMock();
    await transport.start();
    vi.spyOn(ports[0]!, "update").mockRejectedValue(new Error("Invalid argument"));
    await expect(transport.setFormat(MBUS_9600)).rejects.toThrow(
      `serial ${PATH}: 9600 Bd refused: Invalid argument`,
    );
    expect(states).toEqual(["connecting", "up"]);
    // The queue goes on after a rejection.
    await transport.setFormat(IEC_7E1);
    expect(ports[1]?.openOptions).toMatchObject({ dataBits: 7 });
    await transport.stop();
  });

  it("leaves no port open when stop() comes in the middle of a reopen", async () => {
    MockBinding.createPort(PATH);
    const { transport, states } = transportOnMock();
    await transport.start();
    const change = transport.setFormat(IEC_7E1);
    await transport.stop();
    await change;
    expect(ports.length).toBeGreaterThanOrEqual(1);
    expect(ports.every((port) => !port.isOpen)).toBe(true);
    expect(states).toEqual(["connecting", "up", "stopped"]);
  });

  it("keeps a format set while the link is down for the next attempt", async () => {
    const { transport, states } = transportOnMock();
    await transport.start(); // no such port yet
    expect(states).toEqual(["connecting", "down"]);
    await transport.setFormat(IEC_7E1);
    MockBinding.createPort(PATH);
    await vi.advanceTimersByTimeAsync(100);
    // A retry after a reported failure is quiet: the link stays "down" until it is up again.
    expect(states).toEqual(["connecting", "down", "up"]);
    expect(ports[0]?.openOptions).toMatchObject({ baudRate: 300, dataBits: 7, parity: "even" });
    await transport.stop();
  });
});
