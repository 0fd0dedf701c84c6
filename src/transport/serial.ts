/**
 * Local serial port via serialport. The port can vanish (USB adapter pulled) and come back under the
 * same path; the reconnect loop reopens it, at once when the path reappears (device-watch.ts). A
 * path that does not exist is reported with the ports that do (serial-ports.ts).
 *
 * Line-format changes (the IEC 62056-21 baud change-over, the "auto" hunt): serialport's `update()`
 * changes only the baud rate of an open port (@serialport/bindings-cpp takes nothing else), so a new
 * character frame (data bits, parity, stop bits) closes the port and opens it again. That reopen stays
 * inside the one connection the reconnect loop knows: no "connecting"/"up" (on "up" the meter runtime
 * restarts its reader, and with it a mode C sign-on), unless the reopen fails, which is then a link
 * failure like any other and the loop retries with the new format.
 */
import { existsSync } from "node:fs";
import type { SerialPort } from "serialport";
import type { SerialFormat } from "../model/serial-format.js";
import type { BackoffOptions } from "../util/backoff.js";
import { watchForDevice } from "./device-watch.js";
import { type Connection, type ConnectionHandlers, ReconnectingTransport } from "./reconnecting.js";
import { describeSerialPorts, listSerialPorts } from "./serial-ports.js";

export interface SerialOptions {
  readonly path: string;
  readonly format: SerialFormat;
  readonly backoff?: BackoffOptions;
}

/** One connection of the reconnect loop; a frame change swaps its port without ending it. */
interface Link {
  port: SerialPort | null;
  format: SerialFormat;
  readonly handlers: ConnectionHandlers;
  closed: boolean;
  /** A reopen in progress, which close() waits for so that stop() leaves no port open. */
  reopening: Promise<void> | null;
}

export class SerialTransport extends ReconnectingTransport {
  readonly description: string;
  private format: SerialFormat;
  private link: Link | null = null;
  /**
   * Opens, writes and format changes run one after another: update() flushes both queues
   * (tcflush TCIOFLUSH in bindings-cpp), so a sign-on or ACK still draining would be cut off, and a
   * port must not come up with a format that was replaced while it was opening.
   */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: SerialOptions) {
    super(options.backoff);
    this.format = options.format;
    this.description = `serial ${options.path}`;
  }

  /**
   * Applies the format to the open port, or keeps it for the next open. Rejects (with a message safe
   * to log) when the port refuses it; a failed reopen has also handed the link to the reconnect loop.
   */
  override setFormat(format: SerialFormat): Promise<void> {
    this.format = format;
    return this.serialized(() => this.apply(format));
  }

  protected open(handlers: ConnectionHandlers): Promise<Connection> {
    return this.serialized(async () => {
      const link: Link = { port: null, format: this.format, handlers, closed: false, reopening: null };
      link.port = await this.openPort(link).catch(async (error: Error) => {
        throw existsSync(this.options.path) ? error : await this.noSuchDevice();
      });
      this.link = link;
      return {
        write: (bytes) => this.serialized(() => this.writeTo(link, bytes)),
        close: () => this.close(link),
      };
    });
  }

  protected override watchWhileWaiting(retryNow: () => void): () => void {
    return watchForDevice(this.options.path, retryNow);
  }

  /** Replaces the binding's ENOENT text with what the user can act on: the ports that do exist. */
  private async noSuchDevice(): Promise<Error> {
    const ports = describeSerialPorts(await listSerialPorts());
    return new Error(`${this.description}: no such device; ${ports}`);
  }

  private async apply(format: SerialFormat): Promise<void> {
    const link = this.link;
    if (!link?.port || link.closed) return;
    const port = link.port;
    const current = link.format;
    if (
      current.dataBits === format.dataBits &&
      current.parity === format.parity &&
      current.stopBits === format.stopBits
    ) {
      if (current.baudRate !== format.baudRate)
        await new Promise<void>((resolve, reject) =>
          port.update({ baudRate: format.baudRate }, (error) =>
            error
              ? reject(new Error(`${this.description}: ${format.baudRate} Bd refused: ${error.message}`))
              : resolve(),
          ),
        );
      link.format = format;
      return;
    }
    link.reopening = this.reopen(link, format);
    try {
      await link.reopening;
    } finally {
      link.reopening = null;
    }
  }

  private async reopen(link: Link, format: SerialFormat): Promise<void> {
    const old = link.port;
    link.port = null;
    if (old) await closePort(old);
    link.format = format;
    let port: SerialPort;
    try {
      port = await this.openPort(link);
    } catch (error) {
      this.lose(link, error instanceof Error ? error.message : String(error));
      throw error;
    }
    if (link.closed) await closePort(port);
    else link.port = port;
  }

  private async openPort(link: Link): Promise<SerialPort> {
    const { baudRate, dataBits, parity, stopBits } = link.format;
    // Loaded on first use: its native binding costs some 16 MB of memory that a TCP bridge or the
    // virtual meter never needs (npm run bench, section live).
    const { SerialPort } = await import("serialport");
    return new Promise((resolve, reject) => {
      const port = new SerialPort({
        path: this.options.path,
        baudRate,
        dataBits,
        parity,
        stopBits,
        autoOpen: false,
      });
      port.open((error) => {
        if (error) {
          reject(new Error(`${this.description}: ${error.message}`));
          return;
        }
        port.on("data", (chunk: Buffer) => link.handlers.onData(new Uint8Array(chunk)));
        port.on("error", (portError) => this.lose(link, `${this.description}: ${portError.message}`));
        port.on("close", () => this.lose(link, `${this.description} closed (cable or adapter removed?)`));
        resolve(port);
      });
    });
  }

  /** The link failed (port error, vanished device, failed reopen): over to the reconnect loop. */
  private lose(link: Link, reason: string): void {
    if (link.closed) return;
    link.closed = true;
    if (this.link === link) this.link = null;
    // Closed here, or the retry could not reopen the path: bindings-cpp locks the port (flock).
    if (link.port) void closePort(link.port);
    link.handlers.onClose(reason);
  }

  private writeTo(link: Link, bytes: Uint8Array): Promise<void> {
    const port = link.port;
    if (!port || link.closed) return Promise.reject(new Error(`${this.description} is not connected`));
    return new Promise((done, fail) =>
      port.write(Buffer.from(bytes), (writeError) =>
        writeError ? fail(writeError) : port.drain(() => done()),
      ),
    );
  }

  private async close(link: Link): Promise<void> {
    link.closed = true;
    if (this.link === link) this.link = null;
    await link.reopening?.catch(() => {});
    if (link.port) await closePort(link.port);
  }

  private serialized<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => {});
    return run;
  }
}

/** Closes without reporting it as a lost link; a late error from the old port goes nowhere. */
function closePort(port: SerialPort): Promise<void> {
  port.removeAllListeners("data");
  port.removeAllListeners("close");
  port.removeAllListeners("error");
  port.on("error", () => {});
  return new Promise((done) => {
    if (!port.isOpen) return done();
    port.close(() => done());
  });
}
